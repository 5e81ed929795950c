"""watch.dirs followed while a watcher runs on it: `recall serve`, and `recall watch` started
without DIR. `recall watch --add/--remove` edits config.toml meanwhile; ``ConfiguredDirs``
says when the watcher should be started anew over what is configured now."""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Config, load_config
from ..errors import RecallError
from .filters import expand_path, parse_list


def _stamp(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size) of ``path``; None when it does not exist."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class ConfiguredDirs:
    """watch.dirs as config.toml says it now (``value``). ``changed()`` is cheap enough to call
    every second: config.toml is read again only when its time or size changed."""

    def __init__(self, config: Config) -> None:
        self.home = config.home
        self.path = config.path
        self.value: str = config.get("watch.dirs")
        self._stamp = _stamp(self.path)
        self.missing: list[str] = []  # folders missing when the watcher started (a USB stick, a share)

    def split(self) -> tuple[list[str], list[str]]:
        """(the folders of watch.dirs that exist, those that do not), as watch.dirs spells
        them; ``changed()`` looks out for the missing ones."""
        wanted = parse_list(self.value)
        self.missing = [d for d in wanted if not os.path.isdir(expand_path(d))]
        return [d for d in wanted if d not in self.missing], list(self.missing)

    def changed(self) -> bool:
        """Whether to start the watcher anew: watch.dirs names other folders now, or a folder
        that was missing is back."""
        if any(os.path.isdir(expand_path(d)) for d in self.missing):
            return True
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            value = load_config(self.home).get("watch.dirs")
        except RecallError:
            return False  # a config being edited (or broken): keep watching what was configured
        if value == self.value:
            return False
        self.value = value
        return True
