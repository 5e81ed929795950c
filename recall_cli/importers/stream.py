"""Reading import files with bounded memory: a checking pass, text chunks, lines, and the
elements of a top-level JSON array one at a time.

A 500 MB ``conversations.json`` is never held whole: ``scan_file`` reads it once to refuse
what is not text before anything is stored (and returns the head that format detection
reads), then the importers read it again as chunks of about ``CHUNK`` characters. Memory is
bounded by the largest single record (one conversation, one line), not by the file.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Callable, Generator, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import InputError, RecallError, UsageError
from ..models import Event
from .base import (
    ESCAPED,
    UTF8_LETTER,
    Importer,
    ImportReport,
    Skipped,
    check_head,
    check_size,
    load_json,
    not_utf8,
    not_utf16,
    nothing_imported,
    read_text,
    utf8_fix,
    utf16_codec,
)

if TYPE_CHECKING:
    from ..service import Recall

CHUNK = 1 << 20  # bytes read at a time (and characters a JSON window grows by, at least)
HEAD_CHARS = 65536  # what format detection sees
_BOM = b"\xef\xbb\xbf"
_WS = re.compile(r"[ \t\r\n]*")
# a decode error this close to the end of the window may only mean the record goes on
_MARGIN = 64


@dataclass
class TextScan:
    """What reading a file through once found: its head (the first HEAD_CHARS characters, a
    byte that is not UTF-8 in it escaped), the error for its first such byte (None when it
    has none) and whether it holds valid UTF-8 letters beyond ASCII elsewhere (then it is
    UTF-8 with a stray byte, and converting all of it from Latin-1 would garble them)."""

    head: str
    bad: InputError | None = None
    utf8_elsewhere: bool = False


def scan_file(path: Path, max_bytes: int) -> TextScan:
    """Refuse, with read_text's one-line errors, a file that cannot be imported as text
    (missing, a folder, empty, over ``max_bytes``, binary, only whitespace), reading it in
    chunks; a byte that is not UTF-8 is not refused here but named in ``bad``: a format read
    a line at a time skips only the lines that hold one."""
    check_size(path, max_bytes)
    with path.open("rb") as fh:
        start = fh.read(8192)
    check_head(path, start)
    head: list[str] = []
    have = 0
    blank = True
    elsewhere = False
    lines = 0  # newlines before the chunk
    offset = 3 if start.startswith(_BOM) else 0  # file offset of the chunk (UTF-8 only)
    bad: tuple[int, int, int] | None = None  # the first byte that is not UTF-8: (byte, offset, line)
    for chunk in text_chunks(path, lenient=True):
        if have < HEAD_CHARS:
            head.append(chunk[:HEAD_CHARS - have])
            have += len(head[-1])
        if blank and chunk.strip():
            blank = False
        if not chunk.isascii():
            elsewhere = elsewhere or UTF8_LETTER.search(chunk) is not None
            if bad is None and (found := ESCAPED.search(chunk)) is not None:
                before = chunk[:found.start()].encode("utf-8", "surrogateescape")
                bad = (ord(found.group()) - 0xDC00, offset + len(before), lines + before.count(b"\n") + 1)
        lines += chunk.count("\n")
        if bad is None:
            offset += len(chunk) if chunk.isascii() else len(chunk.encode("utf-8", "surrogateescape"))
    if blank:
        raise InputError("empty file (only whitespace)", str(path))
    scan = TextScan("".join(head), utf8_elsewhere=elsewhere)
    if bad is not None:
        byte, at, line = bad
        scan.bad = InputError(not_utf8(bytes([byte]), 0, at, elsewhere=elsewhere), str(path), f"line {line}")
    return scan


def text_chunks(path: Path, size: int | None = None, *, lenient: bool = False) -> Iterator[str]:
    """The file as UTF-8 text in chunks of about ``size`` (CHUNK) bytes, a leading BOM
    dropped; InputError naming the byte and line of the first invalid byte, or with
    ``lenient`` each such byte escaped as a lone surrogate (see base.ESCAPED). A file whose
    first bytes are UTF-16 is read as UTF-16 (see base.utf16_codec)."""
    size = size or CHUNK
    with path.open("rb") as fh:
        codec = utf16_codec(fh.read(8192))
    if codec is not None:
        yield from _utf16_chunks(path, size, codec)
        return
    if lenient:
        yield from _escaped_chunks(path, size)
        return
    offset = 0  # file offset of data[0]
    lines = 0  # newlines before data[0]
    carry = b""
    with path.open("rb") as fh:
        first = True
        while True:
            block = fh.read(max(size, 3) if first else size)  # the whole BOM, if any, in the first
            data = carry + block
            if first:
                first = False
                if data.startswith(_BOM):
                    data, offset = data[3:], 3
            if not data:
                if block:
                    continue  # only the BOM so far
                return
            try:
                text = data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if block and exc.end == len(data) and exc.reason == "unexpected end of data":
                    # a character cut by the chunk boundary: finish it with the next block
                    text, carry = data[:exc.start].decode("utf-8"), data[exc.start:]
                else:
                    line = lines + data.count(b"\n", 0, exc.start) + 1
                    raise InputError(not_utf8(data, exc.start, offset), str(path), f"line {line}") from None
            used = len(data) - len(carry)
            lines += data.count(b"\n", 0, used)
            offset += used
            if text:
                yield text
            if not block:
                return


def _escaped_chunks(path: Path, size: int) -> Iterator[str]:
    # the incremental decoder holds back a character cut by the chunk boundary
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    with path.open("rb") as fh:
        if fh.read(3) != _BOM:
            fh.seek(0)
        while True:
            block = fh.read(size)
            text = decoder.decode(block, final=not block)
            if text:
                yield text
            if not block:
                return


def _utf16_chunks(path: Path, size: int, codec: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)()  # "utf-16" reads the BOM for the byte order, drops it
    offset = 0
    with path.open("rb") as fh:
        while True:
            block = fh.read(size)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise InputError(not_utf16(offset + exc.start), str(path)) from None
            offset += len(block)
            if text:
                yield text
            if not block:
                return


def iter_lines(path: Path, *, lenient: bool = False) -> Iterator[str]:
    """The file's lines split at "\\n" only (as ``text.split("\\n")``: JSON may hold U+2028
    unescaped), one at a time; a line is held whole, nothing else is. ``lenient``: a byte
    that is not UTF-8 is escaped (see text_chunks), for the importer to skip its line."""
    pending: list[str] = []
    for chunk in text_chunks(path, lenient=lenient):
        pieces = chunk.split("\n")
        if len(pieces) == 1:
            pending.append(chunk)
            continue
        pending.append(pieces[0])
        yield "".join(pending)
        yield from pieces[1:-1]
        pending = [pieces[-1]]
    yield "".join(pending)


class _Window:
    """A sliding window of the file's text: ``buf[pos:]`` is what is still to read; what
    was read before is dropped when more is needed, and counted for line and column."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1  # line and column of buf[0]
        self._col = 1

    def more(self, want: int | None = None) -> bool:
        """Append at least ``want`` (CHUNK) characters, fewer at the end of the file; False at its end."""
        if self.eof:
            return False
        want = want or CHUNK
        newlines = self.buf.count("\n", 0, self.pos)
        if newlines:
            self._line += newlines
            self._col = self.pos - self.buf.rfind("\n", 0, self.pos)
        else:
            self._col += self.pos
        parts = [self.buf[self.pos:]]
        got = 0
        while got < want:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.eof = True
                break
            parts.append(chunk)
            got += len(chunk)
        self.buf, self.pos = "".join(parts), 0
        return got > 0

    def skip_ws(self) -> str:
        """Move past whitespace; the next character, '' at the end of the file."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def where(self, pos: int) -> str:
        newlines = self.buf.count("\n", 0, pos)
        if newlines:
            column = pos - self.buf.rfind("\n", 0, pos)
            return f"line {self._line + newlines} column {column}"
        return f"line {self._line} column {self._col + pos}"

    def decode(self, decoder: json.JSONDecoder) -> tuple[Any, int]:
        """The JSON value at ``pos`` and the position after it, reading more of the file
        while the value may go on past the window; JSONDecodeError/RecursionError if broken."""
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - _MARGIN or exc.msg.startswith("Unterminated string")
                if cut and self.more(max(CHUNK, len(self.buf) - self.pos)):
                    continue
                raise
            number = self.buf[self.pos] in "-0123456789"
            if end + (_MARGIN if number else 0) >= len(self.buf) and self.more():
                continue  # a number cut by the window's end may go on ("1.5e" + "-300")
            return value, end


def first_char(path: Path) -> str:
    """The file's first character that is not whitespace ('' for none)."""
    return _Window(text_chunks(path)).skip_ws()


