"""`recall import` of one path, whatever it is: a ChatGPT or Claude export still zipped, what
a pipe holds (``/dev/stdin``, ``<(unzip -p ...)``, a FIFO), a recall JSONL export with its
memories and history, else any registered format through ``stream.import_file``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .archive import EXPORT_MEMBER, is_pipe, is_zip, piped, unzipped
from .base import ImportReport, read_text, readable

if TYPE_CHECKING:
    from ..service import Recall
    from ..sync.exchange import ExchangeReport


def import_any(svc: Recall, path: Path, fmt: str = "auto", *, progress: Callable[[int, int], None] | None = None,
               embed: bool = True, reading: Callable[[int, int], None] | None = None,
               origin: str | None = None) -> ImportReport | ExchangeReport:
    """Import ``path`` into ``svc`` as its kind asks (see the module's docstring)."""
    from ..sync.exchange import is_export

    if is_pipe(path):  # read once as it comes, within import.max_bytes, then as the file it held
        with piped(path, svc.config.home, svc.config.get("import.max_bytes")) as copy:
            try:
                report = import_any(svc, copy, fmt, progress=progress, embed=embed, reading=reading, origin="")
            except InputError as exc:
                if not exc.path or not exc.path.startswith(str(copy)):
                    raise
                # the copy is gone when this is read: name the pipe instead
                raise InputError(exc.reason, str(path) + exc.path[len(str(copy)):], exc.position) from None
        report.path = str(path) + str(report.path)[len(str(copy)):]
        return report
    readable(path)
    if path.is_file() and is_zip(path):  # a ChatGPT or Claude export as it arrives
        with unzipped(path, svc.config.home, svc.config.get("import.max_bytes")) as inner:
            zipped = svc.import_file(inner, fmt, progress=progress, embed=embed, reading=reading,
                                     origin=str(path.resolve()) if origin is None else origin)
        zipped.path = f"{path}:{EXPORT_MEMBER}"
        return zipped
    if fmt == "recall" or (fmt == "auto" and path.is_file() and is_export(_head(path))):
        exchanged = svc.import_export(path, read_text(path, svc.config.get("import.max_bytes")))
        if embed:
            svc.embed_pending(progress=progress)
        return exchanged
    return svc.import_file(path, fmt, progress=progress, embed=embed, reading=reading, origin=origin)


def _head(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.read(200).decode("utf-8", "replace")
