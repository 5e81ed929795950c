"""The man pages in man/ are generated from the CLI; they must not miss anything."""

from pathlib import Path

from recall_cli.cli.manpage import click_root, page_name, render, walk

MAN = Path(__file__).resolve().parents[2] / "man"


def test_every_command_and_option_has_a_man_page_entry():
    missing = []
    for path, command in walk(click_root()):
        page = MAN / f"{page_name(path)}.1"
        if not page.exists():
            missing.append(f"{page.name} (run `make man`)")
            continue
        text = page.read_text()
        for param in command.params:
            if param.param_type_name != "option" or param.hidden:
                continue
            for opt in param.opts:
                if opt.replace("-", "\\-") not in text:
                    missing.append(f"{page.name}: {opt} (run `make man`)")
    assert missing == []


def test_man_pages_match_what_the_generator_writes_now():
    stale = [page_name(p) for p, c in walk(click_root())
             if (MAN / f"{page_name(p)}.1").exists()
             and (MAN / f"{page_name(p)}.1").read_text() != render(p, c)]
    assert stale == [], "run `make man`"
