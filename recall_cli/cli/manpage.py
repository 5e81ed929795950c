"""Generate man pages (roff) from the CLI itself: `python -m recall_cli.cli.manpage man`.

One page per command (recall-search.1, recall-config-set.1, ...) plus recall.1, so
the pages cannot drift from the options the CLI really has (a test checks it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from typer.core import TyperArgument, TyperGroup, TyperOption

from .. import __version__
from .examples import for_command, markdown

if TYPE_CHECKING:
    # typer vendors its own click: these are its classes, not the click package's
    from typer._click.core import Command, Context


def click_root() -> Command:
    """The click command tree behind the typer app."""
    import typer.main

    from .app import build_app

    return typer.main.get_command(build_app())


def walk(group: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """(path, command) for every command, depth first, sorted by name."""
    yield path, group
    if isinstance(group, TyperGroup):
        ctx = _context(group)
        for name in sorted(group.list_commands(ctx)):
            sub = group.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, (*path, name))


def _context(command: Command, info_name: str | None = None) -> Context:
    # typer vendors its own click: build the context from the command's own module
    import typer._click.core as core

    return core.Context(command, info_name=info_name)


def _esc(text: str) -> str:
    text = text.replace("\\[", "[")  # rich markup escapes in help texts, not meant for the page
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + ln) if ln.startswith((".", "'")) else ln for ln in text.splitlines())


def page_name(path: tuple[str, ...]) -> str:
    return "-".join(("recall", *path))


def render(path: tuple[str, ...], command: Command) -> str:
    """The roff text of one command's page."""
    name = page_name(path)
    summary = (command.get_short_help_str(200) or "").strip()
    lines = [
        f'.TH "{name.upper()}" 1 "" "recall {__version__}" "recall manual"',
        ".SH NAME",
        f"{_esc(name)} \\- {_esc(summary)}",
        ".SH SYNOPSIS",
    ]
    ctx = _context(command, " ".join(("recall", *path)))
    lines.append(f".B {_esc(' '.join(('recall', *path)))}")
    lines.append(_esc(" ".join(command.collect_usage_pieces(ctx))))
    if command.help:
        lines += [".SH DESCRIPTION", _esc(command.help.strip())]
    args = [p for p in command.params if isinstance(p, TyperArgument)]
    if args:
        lines.append(".SH ARGUMENTS")
        for arg in args:
            lines += [".TP", f".B {_esc((arg.name or '').upper())}",
                      _esc(arg.help or "")]
    opts = [p for p in command.params if isinstance(p, TyperOption) and not p.hidden]
    if opts:
        lines.append(".SH OPTIONS")
        for opt in opts:
            names = ", ".join(opt.opts + opt.secondary_opts)
            lines += [".TP", f".B {_esc(names)}", _esc(opt.help or "")]
    if isinstance(command, TyperGroup):
        subs = sorted(command.list_commands(ctx))
        if subs:
            lines.append(".SH COMMANDS")
        for sub in subs:
            sub_cmd = command.get_command(ctx, sub)
            lines += [".TP", f".B {_esc(sub)}",
                      _esc(sub_cmd.get_short_help_str(200) if sub_cmd else ""),
                      f"See {_esc(page_name((*path, sub)))}(1)."]
    found = for_command(path)
    if found:
        lines.append(".SH EXAMPLES")
        for line, what in found:
            # a text line in bold, not ".B": the macro reads double quotes as its own and drops
            # them ('eval "$(recall init bash)"' would print as eval $(recall init bash))
            lines += [".TP", f"\\fB{_esc(line)}\\fR", _esc(what)]
    lines += [".SH ENVIRONMENT", ".TP", ".B RECALL_HOME",
              "Where recall keeps its data and config.toml (default: the platform's user data directory).",
              ".TP", ".B RECALL_<SECTION>_<KEY>", "Overrides a config key, e.g. RECALL_SEARCH_LIMIT=20."]
    if path:
        lines += [".SH SEE ALSO", "recall(1)"]
    return "\n".join(lines) + "\n"


def generate(directory: Path) -> list[Path]:
    """Write every page into ``directory`` (stale pages removed); returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path, command in walk(click_root()):
        target = directory / f"{page_name(path)}.1"
        target.write_text(render(path, command), encoding="utf-8")
        written.append(target)
    for old in directory.glob("recall*.1"):
        if old not in written:
            old.unlink()
    return written


README_START, README_END = "<!-- examples:start -->", "<!-- examples:end -->"


def readme_with_examples(text: str) -> str:
    """The README with its examples section regenerated from cli/examples.py."""
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    return text[:start] + "\n" + markdown() + text[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = generate(Path(args[0] if args else "man"))
    readme = Path(args[1] if len(args) > 1 else "README.md")
    if readme.exists():
        readme.write_text(readme_with_examples(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Wrote {len(out)} man pages to {out[0].parent} and the examples in {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
