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


# How the hooks start the recorder: isolated (-I: neither the current directory nor PYTHON*
# variables can inject modules) and without site-packages (-S: the record path needs only
# the standard library and this package, whose directory goes on sys.path explicitly).
RECORD_FLAGS = ("-I", "-S")


def record_code(package_parent: str | None = None) -> str:
    """The ``python -c`` program the hooks run: recall_cli.capture.record.main()."""
    import os

    if package_parent is None:
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return (f"import sys; sys.path.insert(0, {package_parent!r}); "
            "from recall_cli.capture.record import main; sys.exit(main())")


def picker_code(package_parent: str | None = None) -> str:
    """The ``python -c`` program Ctrl-R runs: recall_cli.capture.picker.main()."""
    return record_code(package_parent).replace("recall_cli.capture.record", "recall_cli.capture.picker")


def record_argv(python: str | None = None) -> list[str]:
    """The recorder's command line without its arguments (tests run exactly this)."""
    import sys

    return [python or sys.executable, *RECORD_FLAGS, "-c", record_code()]


def hook_script(shell: str, python: str | None = None, ctrl_r: bool = True) -> str:
    """The script `recall init <shell>` prints, bound to this Python interpreter; with
    ``ctrl_r`` it also binds Ctrl-R to the history picker (unless RECALL_NO_CTRL_R=1 when
    the script is loaded)."""
    import sys
    from importlib import resources

    if shell not in SHELLS:
        raise ValueError(shell)
    hooks = resources.files("recall_cli.capture").joinpath("hooks")
    text = hooks.joinpath(f"recall.{shell}").read_text(encoding="utf-8")
    if ctrl_r:
        text += hooks.joinpath(f"picker.{shell}").read_text(encoding="utf-8")
    return (text.replace("@PYTHON@", _quote(shell, python or sys.executable))
            .replace("@FLAGS@", " ".join(RECORD_FLAGS))
            .replace("@CODE@", _quote(shell, record_code()))
            .replace("@PICK@", _quote(shell, picker_code())))
