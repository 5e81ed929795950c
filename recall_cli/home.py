"""Where RECALL_HOME is, with the standard library only (the shell hook and the search fast
path use it before anything heavier is imported)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def account_name() -> str | None:
    """The local account's name, which the shell hook and the file watcher store as the
    speaker of what they capture (None when there is none)."""
    import getpass

    try:
        return getpass.getuser() or None
    except Exception:  # noqa: BLE001 - no user name is not an error
        return None


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


# -- privacy: RECALL_HOME is 0700 and everything in it 0600, whatever the umask -------------------
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_OPEN_TO_OTHERS = 0o077


def make_private_dir(path: str | os.PathLike[str]) -> None:
    """Create a directory (and missing parents, each of them private too) readable by its
    owner only."""
    missing = []
    current = os.path.abspath(path)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, PRIVATE_DIR)
        except FileExistsError:
            pass
    if os.stat(path).st_mode & _OPEN_TO_OTHERS:
        os.chmod(path, PRIVATE_DIR)


def create_private_file(path: str | os.PathLike[str]) -> None:
    """Create an empty file with mode 0600 unless it exists (a later writer then inherits a
    private file: SQLite gives its -wal and -shm the database file's mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE))
    except FileExistsError:
        pass


def replace_private(path: str | os.PathLike[str], data: bytes) -> None:
    """``path`` holds ``data`` from now on, all at once (a crash leaves the old file or the new
    one), private to the user whatever the old file's mode was."""
    # (hidden, so that a reader of the folder, a sync device among them, passes it by)
    folder, name = os.path.split(os.fspath(path))
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, PRIVATE_FILE)  # O_CREAT's mode does not apply to a leftover file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def lock_file(path: str | os.PathLike[str], *, wait: bool = True) -> int | None:
    """An open descriptor holding an exclusive lock on the file ``path`` (created 0600), which
    closing it releases; None when ``wait`` is false and another process holds the lock."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        if wait:
            raise
        return None
    return fd


IMPORT_LOCK = "import.lock"  # held by an import while it stores and embeds
_imports_held = 0  # imports this process runs (its own lock is no other's import)


@contextmanager
def importing(home: str | os.PathLike[str]) -> Iterator[None]:
    """Held while an import stores and embeds what it read: a search in another process
    meanwhile finds the new items by their words, rather than embedding them itself while
    the import does the same (see import_running)."""
    global _imports_held
    try:  # (a second import at once: the first holds it)
        os.makedirs(home, mode=PRIVATE_DIR, exist_ok=True)  # a first import opens the store after this
        fd = lock_file(os.path.join(home, IMPORT_LOCK), wait=False)
    except OSError:  # a home that cannot be written to: the store says so, not this
        fd = None
    _imports_held += 1
    try:
        yield
    finally:
        _imports_held -= 1
        if fd is not None:
            os.close(fd)


def import_running(home: str | os.PathLike[str]) -> bool:
    """Whether another process imports into ``home`` now (and will embed what it stores)."""
    path = os.path.join(home, IMPORT_LOCK)
    if _imports_held or not os.path.exists(path):
        return False
    fd = lock_file(path, wait=False)
    if fd is None:
        return True
    os.close(fd)
    return False


def loose_modes(home: str | os.PathLike[str]) -> list[str]:
    """Paths under RECALL_HOME (itself included) that someone other than the owner can use."""
    found: list[str] = []
    if not os.path.isdir(home):
        return found
    for root, dirs, files in os.walk(home):
        for name in [None, *dirs, *files]:
            path = root if name is None else os.path.join(root, name)
            if name is not None and name in dirs:
                continue  # directories are visited as roots
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not _is_link(st.st_mode) and st.st_mode & _OPEN_TO_OTHERS:
                found.append(path)
    return found


def tighten(home: str | os.PathLike[str]) -> list[str]:
    """Make RECALL_HOME and every directory in it 0700 and every file 0600 (symbolic links are
    left alone); returns the paths that changed. Run when a store opens, so a home made by an
    older version, or under a loose umask, becomes private."""
    changed = []
    for path in loose_modes(home):
        try:
            mode = PRIVATE_DIR if os.path.isdir(path) else PRIVATE_FILE
            os.chmod(path, mode)
            changed.append(path)
        except OSError:
            continue
    return changed


def _is_link(mode: int) -> bool:
    import stat

    return stat.S_ISLNK(mode)
