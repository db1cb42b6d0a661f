"""The one base class of the errors a user is shown (one line that says what to do next).

The core raises subclasses (ConfigError, StoreError, AddError, FetchError, LoadError ...); the
CLI prints `newsreader: <message>` and exits 1, the app shows it with `notify`. Anything else
that escapes is a bug, and is reported as one.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure worded for the user: the message is one line and says what to do next."""


def describe(exc: BaseException) -> str:
    """One line for the user about any error: a UserError's own message; a system error with
    what failed; anything else is a bug, and says so."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        what = exc.strerror or str(exc)
        return f"{what}: {exc.filename}" if exc.filename else what
    return f"unexpected error ({type(exc).__name__}: {exc}); this is a bug, please report it"
