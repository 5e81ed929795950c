"""Answers about shell work, read from the shell history itself.

A command's directory and exit code are not words of it, so search cannot rank by them:
"which command failed in the web project?" found `npm install` (which worked) and then said
"Not mentioned". Here a question about commands is answered from the history:

- the directory is the one whose path holds a word of the question ("web" in
  ``~/proj/web``; a word that every directory's path holds, like the home folder, says
  nothing), and the directories below it;
- "failed", "error", "broke" ask for commands that exited non-zero, unless the question asks
  how something was done ("how did I fix the failing tests?"), which wants what worked;
- the question's other content words pick the commands that hold them, when any do;
- a time phrase in the question ("yesterday") is the time range;
- "how did I fix the failing tests?" (or "how did I fix the build?") is answered by what
  ran in that directory after the last failure of a command the question names, up to the
  run of it that worked;
- "what did I run yesterday?" lists the commands of that time.

A question with no word of failure or of running commands, or that names neither a known
directory nor a failure, is not one of these, and goes to the usual answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import Hit
from ..store.shell_history import Query
from ..timeutil import short
from .support import STOPWORDS, stem, tokens

if TYPE_CHECKING:
    from ..service import Recall
    from ..timephrase.phrase import TimeRange

FAILURE = re.compile(r"\b(?:fail(?:s|ed|ing|ure|ures)?|broke|broken|errors?|errored|crash(?:ed|es|ing)?)\b", re.I)
COMMANDS = re.compile(r"\b(?:commands?|ran|run|running|typed|executed?)\b", re.I)
HOW = re.compile(r"^\s*how\b", re.I)
FIX = re.compile(r"\b(?:fix(?:ed|ing)?|repair(?:ed)?|solved?|resolved?|got .{1,40} (?:working|to work))\b", re.I)
# asks for a list of commands by time alone: "what did I run yesterday?", "which commands today?"
LISTING = re.compile(r"\b(?:what|which)\b.{0,30}\b(?:commands?\b|(?:did|have) (?:i|we) (?:run|ran|type|typed|execute))",
                     re.I)
# "when did I last run the tests?": the latest run of the commands it names is the answer
WHEN_RUN = re.compile(r"^\s*when\s+(?:did|have)\s+(?:i|we)\s+(?:last\s+)?(?:run|ran|execute|executed|type|typed)\b",
                      re.I)
PATH_PART = re.compile(r"[^/\\_.\s-]+")
# words that ask about commands without naming one
VOCABULARY = frozenset({
    "command", "commands", "ran", "run", "running", "typed", "execute", "executed", "fail", "fails", "failed",
    "failing", "failure", "failures", "broke", "broken", "error", "errors", "errored", "crash", "crashed",
    "crashes", "crashing", "project", "folder", "directory", "dir", "repo", "shell", "terminal", "last",
    "latest", "recently", "today", "yesterday", "week", "ago", "fix", "fixed", "fixing", "repair", "repaired",
    "solve", "solved", "resolve", "resolved", "working", "work",
})
MAX_DIRECTORIES = 10
MAX_COMMANDS = 8


def runs_named(keys: set[str], hits: Sequence[Hit]) -> bool:
    """Whether a command of ``hits`` runs a program, or its subcommand, that the key words name
    ("what was my last git commit message?", "what server did I try to ssh into?")."""
    return any(keys & {stem(t.lower()) for t in (h.text or "").split()[:2]} for h in hits if h.source == "shell")


@dataclass
class Scope:
    """What a question asks of the shell history."""

    directories: list[str]
    failed: bool | None
    words: set[str]
    how: bool
    fix: bool = False  # "how did I fix the failing X?": what ran between X failing and X working


def _part_named(word: str, part: str) -> bool:
    """'web' names the folder 'webapp', 'tests' the folder 'test': one starts the other."""
    return word == part or (len(word) >= 3 and len(part) >= 3 and (part.startswith(word) or word.startswith(part)))


def scope(question: str, directories: list[str], timed: bool = False) -> Scope | None:
    """The directories, outcome and words a question about shell work names; None when it is
    not such a question. ``timed``: the question names a time ("what did I run yesterday?")."""
    asked = {w for w in tokens(question) if w not in STOPWORDS and w not in VOCABULARY and len(w) > 1}
    parts = {d: {p.lower() for p in PATH_PART.findall(d)} for d in directories}
    named = {d: {w for w in asked if any(_part_named(w, p) for p in ps)} for d, ps in parts.items()}
    holding = {w: sum(w in n for n in named.values()) for w in asked}
    telling = {w for w, n in holding.items() if n and (n < len(parts) or len(parts) == 1)}

    def fit(d: str) -> int:
        # a folder's whole name counts most ("webapp", not "webapp-old"), then a part of it,
        # then a word that starts one
        base = d.rstrip("/").rsplit("/", 1)[-1].lower()
        return sum(3 if w == base else 2 if w in parts[d] else 1 for w in telling & named[d])

    best = max((fit(d) for d in parts), default=0)
    chosen = [d for d in parts if best and fit(d) == best]
    # a directory below another chosen one comes with it (Query.below)
    chosen = [d for d in chosen if not any(d != o and d.startswith(o.rstrip("/") + "/") for o in chosen)]
    how = bool(HOW.search(question))
    failure = bool(FAILURE.search(question))
    fix = how and (failure or bool(FIX.search(question)))
    if not chosen and not failure and not fix and not (timed and LISTING.search(question)):
        return None
    used = set().union(*(named[d] for d in chosen)) if chosen else set()
    return Scope(chosen[:MAX_DIRECTORIES], True if failure and not how else (False if how else None),
                 {stem(w) for w in asked - used}, how, fix=fix)


def shell_answer(svc: Recall, question: str, window: TimeRange | None) -> tuple[str, list[Hit]] | None:
    """The commands a question about shell work asks for, as an answer (each command cites its
    event) and the items it cites; None when the question is not about shell work or the
    history holds nothing for it."""
    if not (FAILURE.search(question) or COMMANDS.search(question) or FIX.search(question)):
        return None  # cheap first: most questions are not about commands, and the directories cost a scan
    spool = str(svc.config.home / "spool")
    directories = svc.store.shell_directories(spool)
    if not directories:
        return None
    if window is not None and window.phrase:  # "on 3 November" says when, not what ran
        question = re.sub(re.escape(window.phrase), " ", question, flags=re.I)
    if WHEN_RUN.search(question):
        return _last_run(svc, question)
    found = scope(question, directories, timed=window is not None)
    if found is None:
        return None
    since, until = (window.since, window.until) if window is not None else (None, None)
    if found.fix:
        return _fix(svc, found, since, until)
    rows: list[dict[str, Any]] = []
    for directory in _places(found):
        rows += svc.shell_history(Query(cwd=directory, below=True, failed=found.failed, since=since, until=until,
                                        limit=200))
    if not _explained(found, rows):
        return None
    matching = [r for r in rows if _names(found, r)]
    if matching:
        rows = matching
    elif found.words and (found.how or not found.directories):
        return None  # nothing ran that the question names: the usual answer may know more
    if not rows:
        listing = window is not None and bool(LISTING.search(question))  # "what did I run last week?"
        if not found.directories and not listing:
            return None
        where = f" in {', '.join(found.directories)}" if found.directories else ""
        what = "No command failed" if found.failed else "No command ran"
        return f"{what}{where} that recall recorded{_during(window)}.", []
    rows.sort(key=lambda r: -float(r.get("ts") or 0.0))
    more = max(0, len(rows) - MAX_COMMANDS)
    rows = rows[:MAX_COMMANDS]
    if found.how:
        rows.reverse()  # steps in the order they were taken
    return _text(rows, found, more), _hits(svc, rows)


def _last_run(svc: Recall, question: str) -> tuple[str, list[Hit]] | None:
    """The latest run of a command whose words start with, or hold, those the question names
    ("tests" finds "pytest" and "make integration-test"); None when no command does."""
    asked = {w for w in tokens(question) if w not in STOPWORDS and w not in VOCABULARY and len(w) > 2}
    wanted = {stem(w) for w in asked} | asked
    if not wanted:
        return None
    rows = [r for r in svc.shell_history(Query(limit=500))
            if any(w in part for w in wanted for part in re.split(r"[\s/=:]+", str(r.get("text") or "").lower()))]
    if not rows:
        return None
    latest = max(rows, key=lambda r: float(r.get("ts") or 0.0))
    return f"{short(latest.get('ts'))}: {_line({**latest, 'ts': None}, with_cwd=True)}", _hits(svc, [latest])


def _places(found: Scope) -> list[str | None]:
    """The directories to read, or None for all of them."""
    return list(found.directories) or [None]


def _explained(found: Scope, rows: list[dict[str, Any]]) -> bool:
    """Whether every word the question asks about is in some command or folder of ``rows``:
    "why did the shed build fail?" names a shed no command ran, so it is not about the shell."""
    known: set[str] = set()
    for row in rows:
        known.update(stem(w) for w in tokens(f"{row.get('text') or ''} {row.get('cwd') or ''}"))
    return found.words <= known


def _names(found: Scope, row: dict[str, Any]) -> bool:
    return bool(found.words & {stem(w) for w in tokens(str(row.get("text") or ""))})


def _fix(svc: Recall, found: Scope, since: float | None, until: float | None) -> tuple[str, list[Hit]] | None:
    """The latest failure of a command the question names, and what ran after it in the same
    directory up to the run of that command that worked; when it never worked after, that
    failure and so much said (what ran next fixed nothing)."""
    failures = [r for directory in _places(found) for r in svc.shell_history(
        Query(cwd=directory, below=True, failed=True, since=since, until=until, unique=False, limit=200))
        if _names(found, r)]
    if not failures or not _explained(found, failures):
        return None
    failure = max(failures, key=lambda r: float(r.get("ts") or 0.0))
    after = float(failure.get("ts") or 0.0)
    # what ran next in that directory, and in that terminal wherever it went ("vim ../models.py")
    later = svc.shell_history(Query(cwd=failure.get("cwd"), since=after, unique=False, limit=200))
    if failure.get("session"):
        later += svc.shell_history(Query(session=failure.get("session"), since=after, unique=False, limit=200))
    later = list({(r.get("id"), r.get("ts"), r.get("text")): r for r in later}.values())
    later.sort(key=lambda r: float(r.get("ts") or 0.0))
    steps: list[dict[str, Any]] = []
    for row in later:
        if row == failure:
            continue
        steps.append(row)
        if row.get("text") == failure.get("text") and row.get("exit_code") == 0:
            break
    else:
        return (f"{_line(failure, True).replace(' (exit', ' failed (exit', 1)}; recall has no later run of it "
                "that worked."), _hits(svc, [failure])
    steps = steps[-MAX_COMMANDS:]
    elsewhere = any(row.get("cwd") != failure.get("cwd") for row in steps)
    text = (f"{_line(failure, False).replace(' (exit', ' failed (exit', 1)}; then, in {failure.get('cwd') or '?'}:\n"
            + "\n".join(f"{n}. {_line(row, elsewhere and row.get('cwd') != failure.get('cwd'))}"
                         for n, row in enumerate(steps, start=1)))
    return text, _hits(svc, [failure, *steps])


def _during(window: TimeRange | None) -> str:
    return f" {window.phrase}" if window is not None and window.phrase else ""


def _line(row: dict[str, Any], with_cwd: bool) -> str:
    """``npm run build (exit 1, 2026-12-03 15:37, 2 runs) [5]``."""
    command = " ".join(str(row.get("text") or "").split())
    code = row.get("exit_code")
    facts = [f"exit {code}" if code is not None else "", short(row.get("ts"))]
    if row.get("count", 1) > 1:
        failures = int(row.get("failures") or 0)
        facts.append(f"{row['count']} runs" + (f", {failures} failed" if failures else ""))
    if with_cwd:
        facts.append(f"in {row.get('cwd') or '?'}")
    ref = f" [{row['id']}]" if isinstance(row.get("id"), int) else ""  # the spool's have none yet
    return f"{command} ({', '.join(f for f in facts if f)}){ref}"


def _text(rows: list[dict[str, Any]], found: Scope, more: int = 0) -> str:
    """The rows as a numbered list under what they are; ``more`` rows were left out (the
    newest are shown), which the list says, with where each ran unless the question named it."""
    # one folder is named as the place only when it is all there is, not when the cut left one
    one_place = len({r.get("cwd") for r in rows}) == 1 and (not more or bool(found.directories))
    head = "Failed" if found.failed else ("Ran" if found.failed is None else "Worked")
    where = f" in {rows[0].get('cwd') or '?'}" if one_place else ""
    tail = f"\n… and {more} more (recall history shows them all)" if more else ""
    return (f"{head}{where}:\n" + "\n".join(f"{n}. {_line(row, not one_place)}" for n, row in enumerate(rows, start=1))
            + tail)


def _hits(svc: Recall, rows: list[dict[str, Any]]) -> list[Hit]:
    """The recorded events behind the rows (commands still in the spool have none yet)."""
    events = svc.store.get_events([r["id"] for r in rows if isinstance(r.get("id"), int)])
    return [Hit.from_event(e, score=1.0) for r in rows
            if isinstance(r.get("id"), int) and (e := events.get(r["id"])) is not None]
