"""RECALL_HOME is private whatever the umask: 0700 directories, 0600 files, set when they are
created and tightened when an existing store opens; `recall doctor` checks it and `--fix`
repairs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from recall_cli.home import loose_modes, make_private_dir, tighten

ROOT = Path(__file__).resolve().parents[1]


def recall(home: Path, *args: str, umask: int = 0o022, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECALL_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, preexec_fn=lambda: os.umask(umask))
    if check:
        assert done.returncode == 0, done.stderr
    return done


def modes(home: Path) -> dict[str, str]:
    out = {".": oct(stat.S_IMODE(home.stat().st_mode))}
    for path in home.rglob("*"):
        if not path.is_symlink():
            out[str(path.relative_to(home))] = oct(stat.S_IMODE(path.stat().st_mode))
    return out


def test_tighten_makes_directories_0700_and_files_0600(tmp_path):
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "daemon.log").write_text("x")
    (home / "recall.db").write_text("x")
    for path in (home, home / "logs"):
        path.chmod(0o755)
    for path in (home / "recall.db", home / "logs" / "daemon.log"):
        path.chmod(0o644)
    assert len(loose_modes(home)) == 4
    assert sorted(tighten(home)) == sorted(str(p) for p in (home, home / "logs", home / "recall.db",
                                                            home / "logs" / "daemon.log"))
    assert set(modes(home).values()) == {"0o700", "0o600"} and loose_modes(home) == []


@pytest.mark.slow
def test_everything_recall_writes_is_private_under_umask_022(tmp_path):
    home = tmp_path / "home"
    note = tmp_path / "note.md"
    note.write_text("# 2026-11-02\n\nThe spare key is under the blue pot.\n", encoding="utf-8")
    recall(home, "add", "Dentist moved to Thursday")
    recall(home, "import", str(note))
    recall(home, "config", "set", "search.limit", "5")
    recall(home, "search", "spare key")  # builds the index
    recall(home, "serve", "--detach")
    try:
        recall(home, "add", "through the daemon")
    finally:
        recall(home, "serve", "--stop")
    written = modes(home)
    assert {"recall.db", "config.toml", "logs", "index"} <= set(written), written
    assert written["."] == "0o700"
    assert {name: mode for name, mode in written.items() if mode not in ("0o700", "0o600")} == {}
    assert recall(home, "doctor", "--no-llm", check=False).stdout.count("[  OK] privacy") == 1


def test_an_existing_loose_home_is_tightened_when_the_store_opens(tmp_path):
    home = tmp_path / "home"
    recall(home, "add", "first note", umask=0o022)
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    recall(home, "stats")
    assert {name: mode for name, mode in modes(home).items() if mode not in ("0o700", "0o600")} == {}


def test_doctor_reports_loose_modes_and_fix_repairs_them(tmp_path):
    home = tmp_path / "home"
    recall(home, "add", "first note")
    (home / "recall.db").chmod(0o644)
    (home / "stray.txt").write_text("exported by hand")
    (home / "stray.txt").chmod(0o644)
    report = recall(home, "doctor", "--no-llm", check=False)
    assert report.returncode == 1
    assert "[WARN] privacy: 2 paths readable by other users: " in report.stdout, report.stdout
    assert "stray.txt" in report.stdout
    (home / "stray.txt").chmod(0o644)
    fixed = recall(home, "doctor", "--no-llm", "--fix", check=False)
    assert "[  OK] privacy" in fixed.stdout and "(fixed: tightened 1 paths)" in fixed.stdout, fixed.stdout
    assert loose_modes(home) == []


def test_a_private_directory_makes_its_missing_parents_private_too(tmp_path):
    old = os.umask(0o022)
    try:
        make_private_dir(tmp_path / "home" / "models" / "embed")
    finally:
        os.umask(old)
    for path in (tmp_path / "home", tmp_path / "home" / "models", tmp_path / "home" / "models" / "embed"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
