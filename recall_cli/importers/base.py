"""The importer interface and the safe file reading every importer shares."""

from __future__ import annotations

import codecs
import json
import math
import os
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError, shown_path
from ..models import Event


@dataclass
class Skipped:
    """A record that could not be imported: where it was and why."""

    position: str
    reason: str
    undecodable: bool = False  # a line with a byte that is not UTF-8: the import adds how to fix it


@dataclass
class ImportReport:
    """What one import did."""

    path: str
    format: str
    inserted: int = 0
    duplicates: int = 0
    forgotten: int = 0  # deleted by the user before: kept out
    filtered: int = 0
    held: dict[str, int] = field(default_factory=dict)  # kept out by a filter plugin that failed: why -> count
    redacted: int = 0  # events stored with secrets replaced
    split: int = 0  # long texts stored as linked parts
    truncated: int = 0  # texts cut after the last part kept
    max_chars: int = 0  # the part size in force (for the report)
    max_parts: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    failed: list[str] = field(default_factory=list)  # formats that claimed the file and raised, passed over
    edited_out: int = 0  # paragraphs an earlier import stored that the note no longer holds, marked

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "format": self.format, "inserted": self.inserted,
            "duplicates": self.duplicates, "forgotten": self.forgotten, "filtered": self.filtered,
            "held_back": sum(self.held.values()), "held_back_why": list(self.held), "redacted": self.redacted,
            "split": self.split, "truncated": self.truncated,
            "skipped": [{"position": s.position, "reason": s.reason} for s in self.skipped],
            "seconds": round(self.seconds, 3), "failed_importers": self.failed, "edited_out": self.edited_out,
        }

    def summary(self) -> str:
        """One line: what landed, and everything that did not land as it was."""
        def n(count: int, one: str, many: str | None = None) -> str:
            return f"{count:,} {one if count == 1 else (many or one + 's')}"

        line = (f"Imported {n(self.inserted, 'event')} from {shown_path(str(self.path))} ({self.format}); "
                f"{self.duplicates:,} already known")
        if self.forgotten:
            line += f", {n(self.forgotten, 'event')} you deleted before kept out"
        if self.filtered:
            line += f", {self.filtered:,} dropped by plugins"
        if self.held:
            line += f", {n(sum(self.held.values()), 'event')} held back, not stored: {'; '.join(self.held)}"
        if self.redacted:
            line += f", {n(self.redacted, 'event')} with secrets replaced"
        if self.split:
            line += f", {n(self.split, 'text')} over {self.max_chars:,} characters split into parts"
        if self.truncated:
            line += f", {n(self.truncated, 'text')} cut after {self.max_parts:,} parts"
        if self.edited_out:
            line += f", {n(self.edited_out, 'paragraph')} no longer in the file marked edited out"
        if self.skipped:
            line += f", {len(self.skipped):,} skipped"
        if self.failed:
            line += f" ({'; '.join(self.failed)}; read as {self.format} instead)"
        return line + "."


class Importer(Protocol):
    """An import format. ``parse`` yields events, or Skipped for records it cannot read.

    A format may also have ``parse_path(path)`` (see ``StreamingImporter``): then
    ``recall import`` reads the file through it, with bounded memory, and ``parse`` serves
    small texts and tests. ``nothing_found`` may say what a file without records lacked.
    """

    name: str
    description: str

    def detect(self, path: Path, head: str) -> bool:
        """True when this format recognises the file (``head`` = its first 64 KiB as text)."""
        ...

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        """Yield one Event per message/paragraph, or Skipped with a position and reason."""
        ...


class StreamingImporter(Importer, Protocol):
    """An import format that reads the file itself, a record at a time."""

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        """As ``parse`` over the file's text, never holding all of it."""
        ...


def nothing_imported(path: Path, importer: Importer, skipped: Sequence[Skipped]) -> InputError:
    """The error for a file where nothing valid was found: the first record skipped and how
    many more, or what the format found missing (its ``nothing_found``)."""
    if skipped:
        more = f" (and {len(skipped) - 1:,} more skipped)" if len(skipped) > 1 else ""
        return InputError(f"nothing imported as {importer.name}: {skipped[0].reason}{more}", str(path),
                          skipped[0].position)
    found = getattr(importer, "nothing_found", f"no {importer.name} records found")
    return InputError(f"nothing to import: {found}", str(path))


