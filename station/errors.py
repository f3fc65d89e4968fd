"""Errors that reach the user as one line and exit code 2 (bad input) or 1 (internal)."""


class BadInput(Exception):
    """The user gave us something we cannot use: a missing file, a bad option value,
    a clip with nobody in it. The message is one line saying what was expected and what
    was found; the CLI prints it and exits 2."""


class SourceError(BadInput):
    """A frame source could not be opened or read."""