def iter_json_array_file(path: Path) -> Iterator[tuple[int, Any] | Skipped]:
    """``base.iter_json_array`` over a file, holding one element at a time: (index, element),
    and a Skipped naming where damage stopped the reading. A file that is not an array is
    one document, read whole."""
    window = _Window(text_chunks(path))
    if window.skip_ws() != "[":
        text = read_text(path, path.stat().st_size)
        yield (0, load_json(path, text))
        return
    window.pos += 1
    yield from _elements(window)


def _elements(window: _Window, noun: str = "element",
              array: str = "the array") -> Generator[tuple[int, Any] | Skipped, None, None]:
    decoder = json.JSONDecoder()
    index = 0
    if window.skip_ws() == "]":
        return
    while window.pos < len(window.buf):
        try:
            value, end = window.decode(decoder)
        except json.JSONDecodeError as exc:
            yield Skipped(window.where(exc.pos), f"invalid JSON in {noun} {index}: {exc.msg}; "
                          "the rest of the file was not read")
            return
        except RecursionError:
            yield Skipped(window.where(window.pos), f"invalid JSON in {noun} {index}: nested too deeply; "
                          "the rest of the file was not read")
            return
        yield (index, value)
        index += 1
        window.pos = end
        after = window.skip_ws()
        if after == ",":
            window.pos += 1
            window.skip_ws()
            continue
        if after == "]":
            return
        if after:
            yield Skipped(window.where(window.pos), f"invalid JSON after {noun} {index - 1}: expected ',' or ']'")
            return
        break
    yield Skipped(window.where(len(window.buf)), f"truncated JSON: {array} is not closed")