def check_size(path: Path, max_bytes: int) -> None:
    """One-line errors for a path that is missing, a folder, empty or over ``max_bytes``."""
    if not path.exists():
        raise InputError("no such file", str(path))
    if path.is_dir():
        raise InputError("is a directory, not a file", str(path))
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file", str(path))
    if size > max_bytes:
        raise InputError(
            f"file is {size} bytes, over the import limit of {max_bytes} (config import.max_bytes)",
            str(path),
        )


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
CONVERT = "convert it with `iconv -f {} -t UTF-8`"


# of the 2-byte units in a file's first bytes, at least this share must have a NUL high byte
# (and none a NUL low byte) for text without a byte-order mark to be read as UTF-16: ASCII
# and Latin letters in UTF-16 do; a binary format's NULs fall on both sides
UTF16_NUL_SHARE = 0.3
# the characters UTF-16 text may hold besides printable ones (a binary file decodes to others)
_TEXT_CONTROLS = frozenset("\t\n\r\f")


def utf16_codec(start: bytes) -> str | None:
    """The codec of UTF-16 text, from a file's first bytes: "utf-16" after a byte-order mark
    (LE or BE, as Windows Notepad saves "Unicode"); "utf-16-le" or "-be" for text without one
    whose ASCII letters each hold a NUL byte on the same side and which decodes to printable
    text; None for anything else (UTF-8, or binary)."""
    if start.startswith(UTF16_BOMS):
        return "utf-16"
    sample = start[:8192]
    sample = sample[:len(sample) - len(sample) % 2]
    units = len(sample) // 2
    if units < 2:
        return None
    low_nul, high_nul = sample[0::2].count(0), sample[1::2].count(0)
    if low_nul == 0 and high_nul >= UTF16_NUL_SHARE * units:
        codec = "utf-16-le"
    elif high_nul == 0 and low_nul >= UTF16_NUL_SHARE * units:
        codec = "utf-16-be"
    else:
        return None
    try:  # a surrogate pair cut at the sample's end is not an error
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    return codec if all(c.isprintable() or c in _TEXT_CONTROLS for c in text) else None


def is_utf16(start: bytes) -> bool:
    """Whether a file's first bytes are UTF-16 text (see utf16_codec): its ASCII letters hold
    NUL bytes, and it is still text."""
    return utf16_codec(start) is not None


def binary_at(start: bytes) -> int:
    """The offset of the NUL byte that makes a file's first bytes binary, else -1."""
    return -1 if is_utf16(start) else start.find(b"\x00", 0, 8192)


def decode_text(data: bytes) -> str:
    """A file's bytes as text, for import and the watcher alike: UTF-16 when its first bytes
    are (see utf16_codec), else UTF-8 (a leading BOM dropped); UnicodeDecodeError otherwise."""
    return data.decode(utf16_codec(data[:8192]) or "utf-8-sig")


def check_head(path: Path, start: bytes) -> None:
    """Refuse a file whose first bytes show it is binary (a NUL byte outside UTF-16)."""
    nul = binary_at(start)
    if nul != -1 and start.startswith(b"SQLite format 3\x00"):
        # (a backup handed to import: say which command reads it)
        raise InputError("an SQLite database, not text; if it is a recall backup, restore it with "
                         "`recall backup FILE --restore`", str(path))
    if nul != -1:
        raise InputError(f"binary file (NUL byte at offset {nul}), not text", str(path))


def not_utf16(at: int) -> str:
    """The one-line reason for UTF-16 text that breaks off (an odd byte, a lone surrogate)."""
    return f"not valid UTF-16 text (at byte {at})"


# a byte that is not UTF-8, as decoding with "surrogateescape" keeps it (U+DC80-U+DCFF: valid
# UTF-8 never decodes to a lone surrogate, so one in a line read so marks such a byte)
ESCAPED = re.compile("[\udc80-\udcff]")
# a letter beyond ASCII that is valid UTF-8: a file holding one is UTF-8 with a stray byte
UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")


def utf8_fix(elsewhere: bool) -> str:
    """How to fix text that is not UTF-8: convert a Latin-1 file; but a file that is UTF-8
    elsewhere (``elsewhere``) would have every other accented letter garbled by that."""
    if elsewhere:
        return ("the rest of the file is UTF-8, so correct that line in an editor and import it again "
                "(converting the whole file with iconv would garble its other accented letters)")
    return "if it is Latin-1, " + CONVERT.format("LATIN1")


def not_utf8(data: bytes, at: int, offset: int = 0, *, elsewhere: bool = False) -> str:
    """The one-line reason for an invalid byte at ``data[at]`` (file offset ``offset + at``)."""
    return f"not UTF-8 text (invalid byte 0x{data[at]:02x} at byte {offset + at}); " + utf8_fix(elsewhere)


