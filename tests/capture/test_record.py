"""The record fast path: standard library only, filters, bad input, and the spool's
concurrency guarantees (whole lines, nothing lost across a rotation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from recall_cli.capture import record, spool
from recall_cli.capture.filters import CommandFilter, join_list, parse_list
from recall_cli.capture.hook import record_argv
from tests.capture.helpers import spool_records

HEAVY = ("typer", "click", "rich", "numpy", "torch", "sqlite_utils", "sentence_transformers", "hnswlib",
         "llama_cpp", "pluggy", "watchdog", "textual", "mcp", "transformers", "dateparser",
         "recall_cli.service", "recall_cli.store", "recall_cli.cli", "recall_cli.search.embed")


def run_record(home: Path, stdin: bytes, *args: str, env: dict | None = None,
               extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The recorder exactly as the hooks start it (python -I -S -c ...)."""
    full_env = {**os.environ, "RECALL_HOME": str(home), **(env or {})}
    python, *rest = record_argv()
    return subprocess.run([python, *extra, *rest, *args], input=stdin, capture_output=True,
                          env=full_env, timeout=60, cwd="/")


def make_args(command: str, **kw) -> record.Args:
    args = record.Args()
    args.command, args.shell, args.status, args.cwd = command, "bash", 0, "/home/me"
    args.start, args.end, args.session = 1_790_000_000.0, 1_790_000_001.25, "s1"
    for key, value in kw.items():
        setattr(args, key, value)
    return args


