"""One module per `station` subcommand: NAME, HELP, add_arguments(parser), run(args) -> int."""
