"""Errors that end a command with one clear line (exit 2), never a traceback."""


class FleetcheckError(Exception):
    """A user-facing error: the message is printed as is, on one line."""


class InventoryError(FleetcheckError):
    """Bad inventory; the message starts with `file:line:column: field.path:`."""
