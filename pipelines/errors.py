"""The one error type the CLI turns into a one-line message (never a traceback)."""


class EarshotError(Exception):
    """A problem the user can fix: bad input, bad configuration, a locked database."""
