"""The command line's own errors, apart from the app so that every command module can import them."""


class UsageError(ValueError):
    """A bad argument: exit status 2."""


class PipeClosed(Exception):
    """Standard output's reader closed the pipe; exit status 0 (kept apart from OSError, which the
    command-line library would turn into exit status 1)."""
