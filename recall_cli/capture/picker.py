"""The Ctrl-R history picker: search your shell commands as you type, pick one, edit it.

    python -I -S -c '<picker code>' --query "git pu" --cwd "$PWD" --session "$SESSION"

`recall init bash|zsh|fish` binds Ctrl-R to this. It draws on the terminal (``/dev/tty``),
so the shell can take the chosen command from its standard output and put it on the
prompt line for editing: it never runs it. Standard library only (curses and sqlite3): the
first list shows in tens of milliseconds, from the store and the commands still in the
spool; when `recall serve` answers, commands that match by meaning follow the ones that
match by words.

Keys: type to search; Up/Down (Ctrl-P/Ctrl-N) to move; Enter or Tab to take the command;
Esc, Ctrl-C or Ctrl-G to leave it; Ctrl-R cycles the scope (all, this host, this session,
this directory); Ctrl-F cycles the status (any, succeeded, failed); Ctrl-U clears the search.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

from .. import home as _home
from ..store import shell_history
from .spool import spool_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from typing import Any

SCOPES = ("all", "host", "session", "directory")
STATUSES = ("any", "succeeded", "failed")
MEANING_DEADLINE = 0.3  # seconds the daemon has to add matches by meaning


class Picker:
    """The state behind the screen: the search, the scope, the rows."""

    def __init__(self, home: str, *, query: str = "", cwd: str | None = None, session: str | None = None,
                 host: str | None = None, scope: str = "all") -> None:
        self.home = home
        self.query = query
        self.cwd, self.session, self.host = cwd, session, host
        self.scope = scope if scope in SCOPES else "all"
        self.status = "any"
        self.selected = 0
        self.history = shell_history.Reader(os.path.join(home, "recall.db"))
        self.rows: list[dict[str, Any]] = []
        self.refresh()

    def filters(self) -> shell_history.Query:
        return shell_history.Query(
            self.query, cwd=self.cwd if self.scope == "directory" else None,
            session=self.session if self.scope == "session" else None,
            host=self.host if self.scope == "host" else None,
            failed={"any": None, "succeeded": False, "failed": True}[self.status], limit=200)

    def refresh(self, meaning: bool = False) -> None:
        query = self.filters()
        self.rows = self.history.commands(query, str(spool_dir(self.home)))
        if meaning and len(self.query.strip()) >= 3:
            # after the word matches, what the daemon finds by meaning, within the same filters
            query.text = ""
            known = {r["text"] for r in self.rows}
            for row in by_meaning(self.home, self.query):
                if row["text"] not in known and query.keeps(row):
                    self.rows.append(row)
                    known.add(row["text"])
        self.selected = min(self.selected, max(0, len(self.rows) - 1))

    def cycle_scope(self) -> None:
        self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]
        self.refresh()

    def cycle_status(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.refresh()

    @property
    def choice(self) -> str | None:
        return self.rows[self.selected]["text"] if self.rows else None


def by_meaning(home: str, text: str) -> list[dict[str, Any]]:
    """Shell commands the daemon finds by meaning (empty when it does not answer in time)."""
    path = os.environ.get("RECALL_SERVE_SOCKET") or os.path.join(home, "recall.sock")
    if os.environ.get("RECALL_NO_DAEMON") == "1" or not os.path.exists(path):
        return []
    request = {"op": "search", "args": {"query": text, "limit": 20, "sources": ["shell"], "time_phrases": False}}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(MEANING_DEADLINE)
            sock.connect(path)
            sock.sendall((json.dumps(request) + "\n").encode())
            reply = json.loads(sock.makefile("rb").readline(8 << 20) or b"{}")
    except (OSError, ValueError):
        return []
    hits = (reply.get("result") or {}).get("hits") or [] if reply.get("ok") else []
    return [{"text": h.get("text", ""), "count": 1, "ts": h.get("ts") or 0.0,
             "cwd": (h.get("meta") or {}).get("cwd"), "exit_code": (h.get("meta") or {}).get("exit_code"),
             "host": (h.get("meta") or {}).get("host"), "session": h.get("session"), "meaning": True}
            for h in hits if h.get("type") == "event"]


def ago(ts: float, now: float) -> str:
    """'5s', '3m', '2h', '4d', '7w' ago."""
    seconds = max(0.0, now - float(ts or 0.0))
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def line(row: dict[str, Any], width: int, now: float) -> str:
    """One row as the picker shows it: runs, age, a mark for failures, the command, where."""
    code = row.get("exit_code")
    mark = "✗" if isinstance(code, int) and code != 0 else ("≈" if row.get("meaning") else " ")
    text = " ".join(str(row.get("text") or "").split())
    left = f"{row.get('count', 1):>3}× {ago(row.get('ts') or 0.0, now):>4} {mark} {text}"
    where = f"  {row.get('cwd')}" if row.get("cwd") else ""
    if len(left) + len(where) > width:
        where = ""
    return (left + where)[:width]


def draw(screen: Any, picker: Picker) -> None:
    import curses

    height, width = screen.getmaxyx()
    screen.erase()
    now = time.time()
    visible = max(1, height - 2)
    top = max(0, picker.selected - visible + 1)
    for row_index, row in enumerate(picker.rows[top:top + visible]):
        attr = curses.A_REVERSE if top + row_index == picker.selected else curses.A_NORMAL
        screen.addnstr(row_index, 0, line(row, width - 1, now), width - 1, attr)
    scope = f"[{picker.scope}{'' if picker.status == 'any' else ', ' + picker.status}] "
    count = f"{len(picker.rows)} command" + ("" if len(picker.rows) == 1 else "s")
    status = f"{count} · Ctrl-R scope · Ctrl-F status · Enter edit · Esc leave"
    screen.addnstr(height - 2, 0, status[: width - 1], width - 1, curses.A_DIM)
    prompt = f"{scope}> {picker.query}"
    screen.addnstr(height - 1, 0, prompt[-(width - 1):], width - 1, curses.A_BOLD)
    screen.refresh()


def run(screen: Any, picker: Picker) -> str | None:
    """The key loop; returns the chosen command or None."""
    import curses

    curses.use_default_colors()
    curses.curs_set(1)
    screen.keypad(True)
    screen.timeout(250)  # while the user pauses, ask the daemon for matches by meaning
    draw(screen, picker)
    asked_meaning = not picker.query
    hung_up = 0  # reads that failed at once: the terminal is gone (a closed window, a killed pane)
    while True:
        asked = time.monotonic()
        try:
            key = screen.get_wch()
            hung_up = 0
        except curses.error:  # no key within the timeout, or no terminal any more
            key = -1
            hung_up = hung_up + 1 if time.monotonic() - asked < 0.1 else 0
            if hung_up >= 20:
                return None
        if key == -1:
            if not asked_meaning:
                asked_meaning = True
                picker.refresh(meaning=True)
                draw(screen, picker)
            continue
        if key in ("\n", "\r", "\t", curses.KEY_ENTER, 10, 13, 9):
            return picker.choice
        if key in ("\x1b", "\x03", "\x07", 27, 3, 7):
            return None
        if key in ("\x04", 4) and not picker.query:
            return None
        if key in (curses.KEY_UP, "\x10", 16):
            picker.selected = max(0, picker.selected - 1)
        elif key in (curses.KEY_DOWN, "\x0e", 14):
            picker.selected = min(max(0, len(picker.rows) - 1), picker.selected + 1)
        elif key == curses.KEY_PPAGE:
            picker.selected = max(0, picker.selected - 10)
        elif key == curses.KEY_NPAGE:
            picker.selected = min(max(0, len(picker.rows) - 1), picker.selected + 10)
        elif key in ("\x12", 18):
            picker.cycle_scope()
        elif key in ("\x06", 6):
            picker.cycle_status()
        elif key in ("\x15", 21):
            picker.query, asked_meaning = "", True
            picker.refresh()
        elif key in (curses.KEY_BACKSPACE, "\x7f", "\x08", 127, 8):
            picker.query, asked_meaning = picker.query[:-1], False
            picker.selected = 0
            picker.refresh()
        elif isinstance(key, str) and key.isprintable():
            picker.query, asked_meaning = picker.query + key, False
            picker.selected = 0
            picker.refresh()
        draw(screen, picker)


def parse_args(argv: list[str]) -> dict[str, str]:
    args: dict[str, str] = {}
    items = iter(argv)
    for item in items:
        if item.startswith("--") and item[2:] in ("query", "cwd", "session", "host", "scope", "home"):
            args[item[2:]] = next(items, "")
        elif item == "--list":
            args["list"] = "1"
    return args


def main(argv: list[str] | None = None) -> int:
    """Show the picker on the terminal; print the chosen command (exit 0) or nothing (exit 1).
    ``--list`` prints the first list instead (for scripts and timing)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    home = args.get("home") or _home.recall_home()
    host = args.get("host") or (os.uname().nodename if hasattr(os, "uname") else None)
    picker = Picker(home, query=args.get("query", ""), cwd=args.get("cwd") or os.getcwd(),
                    session=args.get("session") or None, host=host, scope=args.get("scope", "all"))
    if "list" in args:
        now = time.time()
        sys.stdout.write("".join(line(r, 200, now) + "\n" for r in picker.rows[:20]))
        return 0
    import curses
    import locale

    locale.setlocale(locale.LC_ALL, "")  # curses draws UTF-8 (the ×, ✗ and the commands) only with it
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return 1
    saved_in, saved_out = os.dup(0), os.dup(1)
    os.dup2(tty, 0)
    os.dup2(tty, 1)  # curses draws on stdout: the terminal, not the shell's capture
    try:
        chosen = curses.wrapper(run, picker)
    except KeyboardInterrupt:
        chosen = None
    finally:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(tty)
    if chosen is None:
        return 1
    os.write(1, chosen.encode("utf-8", "surrogatepass"))
    return 0
