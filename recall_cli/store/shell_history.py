"""Shell history queries: `recall history`, `recall stats --shell` and the Ctrl-R picker.

Standard library only, and read-only: the picker imports this at a keypress and must show
its first list in well under 150 ms, so it cannot load sqlite-utils, the service or a model.
Commands still in the spool (recorded, not yet ingested) are read from there too, so the
command typed a second ago is already in the list.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable
    from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
# a command over events.max_chars is stored as linked parts (capture/limits.py): its first part
# is the command, the others are more of its text, never commands of their own
# (most commands' meta has no "part" at all: instr skips parsing it)
COMMAND = "(instr(e.meta, '\"part\"') = 0 OR json_extract(e.meta, '$.part') = 1)"
WHOLE = "CASE WHEN instr(e.meta, '\"whole\"') THEN json_extract(e.meta, '$.whole') END"
# ``p`` is a later part of the command stored as ``e``: its time, session and whole text's hash
LATER_PART = ("p.source = 'shell' AND p.ts_start = e.ts_start AND p.session IS e.session "
              "AND json_extract(p.meta, '$.whole') = json_extract(e.meta, '$.whole') "
              "AND json_extract(p.meta, '$.part') > 1")
PROGRAM_WIDTH = 60  # a "program" longer than this is a long command's first word: clipped
FIELDS = ("text", "count", "ts", "cwd", "exit_code", "host", "session", "duration_ms", "id", "failures",
          "directories")


class Query:
    """What to list: a search text (words, as prefixes, all of them) and filters. With
    ``below``, ``cwd`` also takes the directories under it (a project and its subfolders)."""

    def __init__(self, text: str = "", *, cwd: str | None = None, session: str | None = None,
                 host: str | None = None, exit_code: int | None = None, failed: bool | None = None,
                 since: float | None = None, until: float | None = None, limit: int = 200,
                 unique: bool = True, below: bool = False) -> None:
        self.text, self.cwd, self.session, self.host = text, cwd, session, host
        self.exit_code, self.failed, self.since, self.until = exit_code, failed, since, until
        self.limit, self.unique, self.below = limit, unique, below

    def in_directory(self, cwd: object) -> bool:
        """Whether a command run in ``cwd`` passes the directory filter."""
        if self.cwd is None:
            return True
        if not isinstance(cwd, str):
            return False
        return cwd == self.cwd or (self.below and cwd.startswith(self.cwd.rstrip("/") + "/"))

    def keeps(self, row: dict[str, Any]) -> bool:
        """The filters on one row (a spool record's, or a check of the SQL's)."""
        if not self.in_directory(row.get("cwd")):
            return False
        if self.session is not None and row.get("session") != self.session:
            return False
        if self.host is not None and row.get("host") != self.host:
            return False
        code = row.get("exit_code")
        if self.exit_code is not None and code != self.exit_code:
            return False
        if self.failed is True and not (isinstance(code, int) and code != 0):
            return False
        if self.failed is False and code not in (0, None):
            return False
        ts = row.get("ts") or 0.0
        if self.since is not None and ts < self.since:
            return False
        if self.until is not None and ts > self.until:
            return False
        words = [w.lower() for w in _WORD.findall(self.text)]
        text = str(row.get("text") or "").lower()
        return all(w in text for w in words) and (bool(words) or self.text.strip().lower() in text)


def open_readonly(db_path: str) -> sqlite3.Connection | None:
    """A read-only connection to the store, or None when there is none yet."""
    if not os.path.exists(db_path):
        return None
    try:
        return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=2.0, check_same_thread=False)
    except sqlite3.Error:
        return None


class Reader:
    """Read-only shell history of one store (the picker's, which must start fast: standard
    library only, no migrations, nothing written)."""

    def __init__(self, db_path: str) -> None:
        self._conn = open_readonly(db_path)

    def commands(self, query: Query, spool_dir: str | None = None) -> list[dict[str, Any]]:
        """As `commands`, on this store."""
        return commands(self._conn, query, spool_dir)


def _match(text: str) -> str | None:
    words = _WORD.findall(text)  # in the command itself, not the folder it ran in (--cwd says that)
    return "text : (" + " AND ".join(f'"{w}"*' for w in words) + ")" if words else None


def commands(conn: sqlite3.Connection | None, query: Query, spool_dir: str | None = None) -> list[dict[str, Any]]:
    """Shell commands, most recent first; with ``unique``, each text once with how many times
    it ran (``failures``: how many of those failed) and the directory, exit code and host of
    its latest run."""
    rows: list[dict[str, Any]] = []
    if conn is not None:
        rows = _from_store(conn, query)
    if spool_dir:
        rows = _merge(rows, [r for r in pending(spool_dir) if query.keeps(r)], query.unique)
    return rows[: query.limit]


def _from_store(conn: sqlite3.Connection, query: Query) -> list[dict[str, Any]]:
    clauses = ["e.source = 'shell'", COMMAND]
    params: list[Any] = []
    match = _match(query.text)
    holds = ("{e}.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)" if match
             else "instr(lower({e}.text), ?) > 0" if query.text.strip() else None)
    if holds:  # in the command's first part or in a later one
        clauses.append(f"({holds.format(e='e')} OR (json_extract(e.meta, '$.parts') > 1 AND EXISTS "
                       f"(SELECT 1 FROM events p WHERE {LATER_PART} AND {holds.format(e='p')})))")
        params.extend([match or query.text.strip().lower()] * 2)
    if query.cwd is not None and query.below:
        under = query.cwd.rstrip("/") + "/"
        clauses.append("(json_extract(e.meta, '$.cwd') = ? OR substr(json_extract(e.meta, '$.cwd'), 1, ?) = ?)")
        params.extend((query.cwd, len(under), under))
    for column, value in (("$.cwd", None if query.below else query.cwd), ("$.host", query.host)):
        if value is not None:
            clauses.append(f"json_extract(e.meta, '{column}') = ?")
            params.append(value)
    if query.session is not None:
        clauses.append("e.session = ?")
        params.append(query.session)
    if query.exit_code is not None:
        clauses.append("json_extract(e.meta, '$.exit_code') = ?")
        params.append(query.exit_code)
    if query.failed is True:
        clauses.append("coalesce(json_extract(e.meta, '$.exit_code'), 0) != 0")
    elif query.failed is False:
        clauses.append("coalesce(json_extract(e.meta, '$.exit_code'), 0) = 0")
    if query.since is not None:
        clauses.append("e.ts_start >= ?")
        params.append(query.since)
    if query.until is not None:
        clauses.append("e.ts_start <= ?")
        params.append(query.until)
    where = " AND ".join(clauses)
    columns = ("e.text, {count}, {ts}, json_extract(e.meta, '$.cwd'), json_extract(e.meta, '$.exit_code'), "
               "json_extract(e.meta, '$.host'), e.session, json_extract(e.meta, '$.duration_ms'), e.id, {failures}, "
               "{directories}")
    failed = "(coalesce(json_extract(e.meta, '$.exit_code'), 0) != 0)"
    if query.unique:
        # a bare column beside max() comes from the row holding the max: the latest run's
        # every directory it ran in: the latest run's alone would say all its failures were there
        every = "json_group_array(DISTINCT json_extract(e.meta, '$.cwd'))"
        grouped = columns.format(count="count(*)", ts="max(e.ts_start)", failures=f"sum({failed})", directories=every)
        sql = (f"SELECT {grouped} "
               f"FROM events e WHERE {where} GROUP BY e.text, {WHOLE} "
               "ORDER BY max(e.ts_start) DESC LIMIT ?")
    else:
        one = "json_array(json_extract(e.meta, '$.cwd'))"
        sql = (f"SELECT {columns.format(count='1', ts='e.ts_start', failures=failed, directories=one)} "
               f"FROM events e WHERE {where} "
               "ORDER BY e.ts_start DESC, e.id DESC LIMIT ?")
    try:
        found = conn.execute(sql, [*params, query.limit]).fetchall()
    except sqlite3.Error:
        return []
    rows = [dict(zip(FIELDS, row, strict=True)) for row in found]
    for row in rows:
        row["directories"] = [d for d in json.loads(row["directories"] or "[]") if isinstance(d, str)]
    return _whole(conn, rows)


def _whole(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with a long command's text whole again: its parts joined, as it was typed."""
    ids = [row["id"] for row in rows if isinstance(row["id"], int)]
    later: dict[int, list[str]] = {}
    try:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for oid, text in conn.execute(
                    f"SELECT e.id, p.text FROM events e CROSS JOIN events p ON {LATER_PART} "  # e first: by id
                    f"WHERE e.id IN ({', '.join('?' * len(chunk))}) AND json_extract(e.meta, '$.parts') > 1 "
                    "ORDER BY e.id, json_extract(p.meta, '$.part')", chunk):
                later.setdefault(oid, []).append(text)
    except sqlite3.Error:
        return rows
    for row in rows:
        if row["id"] in later:
            row["text"] = "".join([row["text"], *later[row["id"]]])
    return rows


