import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recall_cli.bench.perf import format_report, queries, synthetic_events

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_corpus_is_distinct_mixed_and_deterministic():
    events = synthetic_events(300)
    assert len({e.content_hash for e in events}) == 300
    assert {e.source for e in events} == {"shell", "note", "chat"}
    assert [e.text for e in synthetic_events(50)] == [e.text for e in events[:50]]
    assert len(queries(5)) == 5


@pytest.mark.slow
def test_perf_bench_runs_end_to_end_on_a_small_corpus(tmp_path):
    env = {**os.environ, "RECALL_HOME": str(tmp_path / "unused")}
    proc = subprocess.run([sys.executable, "-m", "recall_cli", "bench", "perf", "--sizes", "300", "--queries", "5",
                           "--no-hook", "--spool", "200", "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (size,) = json.loads(proc.stdout)["sizes"]
    assert size["events"] == 300
    for key in ("ingest_events_per_s", "search_p50_ms", "daemon_search_p50_ms", "cli_search_daemon_ms",
                "cli_search_no_daemon_ms", "peak_rss_mb"):
        assert size[key] > 0, key
    spool = json.loads(proc.stdout)["spool"]
    assert spool["records"] == spool["stored"] == 200 and spool["events_per_s"] > 0


def test_shell_history_is_what_the_hook_writes_and_ingests_whole(recall_home):
    from recall_cli.bench.perf import shell_history
    from recall_cli.capture import spool
    from recall_cli.capture.ingest import SpoolIngester
    from recall_cli.config import load_config
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder

    records = shell_history(120)
    texts = [r["text"] for r in records]
    assert texts == [r["text"] for r in shell_history(120)]
    assert 0 < texts.count("git status") < 20 and len(set(texts)) > 80
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder())
    spool.append(recall_home, records)
    report = SpoolIngester(svc).run()
    assert (report.inserted, report.quarantined, svc.store.count_events()) == (120, 0, 120)


def test_perf_bench_rejects_bad_sizes(cli):
    assert cli("bench", "perf", "--sizes", "ten") == (2, "", "Error: --sizes must be numbers, got 'ten'\n")
    assert cli("bench", "perf", "--spool", "-1") == (2, "", "Error: --spool must be 0 or more\n")
    assert cli("bench", "perf", "--sizes", "5")[2] == "Error: each corpus size must be at least 100\n"


def test_report_formats_every_size_in_a_column():
    from recall_cli.bench.perf import PerfReport, SizeResult

    text = format_report(PerfReport([SizeResult(events=10_000, search_p50_ms=4.2)], {"skipped": "no bash"}))
    assert "search p50 ms (in-process)            4.2" in text
    assert text.endswith("shell hook: skipped (no bash)")


@pytest.mark.slow
def test_hook_bench_runs_a_real_bash_with_and_without_the_hook():
    from recall_cli.bench.perf import bench_hook

    result = bench_hook(commands=5, pace=0.01, burst=5)
    if "skipped" in result:
        pytest.skip(result["skipped"])
    assert result["recorded"] >= 3 * (5 + 5)  # every hooked command of every run reached the spool
    assert result["with_hook_s"] > 0 and result["without_hook_s"] > 0 and "burst_per_command_ms" in result


@pytest.mark.slow
def test_ttft_bench_reuses_the_prefix_in_process_and_from_disk():
    from recall_cli.bench.ttft import format_ttft, run_ttft

    report = run_ttft(rounds=1)
    assert report.prefix_tokens > 200  # the core profile is part of the stable prefix
    assert report.in_process_cold_ms > 0 and report.in_process_warm_ms[0] > 0
    assert report.cross_process_prefix == ["disk"]  # the second process loaded the saved state
    assert "across processes" in format_ttft(report)
    assert report.end_to_end_daemon_ms and "through `recall serve`" in format_ttft(report)
    assert len(report.daemon_ttft_ms) == 2 and report.daemon_repeat_ttft_ms > 0
    assert "same question again" in format_ttft(report)
