"""The RecallError family: every user-facing failure is one line and an exit code."""

from __future__ import annotations


class RecallError(Exception):
    """A failure the user can act on; the CLI prints ``Error: <message>`` and exits."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(RecallError):
    """Wrong flags or arguments."""

    exit_code = 2


class NotFoundError(RecallError):
    """An id or name that does not exist."""

    exit_code = 3


def shown_path(path: str) -> str:
    """A file name as one line of a report shows it: a line break or another control character
    in the name is written as an escape ("old\\nnotes.md"), so a name cannot forge a line."""
    if not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in path):
        return path
    return "".join(c.encode("unicode_escape").decode("ascii") if ord(c) < 32 or 127 <= ord(c) < 160 else c
                   for c in path)


class InputError(RecallError):
    """Bad input data: names the file and, where known, the position."""

    exit_code = 4

    def __init__(self, message: str, path: str | None = None, position: str | None = None) -> None:
        where = ""
        if path:
            where = shown_path(str(path))
            if position:
                where += f":{position}"
            where += ": "
        super().__init__(f"{where}{message}")
        self.reason = message  # what is wrong, without where
        self.path = path
        self.position = position


class ModelError(RecallError):
    """A model could not be loaded or run."""

    exit_code = 5


class ConfigError(RecallError):
    """A bad configuration key or value (``key``: the key, when one is to blame; ``env``: the
    environment variable it came from, which `config set` cannot repair)."""

    exit_code = 6

    def __init__(self, message: str, key: str | None = None, env: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.env = env


class NoRoom(RecallError):
    """The disk that holds the store is full: what is stored still reads; nothing new lands."""