def parse_file(importer: Importer, path: Path, max_bytes: int) -> Iterator[Event | Skipped]:
    """The importer's records from the file: through its ``parse_path`` when it has one (a
    record at a time), else ``parse`` over the whole text."""
    streaming = getattr(importer, "parse_path", None)
    if callable(streaming):
        return cast(Iterator[Event | Skipped], streaming(path))
    return importer.parse(path, read_text(path, max_bytes))


def detect_format(svc: Recall, path: Path, text: str, skip: AbstractSet[str] = frozenset(),
                  failed: list[str] | None = None) -> str:
    """The first format (plugins' first) that knows the file from its start, but those in
    ``skip``; InputError when none does. A detector that raises loses only its own format,
    and why (naming its plugin) goes into ``failed``, so the user hears that their plugin
    broke rather than seeing the file read as another format without a word."""
    head = text[:65536]
    broken: list[str] = []
    for name, importer in svc.importers().items():
        if name in skip:
            continue
        try:
            if importer.detect(path, head):
                return name
        except Exception as exc:  # noqa: BLE001 - a plugin's detector is not ours to trust
            why = (f"the {name} importer of plugin {svc.importer_plugins.get(name, '?')} failed in detect: "
                   f"{type(exc).__name__}: {exc}")
            broken.append(why)
            if failed is not None and why not in failed:
                failed.append(why)
    if head.lstrip()[:1] in ("[", "{"):
        data = load_json(path, text)  # JSON no format knows: its syntax error, if it has one, is the news
        if isinstance(data, list) and data and all(isinstance(c, dict) and "mapping" in c for c in data):
            # ChatGPT's conversations, none with a message in its mapping
            raise InputError("nothing to import: no conversations with messages found", str(path))
    because = f" ({'; '.join(broken)})" if broken else ""
    raise InputError(f"cannot tell the format{because}; pass --format (" + ", ".join(svc.importers()) + ")",
                     str(path))


def stored_hashes(svc: Recall, path: Path) -> set[str]:
    """The content hashes the events read from ``path`` would be stored under now (secrets
    redacted): how `forget --file` finds what an import stored before events recorded their
    file. Empty for a file no format reads."""
    from ..capture.redact_fields import redact_event

    try:
        max_bytes = svc.config.get("import.max_bytes")
        scan = scan_file(path, max_bytes)
        importer = svc.importers()[detect_format(svc, path, scan.head)]
        return {redact_event(item).content_hash for item in parse_file(importer, path, max_bytes)
                if isinstance(item, Event)}
    except RecallError:
        return set()