def test_the_record_path_imports_only_the_standard_library(recall_home):
    result = run_record(recall_home, b"git status\n", "--shell", "bash", "--status", "0", "--cwd", "/tmp",
                        extra=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert "recall_cli.capture.record" in imported or "recall_cli.capture.secrets" in imported
    heavy = sorted(m for m in imported if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []
    assert [r["text"] for r in spool_records(recall_home)] == ["git status"]
    assert result.stdout == b""


def test_the_first_record_creates_a_private_home(tmp_path):
    home = tmp_path / "fresh" / "recall"  # the hook's first command makes the home
    old = os.umask(0o022)
    try:
        result = run_record(home, b"git status\n", "--shell", "bash", "--status", "0", "--cwd", "/tmp")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    assert oct((home / spool.SPOOL_DIR).stat().st_mode & 0o777) == "0o700"


def test_a_recorded_command_has_every_field(recall_home):
    rec = record.record(make_args("make test", status=2))
    assert rec["source"] == "shell" and rec["kind"] == "command" and rec["text"] == "make test"
    assert rec["ts_start"] == 1_790_000_000.0 and rec["ts_end"] == 1_790_000_001.25
    assert rec["meta"] == {"cwd": "/home/me", "exit_code": 2, "duration_ms": 1250,
                           "host": os.uname().nodename, "shell": "bash"}
    assert rec["session"] == "s1" and rec["actor"] and len(rec["id"]) == 32
    assert spool_records(recall_home) == [rec]


def test_duration_only_gives_the_span_ending_now(recall_home):
    rec = record.record(make_args("sleep 1", start=None, end=None, duration_ms=1500.0, shell="fish"))
    assert rec["ts_end"] - rec["ts_start"] == pytest.approx(1.5)
    assert rec["meta"]["duration_ms"] == 1500


def test_times_with_a_decimal_comma_are_read(recall_home):
    args = record.parse_args(["--start", "1790000000,5", "--end", "1790000001,0", "--status", "x"])
    assert (args.start, args.end, args.status) == (1790000000.5, 1790000001.0, None)


@pytest.mark.parametrize("line,expected", [
    ("  42  ls -la\n", "ls -la"),
    (" 1007* git commit --amend\n", "git commit --amend"),
    ("    9   echo leading\n", "  echo leading"),  # typed with leading spaces: filtered below
    ("   12  for f in *; do\n  echo $f\ndone\n", "for f in *; do\n  echo $f\ndone"),
])
def test_bash_history_lines_are_parsed(recall_home, line, expected):
    args = make_args(None, history=True)
    data = line.encode()
    rec = record.build_record(data, len(data), args, _config(recall_home))
    if expected.startswith(" "):
        assert rec is None
    else:
        assert rec["text"] == expected


def _config(home: Path):
    return record.Settings(str(home))


def test_the_recorder_reads_settings_like_the_config_module(recall_home, monkeypatch, tmp_path):
    from recall_cli.config import DEFAULTS, load_config
    from recall_cli.config import recall_home as config_home

    assert record.CAPTURE_DEFAULTS == {k: v[0] for k, v in DEFAULTS.items() if k.startswith("capture.")}
    recall_home.mkdir(parents=True)
    (recall_home / "config.toml").write_text('[capture]\nignore_dirs = "/a,/b"\nmax_command_bytes = 900\n')
    monkeypatch.setenv("RECALL_CAPTURE_IGNORE_PATTERNS", "ls*")
    mine, theirs = record.Settings(), load_config()
    for key in record.CAPTURE_DEFAULTS:
        assert mine.get(key) == theirs.get(key), key
    assert mine.home == str(config_home())
    monkeypatch.delenv("RECALL_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert record.Settings().home == str(config_home()) == str(tmp_path / "xdg" / "recall")


def test_the_recorder_ignores_modules_in_the_current_directory(recall_home, tmp_path):
    """A json.py where the user happens to be must not run with every command."""
    trap = tmp_path / "trap"
    trap.mkdir()
    (trap / "json.py").write_text("raise SystemExit('imported the json.py of the cwd')\n")
    python, *rest = record_argv()
    result = subprocess.run([python, *rest, "--shell", "bash", "--cwd", str(trap)], input=b"ls\n",
                            capture_output=True, cwd=trap, timeout=60,
                            env={**os.environ, "RECALL_HOME": str(recall_home), "PYTHONPATH": str(trap)})
    assert result.returncode == 0, result.stderr
    assert [r["text"] for r in spool_records(recall_home)] == ["ls"]


def test_filters_space_patterns_dirs_and_empty(recall_home, tmp_path):
    private = tmp_path / "private"
    (private / "deeper").mkdir(parents=True)
    link = tmp_path / "link-to-private"
    link.symlink_to(private)
    recall_home.mkdir(parents=True, exist_ok=True)
    (recall_home / "config.toml").write_text(
        "[capture]\n"
        f'ignore_dirs = "{private},~/nope-*"\n'
        'ignore_patterns = "ls,cd *,re:^(vim|nano)\\\\b,re:x{1\\\\,3}y"\n')
    for command, cwd in [(" secret thing", "/home/me"), ("\tsecret", "/home/me"), ("ls", "/home/me"),
                         ("cd /tmp", "/home/me"), ("vim notes.md", "/home/me"), ("echo xxy", "/home/me"),
                         ("make", str(private)), ("make", str(private / "deeper")), ("make", str(link)),
                         ("   ", "/home/me"), ("", "/home/me")]:
        assert record.record(make_args(command, cwd=cwd)) is None, (command, cwd)
    for command, cwd in [("ls -la", "/home/me"), ("vimdiff a b", "/home/me"), ("make", str(tmp_path)),
                         ("make", str(private) + "-other")]:
        assert record.record(make_args(command, cwd=cwd)) is not None, (command, cwd)
    assert len(spool_records(recall_home)) == 4


def test_recall_disable_records_nothing(recall_home):
    result = run_record(recall_home, b"echo hi\n", "--shell", "zsh", env={"RECALL_DISABLE": "1"})
    assert result.returncode == 0 and not (recall_home / "spool").exists()


def test_a_command_prefixed_with_recall_disable_is_not_recorded(recall_home):
    for command in ["RECALL_DISABLE=1 mysql -u root shop", "LANG=C RECALL_DISABLE=1 psql", "env RECALL_DISABLE=1 ls"]:
        assert record.record(make_args(command)) is None, command
    assert record.record(make_args("RECALL_DISABLE=0 ls")) is not None
    assert record.record(make_args("echo RECALL_DISABLE=1 is how to pause")) is not None
    assert [r["text"] for r in spool_records(recall_home)] == ["RECALL_DISABLE=0 ls",
                                                                "echo RECALL_DISABLE=1 is how to pause"]


def test_non_utf8_bytes_become_replacement_characters(recall_home, svc):
    result = run_record(recall_home, b"echo caf\xe9 \xff\xfe done\n", "--shell", "bash", "--status", "0",
                        "--cwd", "/tmp/caf\udce9".encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    assert result.returncode == 0, result.stderr
    (rec,) = spool_records(recall_home)
    assert rec["text"] == "echo caf\ufffd \ufffd\ufffd done"
    assert rec["meta"]["invalid_utf8"] is True
    from recall_cli.capture.ingest import ingest

    assert ingest(svc).inserted == 1


def test_a_non_utf8_working_directory_is_kept_readable(recall_home):
    bad_cwd = os.fsdecode(b"/tmp/caf\xe9")
    rec = record.record(make_args("ls -l", cwd=bad_cwd))
    assert rec["meta"]["cwd"] == "/tmp/caf\ufffd" and rec["meta"]["invalid_utf8"] is True
    json.dumps(rec).encode("utf-8")


def test_a_huge_command_is_cut_to_the_limit_and_says_so(recall_home):
    token = "ghp_" + "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"
    head = "echo " + "a" * (65536 - 5 - 10)
    command = head + " " + token + " " + "b" * 200_000  # the token straddles the cut
    result = run_record(recall_home, command.encode() + b"\n", "--shell", "bash", "--status", "0")
    assert result.returncode == 0, result.stderr
    (rec,) = spool_records(recall_home)
    assert len(rec["text"].encode()) <= 65536
    assert rec["text"].startswith("echo aaaa")
    assert "ghp_" not in rec["text"] and "[REDACTED:github-to" not in rec["text"].replace(
        "[REDACTED:github-token]", "")
    assert rec["meta"]["truncated"] is True and rec["meta"]["original_bytes"] == len(command) + 1
    assert rec["meta"]["redacted"] == ["github-token"]


def test_the_limit_is_configurable(recall_home, monkeypatch):
    monkeypatch.setenv("RECALL_CAPTURE_MAX_COMMAND_BYTES", "100")
    rec = record.record(make_args("x" * 300))
    assert rec["text"] == "x" * 100 and rec["meta"]["truncated"]


def test_a_broken_config_is_logged_not_shown_and_the_command_is_still_recorded(recall_home):
    recall_home.mkdir(parents=True)
    (recall_home / "config.toml").write_text("[capture\nbroken")  # half-edited: the shell goes on meanwhile
    result = run_record(recall_home, b"ls -la\n", "--shell", "bash")
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert [r["text"] for r in spool_records(recall_home)] == ["ls -la"]
    log = (recall_home / "spool" / "errors.log").read_text()
    assert "config:" in log and "config.toml" in log and "recorded with the default settings" in log
    assert (recall_home / "spool" / "errors.log").stat().st_mode & 0o777 == 0o600  # it may quote a command


def test_list_values_parse_commas_escapes_and_toml_arrays():
    assert parse_list("a, b ,,c") == ["a", "b", "c"]
    assert parse_list(r"re:x{1\,3},y") == ["re:x{1,3}", "y"]
    assert parse_list("['one', 'two,three']") == ["one", "two,three"]
    assert parse_list(join_list(["a,b", "c"])) == ["a,b", "c"]
    assert CommandFilter(["re:(unclosed"]).ignored_command("echo (unclosed") is True


WRITER = """
import sys
from recall_cli.capture import spool
home, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    spool.append(home, [spool.make_record(source="shell", kind="command",
        text=f"{who}-{i} " + "x" * (2000 + 37 * i), ts_start=1790000000.0 + i, record_id=f"{who}-{i}")])
"""


def test_concurrent_writers_never_interleave_and_a_rotation_loses_nothing(recall_home):
    """Eight processes append big lines while the spool is rotated again and again."""
    recall_home.mkdir(parents=True, exist_ok=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(recall_home), f"w{n}", "150"])
               for n in range(8)]
    collected: list[bytes] = []
    stop = threading.Event()

    def rotate_forever() -> None:
        stamp = 0
        while not stop.is_set():
            stamp += 1
            path = spool.rotate(recall_home, stamp)
            if path is not None:
                collected.append(path.read_bytes())
                path.unlink()

    rotator = threading.Thread(target=rotate_forever)
    rotator.start()
    try:
        for proc in writers:
            assert proc.wait(120) == 0
    finally:
        stop.set()
        rotator.join()
    live = spool.spool_path(recall_home)
    if live.exists():
        collected.append(live.read_bytes())
    lines = b"".join(collected).splitlines()
    ids = [json.loads(line)["id"] for line in lines]  # every line is whole JSON
    assert len(ids) == len(set(ids)) == 8 * 150
    assert len([c for c in collected if c]) > 1  # the rotation really happened mid-way