def undecodable(line: str) -> str | None:
    """Why a line read leniently (see stream.text_chunks) is not UTF-8 text, naming its first
    such byte and column; None for a line that is."""
    if line.isascii():
        return None
    found = ESCAPED.search(line)
    if found is None:
        return None
    return f"not UTF-8 text (invalid byte 0x{ord(found.group()) - 0xDC00:02x} at column {found.start() + 1})"


def read_text(path: Path, max_bytes: int) -> str:
    """Read a file for import, rejecting what cannot be text with a one-line error."""
    check_size(path, max_bytes)
    data = path.read_bytes()
    check_head(path, data[:8192])
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        if is_utf16(data[:8192]):
            raise InputError(not_utf16(exc.start), str(path)) from None
        line = data.count(b"\n", 0, exc.start) + 1
        elsewhere = UTF8_LETTER.search(data.decode("utf-8", "surrogateescape")) is not None
        raise InputError(not_utf8(data, exc.start, elsewhere=elsewhere), str(path), f"line {line}") from None
    if not text.strip():
        raise InputError("empty file (only whitespace)", str(path))
    return text


_BAD_CHARS = re.compile("[\ud800-\udfff\x00]")

# Years 1..9999 are all that datetime (and so every display of a time) can show.
MIN_TS = -62135596800.0 + 86400
MAX_TS = 253402214400.0 - 86400
# deeper JSON than this is not kept in meta (and would exhaust the stack elsewhere)
MAX_DEPTH = 64


