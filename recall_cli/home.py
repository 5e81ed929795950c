"""Where RECALL_HOME is, with the standard library only (the shell hook and the search fast
path use it before anything heavier is imported)."""

from __future__ import annotations

import os
import sys


def default_home() -> str:
    """The platform's user data directory for recall."""
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "recall")
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
        return os.path.join(base, "recall")
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return os.path.join(base, "recall")


def recall_home() -> str:
    """RECALL_HOME if set, else the platform default."""
    env = os.environ.get("RECALL_HOME")
    return os.path.expanduser(env) if env else default_home()