def import_file(svc: Recall, path: Path, fmt: str = "auto", *, progress: Callable[[int, int], None] | None = None,
                embed: bool = True, batch: int = 500, origin: str | None = None,
                reading: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a file into ``svc`` a batch at a time; valid records land even when others are
    skipped, and nothing is stored from a file that is not text. Each event records ``origin``
    as its file (default: ``path``'s; "" for none); ``reading`` hears (records read, 0) a batch
    at a time, before ``progress`` hears how the embedding goes."""
    if origin is None:
        origin = str(path.resolve()) if path.is_file() else ""
    started = time.perf_counter()
    importers = svc.importers()
    if fmt != "auto" and fmt not in importers:
        raise UsageError(f"unknown format '{fmt}' (choose auto, recall, {', '.join(importers)})")
    max_bytes = svc.config.get("import.max_bytes")
    scan = scan_file(path, max_bytes)  # what is not text is refused before anything is stored
    head = scan.head
    failed: list[str] = []  # why the formats whose code raised before storing anything failed
    name = detect_format(svc, path, head, failed=failed) if fmt == "auto" else fmt
    tried: set[str] = set()
    while True:
        report = ImportReport(path=str(path), format=name, max_chars=svc.config.get("events.max_chars"),
                              max_parts=svc.config.get("events.max_parts"), failed=list(failed))
        if scan.bad is not None and not getattr(importers[name], "skips_bad_lines", False):
            raise scan.bad  # (a JSON document with a bad byte cannot be read around it)
        try:
            read = _read(svc, importers[name], path, max_bytes, report, batch, scan.utf8_elsewhere,
                         origin=origin, reading=reading)
            break
        except RecallError:
            raise
        except Exception as exc:  # noqa: BLE001 - a plugin's importer is not ours to trust
            why = f"the {name} importer failed: {type(exc).__name__}: {exc}"
            if fmt != "auto" or report.inserted or report.duplicates:
                raise InputError(why, str(path)) from exc
            # a plugin that claimed the file and broke on it: the next format that knows it reads it
            failed.append(why)
            tried.add(name)
            try:
                name = detect_format(svc, path, head, skip=tried, failed=failed)
            except InputError:
                raise InputError(why, str(path)) from exc
    if report.inserted == 0 and report.duplicates == 0 and report.filtered == 0 and report.forgotten == 0 \
            and not report.held:
        raise nothing_imported(path, importers[name], report.skipped)
    if getattr(importers[name], "tracks_edits", False) and not report.skipped and read:
        # (a paragraph skipped unread may still be in the file: nothing is marked then)
        from .base import file_time
        from .edits import mark_edited

        report.edited_out = mark_edited(svc, str(path.resolve()), read, file_time(path))
    if embed:
        # every event still without a vector, not only this file's: a run killed while
        # embedding is completed by running it again
        svc.embed_pending(progress=progress)
    report.seconds = time.perf_counter() - started
    return report


def _read(svc: Recall, importer: Importer, path: Path, max_bytes: int, report: ImportReport, batch: int,
          utf8_elsewhere: bool = False, *, origin: str = "",
          reading: Callable[[int, int], None] | None = None) -> set[str]:
    """Store the records ``importer`` reads from ``path`` a batch at a time, counted in ``report``
    (a line skipped for a byte that is not UTF-8 says how to fix the file: ``utf8_elsewhere``);
    the hashes of the note paragraphs read (their meta "paragraph")."""
    pending: list[Event] = []
    paragraphs: set[str] = set()

    def flush() -> None:
        stored = svc.store_events(pending)
        report.filtered += stored.filtered
        for why, count in stored.held.items():
            report.held[why] = report.held.get(why, 0) + count
        report.redacted += stored.redacted
        report.split += stored.split
        report.truncated += stored.truncated
        report.inserted += stored.texts  # a long text's parts are one, as stats counts
        report.duplicates += stored.duplicates
        report.forgotten += stored.forgotten
        report.event_ids.extend(stored.inserted)
        pending.clear()
        if reading is not None:
            reading(report.inserted + report.duplicates + report.forgotten + report.filtered + len(report.skipped), 0)

    for item in parse_file(importer, path, max_bytes):  # a record at a time
        if isinstance(item, Skipped):
            if item.undecodable:
                item.reason += "; " + utf8_fix(utf8_elsewhere)
            report.skipped.append(item)
            continue
        if origin and "path" not in item.meta:  # (`forget --file`, `show`)
            item.meta["file"] = origin
        pending.append(item)
        if isinstance(digest := item.meta.get("paragraph"), str):
            paragraphs.add(digest)
        if len(pending) >= batch:
            flush()
    flush()
    return paragraphs
