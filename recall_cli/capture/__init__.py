"""Capture: shell hooks and their record fast path, secret redaction, the spool, the file watcher.

Importing this package must stay cheap: the shell hook's recorder imports it on every
command. Heavy parts (watchdog in ``watch``) are imported only by the modules that need them.
"""

from __future__ import annotations

SHELLS = ("bash", "zsh", "fish")


def _quote(shell: str, value: str) -> str:
    if shell == "fish":
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + value.replace("'", "'\\''") + "'"


def hook_script(shell: str, python: str | None = None) -> str:
    """The script `recall init <shell>` prints, bound to this Python interpreter."""
    import sys
    from importlib import resources

    if shell not in SHELLS:
        raise ValueError(shell)
    text = resources.files(__name__).joinpath("hooks", f"recall.{shell}").read_text(encoding="utf-8")
    return text.replace("@PYTHON@", _quote(shell, python or sys.executable))