def pending(spool_dir: str) -> list[dict[str, Any]]:
    """Shell commands recorded in the spool and not yet ingested, newest first."""
    out: list[dict[str, Any]] = []
    try:
        names = [n for n in os.listdir(spool_dir) if n.endswith(".jsonl") and not n.startswith("quarantine")]
    except OSError:
        return out
    for name in names:
        try:
            with open(os.path.join(spool_dir, name), encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(record, dict) or record.get("source") != "shell":
                        continue
                    found = record.get("meta")
                    meta: dict[str, Any] = found if isinstance(found, dict) else {}
                    out.append({"text": record.get("text", ""), "count": 1, "ts": record.get("ts_start") or 0.0,
                                "cwd": meta.get("cwd"), "exit_code": meta.get("exit_code"),
                                "host": meta.get("host"), "session": record.get("session"),
                                "duration_ms": meta.get("duration_ms"), "id": None,
                                "failures": int(meta.get("exit_code") not in (0, None)),
                                "directories": [meta["cwd"]] if isinstance(meta.get("cwd"), str) else []})
        except OSError:
            continue
    out.sort(key=lambda r: -float(r["ts"] or 0.0))
    return out


def _merge(stored: list[dict[str, Any]], fresh: Iterable[dict[str, Any]], unique: bool) -> list[dict[str, Any]]:
    rows = list(fresh) + stored
    rows.sort(key=lambda r: -float(r["ts"] or 0.0))
    if not unique:
        return rows
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        known = merged.get(row["text"])
        if known is None:
            merged[row["text"]] = dict(row)
        else:
            known["count"] += row["count"]
            known["failures"] = known.get("failures", 0) + row.get("failures", 0)
            known["directories"] = list(dict.fromkeys([*known.get("directories", []), *row.get("directories", [])]))
    return list(merged.values())


def directories(conn: sqlite3.Connection | None, spool_dir: str | None = None) -> list[str]:
    """Every directory a shell command was run in, the spool's included."""
    found: set[str] = set()
    if conn is not None:
        try:
            found.update(d for (d,) in conn.execute(
                "SELECT DISTINCT json_extract(meta, '$.cwd') FROM events WHERE source = 'shell'") if isinstance(d, str))
        except sqlite3.Error:
            pass
    if spool_dir:
        found.update(r["cwd"] for r in pending(spool_dir) if isinstance(r.get("cwd"), str))
    return sorted(found)


def stats(conn: sqlite3.Connection, limit: int = 10) -> dict[str, Any]:
    """Top commands (by the program they run), busiest directories and failure rates."""
    failed = "sum(coalesce(json_extract(e.meta, '$.exit_code'), 0) != 0)"
    commands = f"FROM events e WHERE e.source = 'shell' AND {COMMAND}"  # a long one's later parts are no commands
    runs: dict[str, list[int]] = {}  # program -> [runs, failed]
    for text, code in conn.execute(f"SELECT e.text, json_extract(e.meta, '$.exit_code') {commands}"):
        counts = runs.setdefault(program(text), [0, 0])
        counts[0] += 1
        counts[1] += isinstance(code, int) and code != 0
    top = sorted(((c, n, f) for c, (n, f) in runs.items()), key=lambda r: (-r[1], r[0]))[:limit]
    dirs = conn.execute(f"SELECT json_extract(e.meta, '$.cwd') AS d, count(*), {failed} {commands} "
                        "GROUP BY d ORDER BY count(*) DESC, d LIMIT ?", [limit]).fetchall()
    total, fails = conn.execute(f"SELECT count(*), coalesce({failed}, 0) {commands}").fetchone()
    return {"commands": total, "failed": fails, "failure_rate": _rate(fails, total),
            "top": [{"command": _clipped(c), "runs": n, "failed": f, "failure_rate": _rate(f, n)} for c, n, f in top],
            "directories": [{"directory": d, "runs": n, "failed": f, "failure_rate": _rate(f, n)}
                            for d, n, f in dirs]}


WRAPPERS = frozenset("sudo doas env time nohup nice command exec builtin".split())
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def program(text: str) -> str:
    """The program a command line runs: past variable assignments and wrappers
    ("EDITOR=nano git commit" and "sudo git pull" both run git)."""
    words = text.split()
    wrapped = skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if _ASSIGNMENT.match(word) or word in WRAPPERS:
            wrapped = wrapped or word in WRAPPERS
            continue
        if wrapped and word.startswith("-"):  # "sudo -u me git", "env -i make", "nice -n 5 make"
            skip = word in ("-u", "-g", "-n", "-C")
            continue
        return word
    return words[0] if words else ""


def _clipped(name: str) -> str:
    """A program name as shown: a long command's first "word" (``echo xxxx…``) ends at a width."""
    return name if len(name) <= PROGRAM_WIDTH else name[:PROGRAM_WIDTH - 1] + "…"


def _rate(failed: int, runs: int) -> float:
    return round(failed / runs, 3) if runs else 0.0