def clean(value: Any, _depth: int = 0) -> Any:
    """Values safe to store: lone surrogates (JSON allows "\\ud800") and NUL become U+FFFD,
    NaN and infinities become None, and nesting deeper than MAX_DEPTH is cut off.

    Recurses into lists and dicts, so whole meta objects can be cleaned.
    """
    if isinstance(value, str):
        return _BAD_CHARS.sub("\ufffd", value) if _BAD_CHARS.search(value) else value
    if isinstance(value, list | dict) and _depth >= MAX_DEPTH:
        return "[nested too deeply]"
    if isinstance(value, list):
        return [clean(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean(str(k)): clean(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def check_ts(ts: float) -> float:
    """``ts`` if it is a finite time between the years 1 and 9999, else ValueError."""
    if not isinstance(ts, int | float) or isinstance(ts, bool) or not math.isfinite(ts):
        raise ValueError(f"time {ts!r} is not a number")
    if not MIN_TS <= ts <= MAX_TS:
        raise ValueError(f"time {ts!r} is out of range (years 1-9999)")
    return float(ts)


def file_time(path: Path) -> float:
    """The file's modification time: the stable fallback time for undated records."""
    try:
        return check_ts(path.stat().st_mtime)
    except (OSError, ValueError):
        from ..timeutil import now

        return now()


def json_error_position(text: str, exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno} column {exc.colno}"


def load_json(path: Path, text: str) -> Any:
    """Parse a whole JSON document, naming the position of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", str(path), json_error_position(text, exc)) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", str(path)) from None


def iter_json_array(path: Path, text: str) -> Iterator[tuple[int, Any] | Skipped]:
    """Yield (index, element) of a top-level JSON array one element at a time.

    A truncated or broken file still yields every element before the damage, then a
    Skipped naming where parsing stopped, so valid records land.
    """
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        # not an array: a single document
        yield (0, load_json(path, text))
        return
    yield from iter_json_elements(text, pos + 1)


def iter_json_elements(text: str, pos: int, *, noun: str = "element",
                       array: str = "the array") -> Generator[tuple[int, Any] | Skipped, None, int | None]:
    """Yield (index, element) of the JSON array that opens just before ``pos``.

    Returns the position after its closing "]", or None when damage stopped the reading;
    then the last thing yielded is a Skipped naming where (``noun`` and ``array`` name the
    elements and the array in that message).
    """
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, pos)
    index = 0
    if pos < len(text) and text[pos] == "]":
        return pos + 1
    while pos < len(text):
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Skipped(_line_col(text, exc.pos), f"invalid JSON in {noun} {index}: {exc.msg}; "
                          "the rest of the file was not read")
            return None
        except RecursionError:
            yield Skipped(_line_col(text, pos), f"invalid JSON in {noun} {index}: nested too deeply; "
                          "the rest of the file was not read")
            return None
        yield (index, obj)
        index += 1
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return pos + 1
        if pos >= len(text):
            break
        yield Skipped(_line_col(text, pos), f"invalid JSON after {noun} {index - 1}: expected ',' or ']'")
        return None
    yield Skipped(_line_col(text, len(text)), f"truncated JSON: {array} is not closed")
    return None


def iter_json_objects(path: Path, text: str | None, key: str, kind: type, *, noun: str,
                      what: str) -> Iterator[tuple[int, dict[str, Any]] | Skipped]:
    """The records of a top-level JSON array: (index, cleaned object) for each object whose
    ``key`` holds a ``kind`` (list or dict), else a Skipped at "<noun> <index>" saying it
    is not ``what`` (e.g. "a Claude conversation") or that ``key`` has the wrong type;
    damage as in ``iter_json_array``. ``text`` None: the file is read a record at a time."""
    from .stream import iter_json_array_file

    shape = "list" if kind is list else "object"
    for item in iter_json_array(path, text) if text is not None else iter_json_array_file(path):
        if isinstance(item, Skipped):
            yield item
            continue
        index, obj = item
        if not isinstance(obj, dict) or obj.get(key) is None:
            yield Skipped(f"{noun} {index}", f"not {what} (no '{key}' {shape})")
        elif not isinstance(obj[key], kind):
            yield Skipped(f"{noun} {index}", f"'{key}' is {json_type(obj[key])}, expected {article(shape)}")
        else:
            yield index, clean(obj)


def json_type(value: Any) -> str:
    """How a JSON value's type reads in a message: "a list", "a string", "null"..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def article(shape: str) -> str:
    return ("an " if shape[:1] in "aeiou" else "a ") + shape


def wrong_type(obj: dict[str, Any], key: str, *kinds: str) -> str | None:
    """Why ``obj[key]`` is unusable: None when it is missing, null or of one of ``kinds``
    ("string", "number", "list", "object", "boolean"), else "'key' is a list, expected a
    string or a number"."""
    value = obj.get(key)
    if value is None or _KINDS.get(type(value)) in kinds:
        return None
    return f"'{key}' is {json_type(value)}, expected {' or '.join(map(article, kinds))}"


_KINDS = {str: "string", int: "number", float: "number", list: "list", dict: "object", bool: "boolean"}


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line} column {col}"


IMPORT_SUFFIXES = (".md", ".markdown", ".txt", ".org", ".rst", ".json", ".jsonl")  # what a folder import reads


def import_targets(paths: Sequence[str | Path], skip: set[str]) -> list[Path]:
    """Files as given and folders walked for notes and exports (hidden folders and the names in
    ``skip`` are passed over), each once, in order; InputError for a path that does not exist."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            root = path.resolve()
            # a link out of the folder is not in it ("passwd.md -> /etc/passwd"), and a link to a
            # note in it would store that note twice
            seen: set[Path] = set()
            unreadable: list[OSError] = []
            walked = sorted(Path(top) / name for top, _dirs, names in os.walk(path, onerror=unreadable.append)
                            for name in names)
            # a folder the walk cannot enter is named among the files, where its import fails
            # ("cannot read it"), rather than passed over in silence
            found = [Path(e.filename) for e in unreadable if e.filename and Path(e.filename) != path and not any(
                part.startswith(".") or part in skip for part in Path(e.filename).relative_to(path).parts)]
            for p in walked:
                if not (p.is_file() and (p.suffix.lower() in IMPORT_SUFFIXES or _zipped_export(p))) or any(
                        part.startswith(".") or part in skip for part in p.relative_to(path).parts[:-1]):
                    continue
                real = p.resolve()
                if real.is_relative_to(root) and real not in seen:
                    seen.add(real)
                    found.append(p)
            if not found:
                raise InputError(f"no notes or exports in this folder (looked for {', '.join(IMPORT_SUFFIXES)} "
                                 "and chat exports in .zip)", str(path))
            files += found
        elif path.exists():  # a pipe (/dev/stdin, <(...), a FIFO): read once, as it comes
            files.append(path)
        else:
            raise InputError("no such file or folder", str(path))
    once: dict[Path, Path] = {}
    for file in files:  # a file named and walked to ("recall import ~/notes kitchen.md" from ~/notes): read once
        once.setdefault(file.resolve() if file.is_file() else file, file)
    return list(once.values())


def _zipped_export(path: Path) -> bool:
    """A ChatGPT or Claude export kept zipped as it arrived (other ZIPs are not for import)."""
    from .archive import holds_export

    return path.suffix.lower() == ".zip" and holds_export(path)


def readable(path: Path) -> None:
    """InputError when ``path`` (a file, or a folder a walk could not enter) cannot be read: one
    file of a folder's import fails in one line, and the rest still lands."""
    try:
        if path.is_dir():
            os.scandir(path).close()
        else:
            path.open("rb").close()
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror or exc})", str(path)) from None
