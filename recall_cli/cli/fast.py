"""The daemon fast path for `recall search`: standard library only, no typer.

When `recall serve` answers, a search is a socket round trip; importing typer alone
would cost more than the search. Anything this parser does not accept (help, a typo,
a new option) falls through to the full CLI, which gives the usual message; a test keeps
the two option sets equal.
"""

from __future__ import annotations

import argparse
import sys

from ..client import remote

SEARCH_OPTIONS = {
    "--limit": ("-n",), "--since": (), "--until": (), "--source": ("-s",), "--now": (),
    "--no-time-phrases": (), "--json": (),
}


class _Fallback(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Fallback(message)


def _parser() -> _Parser:
    p = _Parser(prog="recall search", add_help=False, allow_abbrev=False)
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", "-n", type=int)
    p.add_argument("--since")
    p.add_argument("--until")
    p.add_argument("--source", "-s", action="append")
    p.add_argument("--now")
    p.add_argument("--no-time-phrases", action="store_true")
    p.add_argument("--json", action="store_true")
    return p


def try_search(args: list[str]) -> int | None:
    """Run `recall search` through the daemon; None means "use the full CLI"."""
    if any(a in ("-h", "--help") for a in args) or any(a.startswith("-") and a[1:].isdigit() for a in args):
        return None
    try:
        ns = _parser().parse_args(args)
    except _Fallback:
        return None
    client = remote()
    if client is None:
        return None
    from ..errors import UsageError
    from ..timeutil import parse_time
    from .render import search_text

    if ns.limit is not None and ns.limit <= 0:
        raise UsageError("--limit must be at least 1")
    sources = [v.strip() for item in ns.source or [] for v in item.split(",") if v.strip()] or None
    result = client.search(
        " ".join(ns.query), limit=ns.limit,
        since=parse_time(ns.since) if ns.since else None,
        until=parse_time(ns.until, end=True) if ns.until else None,
        sources=sources, reference=parse_time(ns.now) if ns.now else None,
        time_phrases=not ns.no_time_phrases,
    )
    sys.stdout.write(search_text(result, ns.json) + "\n")
    return 0
