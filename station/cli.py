"""`station` command line: dispatch to station/commands/*, errors as one line + exit code.

Exit codes (DESIGN.md): 0 ok, 2 bad input with a one-line reason, 1 internal error.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import NoReturn, Sequence

from station import __version__
from station.errors import BadInput

# Subcommand modules, in the order `station --help` lists them.
COMMAND_MODULES = (
    "station.commands.demo",
    "station.commands.run",
    "station.commands.analyze",
    "station.commands.synth",
    "station.commands.bench",
    "station.commands.doctor",
    "station.commands.runners",
    "station.commands.sessions",
    "station.commands.report",
)


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; we print the error alone, one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = OneLineParser(prog="station", description="Treadmill running-form station.")
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    handlers = {}
    for modname in COMMAND_MODULES:
        mod = importlib.import_module(modname)
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        handlers[mod.NAME] = mod.run
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or a bad option (already printed)
        return int(e.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(handlers[args.command](args) or 0)
    except BadInput as e:
        print(f"station {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"station {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
