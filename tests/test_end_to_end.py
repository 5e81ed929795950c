"""End to end with the real bundled all-MiniLM-L6-v2, as a user runs it (subprocesses)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def recall(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RECALL_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def test_import_and_search_with_the_bundled_model(recall_home):
    imported = recall(recall_home, "import", "examples/sample-week.jsonl")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == ("Imported 15 events from examples/sample-week.jsonl (jsonl); "
                               "0 already known.\n")
    again = recall(recall_home, "import", "examples/sample-week.jsonl")
    assert again.stdout.startswith("Imported 0 events") and "15 already known" in again.stdout

    # meaning, not keywords: "key" and "plants" vs "basil" and "blue pot"
    found = recall(recall_home, "search", "water the plants while Sam is away", "--json")
    assert found.returncode == 0, found.stderr
    top = json.loads(found.stdout)["results"][0]
    assert top["actor"] == "Sam" and "basil" in top["text"]

    dated = json.loads(recall(recall_home, "search", "dentist in March 2026", "--json").stdout)
    assert dated["time_phrase"] == "in March 2026"
    assert {r["text"][:7] for r in dated["results"][:2]} == {"Dentist"}

    doctor = recall(recall_home, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "[  OK] embedder: all-MiniLM-L6-v2 (dim 384)" in doctor.stdout
    assert "[  OK] index:" in doctor.stdout


def test_index_rebuild_after_deleting_the_cache(recall_home):
    assert recall(recall_home, "import", "examples/sample-week.jsonl").returncode == 0
    recall(recall_home, "search", "bike")
    for f in (recall_home / "index").iterdir():
        f.unlink()
    rebuilt = recall(recall_home, "index", "rebuild")
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith("Rebuilt the index with 15 vectors")
    top = json.loads(recall(recall_home, "search", "second-hand bicycle", "--json").stdout)["results"][0]
    assert "Brompton" in top["text"]
