"""What capture leaves out: ignore patterns, ignored directories, list-valued config keys.

Standard library only (the shell hook's record path imports this module).
"""

from __future__ import annotations

import fnmatch
import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the record path does not import typing (nor the config)
    from collections.abc import Iterable, Sequence
    from typing import Any

    from ..config import Config
    from .record import Settings

# variable assignments before a command, one of them RECALL_DISABLE=1
DISABLED_PREFIX = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*?(?:env\s+)?RECALL_DISABLE=1\s")


def parse_list(value: Any) -> list[str]:
    """A list-valued config key: comma-separated (``\\,`` is a literal comma) or a TOML array."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        # a TOML array in config.toml arrives here as the str() of a Python list
        import ast

        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, list):
            return [str(v).strip() for v in parsed if str(v).strip()]
    items: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] == ",":
            current.append(",")
            i += 2
            continue
        if ch == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_list(items: Iterable[str]) -> str:
    """The inverse of parse_list for plain strings."""
    return ",".join(str(item).replace(",", "\\,") for item in items)


def expand_path(path: str) -> str:
    """~ and $VARS expanded, absolute and normalised (symlinks kept, like $PWD)."""
    return os.path.normpath(os.path.abspath(os.path.expandvars(os.path.expanduser(path))))


class CommandFilter:
    """Decides whether a shell command is recorded (before redaction and spooling)."""

    def __init__(self, patterns: Sequence[str] = (), dirs: Sequence[str] = ()) -> None:
        self.globs: list[str] = []
        self.regexes: list[re.Pattern[str]] = []
        for pattern in patterns:
            if pattern.startswith("re:"):
                try:
                    self.regexes.append(re.compile(pattern[3:]))
                except re.error:
                    # a broken pattern must not stop capture; match it literally instead
                    self.regexes.append(re.compile(re.escape(pattern[3:])))
            else:
                self.globs.append(pattern)
        self.dirs: list[str] = []
        self.dir_globs: list[str] = []
        for entry in dirs:
            if any(ch in entry for ch in "*?["):
                self.dir_globs.append(os.path.expanduser(entry))
            else:
                plain = expand_path(entry)
                self.dirs.append(plain)
                real = os.path.realpath(plain)
                if real != plain:
                    self.dirs.append(real)

    @classmethod
    def from_config(cls, config: Config | Settings) -> CommandFilter:
        """The filter of ``capture.ignore_patterns`` and ``capture.ignore_dirs`` (the full config, or
        the hook's own reading of the capture.* keys)."""
        return cls(parse_list(config.get("capture.ignore_patterns")),
                   parse_list(config.get("capture.ignore_dirs")))

    def ignored_command(self, command: str) -> bool:
        text = command.strip()
        if any(fnmatch.fnmatchcase(text, glob) for glob in self.globs):
            return True
        return any(regex.search(command) for regex in self.regexes)

    def ignored_dir(self, cwd: str | None) -> bool:
        if not cwd:
            return False
        paths = {os.path.normpath(cwd)}
        if self.dirs:
            paths.add(os.path.realpath(cwd))
        for path in paths:
            for directory in self.dirs:
                if path == directory or path.startswith(directory.rstrip(os.sep) + os.sep):
                    return True
            if any(fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(path + os.sep, glob)
                   for glob in self.dir_globs):
                return True
        return False

    def reason(self, command: str, cwd: str | None) -> str | None:
        """Why a command is not recorded, or None to record it."""
        if not command.strip():
            return "empty"
        if command[:1] in {" ", "\t"}:
            return "leading space"
        if DISABLED_PREFIX.match(command):  # "RECALL_DISABLE=1 mysql ...": paused for that command
            return "RECALL_DISABLE=1"
        if self.ignored_command(command):
            return "ignore pattern"
        if self.ignored_dir(cwd):
            return "ignored directory"
        return None
