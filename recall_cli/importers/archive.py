"""A chat export as it arrives: a ZIP file.

ChatGPT and Claude both send a person's data as a ZIP whose ``conversations.json`` holds the
chats. ``unzipped`` copies that one member to a private temporary file (0600, under
RECALL_HOME, removed afterwards, and a copy a killed import left is removed by the next) for
the usual import, after checking its declared size
against ``import.max_bytes`` and counting the bytes actually read, so a ZIP bomb or a member
that lies about its size is refused before it fills the disk. ``piped`` does the same for
what a pipe holds (``/dev/stdin``, ``<(...)``, a FIFO), which can be read only once.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..home import make_private_dir

EXPORT_MEMBER = "conversations.json"


def is_zip(path: Path) -> bool:
    """Whether the file starts like a ZIP archive (a damaged one included: its error says so)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def holds_export(path: Path) -> bool:
    """Whether ``path`` is a ZIP holding a ``conversations.json`` (a ChatGPT or Claude export as
    it arrived): a folder import reads it; any other ZIP in the folder is not for import."""
    if not is_zip(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(Path(name).name == EXPORT_MEMBER for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return False  # (named on its own, its import says what is wrong with it)


# the files a ChatGPT (user.json, message_feedback.json, ...) or Claude (users.json,
# projects.json) export holds beside its conversations.json: account data, not chats
COMPANIONS = frozenset({"user.json", "users.json", "message_feedback.json", "shared_conversations.json",
                        "model_comparisons.json", "projects.json", "memories.json", "group_chats.json",
                        "sora.json", "library.json"})


def export_companion(path: Path) -> bool:
    """Whether ``path`` is one of an unzipped chat export's own files beside its
    ``conversations.json``: a folder import passes over those (no format reads them)."""
    return path.name.lower() in COMPANIONS and (path.parent / EXPORT_MEMBER).is_file()


def export_member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """The archive's one ``conversations.json``."""
    found = [i for i in archive.infolist() if not i.is_dir() and Path(i.filename).name == EXPORT_MEMBER]
    if not found:
        raise InputError(f"a ZIP without {EXPORT_MEMBER} (a ChatGPT or Claude export has one); unzip it and import "
                         "the files you want", str(path))
    if len(found) > 1:  # two exports in one archive: importing one would drop the other unseen
        raise InputError(f"a ZIP with {len(found)} {EXPORT_MEMBER} files ({', '.join(i.filename for i in found[:3])}); "
                         "unzip it and import each", str(path))
    return found[0]


@contextmanager
def unzipped(path: Path, home: Path, max_bytes: int) -> Iterator[Path]:
    """The export's ``conversations.json`` as a private temporary file, removed on exit."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = export_member(archive, path)
            if member.flag_bits & 0x1:  # (zipfile would stop with a RuntimeError asking for the password)
                raise InputError(f"a password-protected ZIP ({member.filename} is encrypted); unzip it with its "
                                 f"password and import {EXPORT_MEMBER}", str(path))
            if member.file_size > max_bytes:
                raise InputError(f"{member.filename} in the ZIP is {member.file_size:,} bytes, over import.max_bytes "
                                 f"({max_bytes:,})", str(path))
            fd, name = tempfile.mkstemp(prefix="export-", suffix=".json", dir=_scratch(home))  # 0600
            target = Path(name)
            try:
                with os.fdopen(fd, "wb") as out, archive.open(member) as source:
                    _copy_bounded(source, out, max_bytes, path)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a bad directory, or a bad stream inside
        raise InputError(f"a damaged ZIP file ({exc})", str(path)) from None
    except NotImplementedError as exc:  # a method zipfile lacks (7-Zip's AES encryption is method 99)
        raise InputError(f"a ZIP recall cannot unpack ({exc}); unzip it and import {EXPORT_MEMBER}",
                         str(path)) from None
    try:
        yield target
    except InputError as exc:
        if exc.path != str(target):
            raise
        # the scratch copy is gone when this is read: name the archive and its member instead
        raise InputError(exc.reason, f"{path}:{member.filename}", exc.position) from None
    finally:
        target.unlink(missing_ok=True)


def is_pipe(path: Path) -> bool:
    """Whether ``path`` is a pipe, a socket or a device (``/dev/stdin``, ``<(...)``, a FIFO):
    what it holds can be read once, as it comes, and has no size to check first."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


@contextmanager
def piped(path: Path, home: Path, max_bytes: int) -> Iterator[Path]:
    """What the pipe at ``path`` holds, read to its end (refused past ``max_bytes``), as a
    private temporary file of the same name (so "pipe.json" still tells the format), removed
    on exit."""
    folder = Path(tempfile.mkdtemp(prefix="pipe-", dir=_scratch(home)))  # 0700
    try:
        target = folder / (path.name or "stdin")
        try:
            with path.open("rb") as source, open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                                                 "wb") as out:
                _copy_bounded(source, out, max_bytes, path, past="what the pipe holds runs",
                              empty="empty (nothing came through the pipe)")
        except OSError as exc:
            raise InputError(f"cannot read it ({exc.strerror or exc})", str(path)) from None
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


STALE_SECONDS = 3600


def _scratch(home: Path) -> Path:
    """The private folder the copies are made in, cleared of those a killed import left."""
    scratch = home / "tmp"
    make_private_dir(scratch)
    _sweep(scratch)
    return scratch


def _sweep(scratch: Path) -> None:
    """Remove copies a killed import left behind: they hold chat text not yet redacted."""
    cutoff = time.time() - STALE_SECONDS
    for old in [*scratch.glob("export-*.json"), *scratch.glob("pipe-*")]:
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        except OSError:
            continue


def _copy_bounded(source: IO[bytes], out: IO[bytes], max_bytes: int, path: Path, *,
                  past: str = f"{EXPORT_MEMBER} in the ZIP inflates",
                  empty: str = f"{EXPORT_MEMBER} in the ZIP is empty") -> None:
    """Copy at most ``max_bytes``: a member (or a pipe) that runs past it is refused; ``past``
    and ``empty`` say what did."""
    written = 0
    while chunk := source.read(1 << 20):
        written += len(chunk)
        if written > max_bytes:
            raise InputError(f"{past} past import.max_bytes ({max_bytes:,})", str(path))
        out.write(chunk)
    if written == 0:
        raise InputError(empty, str(path))
