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


def test_every_page_has_examples_from_the_one_table():
    from recall_cli.cli.examples import for_command

    for path, _command in walk(click_root()):
        page = (MAN / f"{page_name(path)}.1").read_text()
        assert ".SH EXAMPLES" in page, page_name(path)
        assert for_command(path), f"no examples for {' '.join(('recall', *path))} in cli/examples.py"


def test_the_readme_lists_the_same_examples():
    from recall_cli.cli.manpage import readme_with_examples

    readme = (MAN.parent / "README.md").read_text()
    assert readme == readme_with_examples(readme), "run `make man` to regenerate the README's examples"


def test_help_ends_with_the_examples_and_shows_no_type_for_flags(cli):
    code, out, _ = cli("search", "--help")
    assert code == 0
    assert "<bool>" not in out
    assert 'recall search "deploy staging"' in out and "# hybrid search" in out


def test_a_repeatable_option_shows_one_value_and_that_it_repeats(cli):
    code, out, _ = cli("consolidate", "--help")
    assert code == 0
    assert "<int>…" in out and "list[int]" not in out


def test_help_paragraphs_are_left_for_the_terminal_to_wrap():
    paragraphs = {path: command.help or "" for path, command in walk(click_root())}
    consolidate = paragraphs[("consolidate",)]
    assert "before it is written (names, numbers" in consolidate  # one paragraph, not broken at "written"
    assert all("\n" not in p.strip() for text in paragraphs.values() for p in text.split("\n\n"))


def test_a_repeatable_argument_shows_one_value_and_that_it_repeats(cli):
    out = cli("ask", "--help")[1]
    assert "<str>…" in out and "<list[str]>" not in out


def test_each_help_example_has_its_comment_on_the_line_above(cli):
    lines = [line.strip() for line in cli("consolidate", "--help")[1].splitlines()]
    at = lines.index("# see what the zero-LLM path would store")
    assert lines[at + 1] == "recall consolidate --dry-run --no-llm"


def test_no_man_page_line_drops_the_double_quotes_an_example_needs():
    # ".B" takes double quotes as its own argument marks: 'eval "$(recall init bash)"' would
    # print as eval $(recall init bash), which installs no hook when copied into an rc file
    pages = sorted(MAN.glob("*.1"))
    assert pages
    dropped = [f"{page.name}: {line}" for page in pages for line in page.read_text().splitlines()
               if line.startswith((".B ", ".I ")) and '"' in line]
    assert dropped == []
    init = (MAN / "recall-init.1").read_text()
    assert '\\fBeval "$(recall init bash)"\\fR' in init
