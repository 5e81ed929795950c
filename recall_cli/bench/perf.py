"""`recall bench perf`: speed and memory on synthetic corpora.

For each corpus size it reports ingest events/s (store + embeddings), index build time,
search p50/p95 in-process and through the daemon, `recall search` end to end as a new
process with and without the daemon, and peak resident memory; plus the shell hook's
cost at the prompt. Corpora are synthetic but shaped like real capture: shell commands,
notes and chat lines whose words follow Zipf's law over an 8,000-word vocabulary (so a
query mixes common and rare words, as real ones do), all distinct. Separately it times
`recall ingest` of a shell history written to the spool as the hook writes it.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import load_config
from ..models import Event

WORDS = (
    "release deploy staging production budget meeting lunch coffee garden bike train flight hotel "
    "dentist doctor birthday gift pottery painting guitar concert book novel chapter recipe soup "
    "pasta curry bread marathon run swim yoga climbing kubernetes docker postgres migration index "
    "query latency cache invoice tax insurance apartment lease landlord plumber kitchen sofa camera "
    "lens photo museum beach mountain lake river forest tent camping weekend holiday visa passport "
    "school teacher homework exam course lecture thesis paper review grant deadline client project"
).split()
PEOPLE = ["Ana", "Ben", "Priya", "Sam", "Tomas", "Mei", "Jon", "Lena"]
COMMANDS = ["git commit -m", "make test", "docker compose up", "kubectl logs", "pytest -k", "vim",
            "grep -rn", "psql -c", "npm run build", "cargo build --release", "ssh web-2", "rsync -av"]


SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tor", "vel", "dun", "pa", "ri", "zen", "mo", "lu", "fa",
             "gri", "shen", "bo", "ta", "ne", "wic", "hal", "quo", "jes", "pri")
VOCABULARY_SIZE = 8000


def vocabulary(size: int = VOCABULARY_SIZE, seed: int = 3) -> list[str]:
    """The real words above, then made-up words: about as many distinct words as a few years
    of one person's notes and chats hold."""
    rng = random.Random(seed)
    words = list(dict.fromkeys(WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf_sampler(words: list[str], rng: random.Random, s: float = 1.07,
                  offset: int = 50) -> Callable[[int], list[str]]:
    """Draw words with Zipf frequencies, as in natural text without its ~50 function words
    (stopwords, which search ignores): rank r has weight 1/(r + offset)^s."""
    import itertools

    weights = list(itertools.accumulate(1.0 / ((r + offset) ** s) for r in range(1, len(words) + 1)))
    return lambda k: rng.choices(words, cum_weights=weights, k=k)


def synthetic_events(n: int, seed: int = 7, start: float = 1_600_000_000.0) -> list[Event]:
    """n distinct events: a mix of shell commands, notes and chat messages over ~2 years,
    their words drawn with Zipf frequencies from an 8,000-word vocabulary."""
    rng = random.Random(seed)
    draw = _zipf_sampler(vocabulary(), rng)
    step = 2 * 365 * 86400 / max(n, 1)
    out = []
    for i in range(n):
        ts = start + i * step
        words = " ".join(draw(rng.randint(4, 16)))
        kind = i % 3
        if kind == 0:
            cmd = f"{rng.choice(COMMANDS)} {rng.choice(WORDS)}-{i}"
            out.append(Event(cmd, ts, source="shell", kind="command", session=f"tty{i % 17}",
                             meta={"cwd": f"/home/me/src/{rng.choice(WORDS)}", "exit_code": rng.choice([0, 0, 0, 1])}))
        elif kind == 1:
            out.append(Event(f"Note {i}: {words}.", ts, source="note"))
        else:
            out.append(Event(f"{words} #{i}", ts, source="chat", kind="message", actor=rng.choice(PEOPLE),
                             session=f"chat-{i // 40}"))
    return out


SHELL_TEMPLATES = (
    "git commit -m '{w} {v}'", "git checkout -b {w}-{i}", "cd ~/src/{w}/{v}", "vim src/{w}/{v}_{i}.py",
    "pytest tests/test_{w}.py -k {v}", "docker run --rm -it {w}:{i}", "ssh {w}-{i}.internal",
    "grep -rn '{w}' src/{v}", "make {w}", "ls -la ~/{w}/{v}", "kubectl logs deploy/{w} -n {v}",
    "curl -s localhost:{i}/{w}", "python -m {w}.{v} --verbose", "rg {w} --type py", "tail -f /var/log/{w}.log",
)
COMMON_COMMANDS = ("git status", "ls", "cd ..", "make test", "git diff", "git push", "clear", "htop")


def shell_history(n: int, seed: int = 5, start: float = 1_600_000_000.0, repeats: float = 0.2) -> list[dict]:
    """n spool records as the shell hook writes them: commands from common shapes with
    varied arguments, and a ``repeats`` share of everyday commands typed again (real
    histories repeat far more; an identical command reuses its stored vector)."""
    from ..capture.spool import make_record

    rng = random.Random(seed)
    out = []
    for i in range(n):
        if rng.random() < repeats:
            text = rng.choice(COMMON_COMMANDS)
        else:
            text = rng.choice(SHELL_TEMPLATES).format(w=rng.choice(WORDS), v=rng.choice(WORDS), i=i)
        out.append(make_record(source="shell", kind="command", text=text, ts_start=start + i * 30,
                               ts_end=start + i * 30 + 1.5, session=f"tty{i % 5}",
                               meta={"cwd": f"/home/me/src/{rng.choice(WORDS)}", "exit_code": rng.choice([0, 0, 1]),
                                     "shell": "bash", "host": "laptop"}))
    return out


def bench_spool_ingest(n: int, workdir: Path) -> dict[str, Any]:
    """`recall ingest` of n shell-hook records: parsed, stored and embedded, timed."""
    from ..capture import spool
    from ..capture.ingest import SpoolIngester
    from ..service import Recall

    home = workdir / f"spool-{n}"
    if home.exists():
        shutil.rmtree(home)
    svc = Recall(load_config(home))
    spool.append(home, shell_history(n))
    svc.embedder.embed(["warm up"] * 65)  # the model load is not the ingest's cost
    report = SpoolIngester(svc).run()
    stored = svc.store.count_events()
    svc.close()
    return {"records": n, "stored": stored, "seconds": round(report.seconds, 2),
            "events_per_s": round(stored / report.seconds, 1) if report.seconds else 0.0}


def queries(n: int, seed: int = 11) -> list[str]:
    """Queries of 2-6 words drawn like the corpus: common words and rare ones."""
    rng = random.Random(seed)
    draw = _zipf_sampler(vocabulary(), rng)
    return [" ".join(draw(rng.randint(2, 6))) for _ in range(n)]


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class SizeResult:
    events: int
    ingest_events_per_s: float = 0.0
    insert_events_per_s: float = 0.0
    embed_events_per_s: float = 0.0
    embedder_ready_s: float = 0.0
    embed_backend: str = ""
    index_build_s: float = 0.0
    search_p50_ms: float = 0.0
    search_p95_ms: float = 0.0
    daemon_search_p50_ms: float = 0.0
    daemon_search_p95_ms: float = 0.0
    cli_search_no_daemon_ms: float = 0.0
    cli_search_daemon_ms: float = 0.0
    peak_rss_mb: float = 0.0
    daemon_peak_rss_mb: float = 0.0
    db_mb: float = 0.0


INGEST_FIGURES = ("insert_events_per_s", "embed_events_per_s", "ingest_events_per_s", "embedder_ready_s")


@dataclass
class PerfReport:
    sizes: list[SizeResult] = field(default_factory=list)
    hook: dict[str, Any] = field(default_factory=dict)
    spool: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"sizes": [asdict(s) for s in self.sizes], "hook": self.hook, "spool": self.spool}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _time_cli(home: Path, query: str, runs: int, no_daemon: bool) -> float:
    env = {**os.environ, "RECALL_HOME": str(home)}
    if no_daemon:
        env["RECALL_NO_DAEMON"] = "1"
    recall = shutil.which("recall")
    cmd = [recall] if recall else [sys.executable, "-m", "recall_cli"]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*cmd, "search", query, "-n", "10"], env=env, capture_output=True, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench_size(n: int, workdir: Path, n_queries: int, progress: Callable[[str], None],
               reuse: bool = False) -> SizeResult:
    """Every measurement of one synthetic corpus of ``n`` events, in a home under ``workdir``.
    With ``reuse``, a corpus an earlier run stored and embedded there is kept (its ingest
    figures are those of that run), so a million events are generated and embedded once."""
    from ..serve import daemon as d
    from ..serve.client import DaemonClient
    from ..service import Recall

    home = workdir / f"perf-{n}"
    ingested = home / "bench-ingest.json"
    kept = reuse and ingested.exists()
    if home.exists() and not kept:
        shutil.rmtree(home)
    config = load_config(home)
    svc = Recall(config)
    # what really embeds the bulk (RECALL_EMBED_TORCH=1 forces torch whatever the config says)
    result = SizeResult(events=n, embed_backend=getattr(svc.embedder, "bulk_backend", config.get("embed.backend")))
    if kept:
        progress(f"{n}: reusing the corpus stored in {home}")
        for key, value in json.loads(ingested.read_text()).items():
            setattr(result, key, value)
    else:
        events = synthetic_events(n)
        progress(f"{n}: preparing the embedder")
        t = time.perf_counter()
        svc.embedder.embed(["warm up"] * 65)  # loads (on a new home: builds) the bulk embedder
        result.embedder_ready_s = time.perf_counter() - t
        progress(f"{n}: inserting")
        t = time.perf_counter()
        for start in range(0, n, 2000):
            svc.store.insert_events(events[start : start + 2000])
        insert_s = time.perf_counter() - t
        del events
        progress(f"{n}: embedding")
        t = time.perf_counter()
        svc.embed_pending()
        embed_s = time.perf_counter() - t
        result.insert_events_per_s = n / insert_s
        result.embed_events_per_s = n / embed_s
        result.ingest_events_per_s = n / (insert_s + embed_s)
        figures = {key: getattr(result, key) for key in INGEST_FIGURES}
        ingested.write_text(json.dumps(figures))
    progress(f"{n}: building the index")
    t = time.perf_counter()
    svc.rebuild_index()
    result.index_build_s = time.perf_counter() - t
    qs = queries(n_queries)
    svc.search(qs[0])  # warm
    times = []
    for q in qs:
        t = time.perf_counter()
        svc.search(q, limit=10)
        times.append((time.perf_counter() - t) * 1000)
    result.search_p50_ms, result.search_p95_ms = _pct(times, 50), _pct(times, 95)
    result.peak_rss_mb = _rss_mb()
    svc.close()
    result.db_mb = config.db_path.stat().st_size / 1e6
    progress(f"{n}: recall search as a new process, no daemon")
    result.cli_search_no_daemon_ms = _time_cli(home, qs[1], 3, no_daemon=True)
    progress(f"{n}: daemon")
    pid, _running = d.start_detached(config)  # (a bench home of its own: none runs there before)
    try:
        client = DaemonClient(str(d.socket_path(config)))
        times = []
        for q in qs:
            t = time.perf_counter()
            client.search(q, limit=10)
            times.append((time.perf_counter() - t) * 1000)
        result.daemon_search_p50_ms, result.daemon_search_p95_ms = _pct(times, 50), _pct(times, 95)
        result.cli_search_daemon_ms = _time_cli(home, qs[2], 5, no_daemon=False)
        result.daemon_peak_rss_mb = _proc_hwm_mb(pid)
    finally:
        d.stop(config)
    return result


def bench_hook(commands: int = 100, pace: float = 0.05, burst: int = 200) -> dict[str, Any]:
    """The shell hook's cost at the prompt: an interactive bash runs ``commands`` commands
    at a typing pace (each ``sleep pace``, so the detached recorder runs beside the shell as
    it does for a person) with and without the hook; the difference per command is what
    the prompt waits for. Also ``burst`` trivial commands back to back: the recorder's
    total CPU cost when nothing else runs, an upper bound."""
    bash = shutil.which("bash")
    if bash is None:
        return {"skipped": "bash not found"}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "RECALL_HOME": str(home), "HOME": tmp, "PS1": "$ ", "HISTFILE": "/dev/null"}
        init = subprocess.run([sys.executable, "-m", "recall_cli", "init", "bash"], capture_output=True,
                              text=True, env=env, check=True).stdout
        rc_hook = Path(tmp) / "hook.rc"
        rc_hook.write_text(init)
        rc_plain = Path(tmp) / "plain.rc"
        rc_plain.write_text("")

        def run(rc: Path, script: str) -> float:
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run([bash, "--rcfile", str(rc), "-i"], input=script, text=True, env=env,
                               capture_output=True, timeout=600)
                runs.append(time.perf_counter() - t)
            return min(runs)

        result: dict[str, Any] = {"commands": commands, "pace_s": pace, "burst_commands": burst}
        paced = f"sleep {pace}\n" * commands + "exit\n"
        result["without_hook_s"] = round(run(rc_plain, paced), 4)
        result["with_hook_s"] = round(run(rc_hook, paced), 4)
        result["per_command_ms"] = round((result["with_hook_s"] - result["without_hook_s"]) / commands * 1000, 3)
        quick = "true\n" * burst + "exit\n"
        plain, hooked = run(rc_plain, quick), run(rc_hook, quick)
        result["burst_per_command_ms"] = round((hooked - plain) / burst * 1000, 3)
        spool = home / "spool"

        def recorded() -> int:
            return sum(p.read_text().count("\n") for p in spool.glob("*.jsonl")) if spool.exists() else 0

        expected, deadline = 3 * (commands + burst), time.monotonic() + 10
        while recorded() < expected and time.monotonic() < deadline:  # detached recorders may still run
            time.sleep(0.05)
        result["recorded"] = recorded()
        result["expected"] = expected
        return result


def run_perf(sizes: list[int], n_queries: int = 50, workdir: Path | None = None,
             progress: Callable[[str], None] | None = None, hook: bool = True,
             spool_records: int = 5000, reuse: bool = False) -> PerfReport:
    """Each corpus size, the spool ingest and the shell hook, in ``workdir`` (default: a
    temporary directory, removed afterwards); ``reuse`` keeps corpora already stored there."""
    report = PerfReport()
    say = progress or (lambda _msg: None)
    own = workdir is None
    base = workdir if workdir is not None else Path(tempfile.mkdtemp(prefix="recall-perf-"))
    try:
        for n in sizes:
            report.sizes.append(bench_size(n, base, n_queries, say, reuse=reuse and not own))
        if spool_records:
            say(f"recall ingest of {spool_records} shell-hook records")
            report.spool = bench_spool_ingest(spool_records, base)
        if hook:
            say("shell hook")
            report.hook = bench_hook()
    finally:
        if own:
            shutil.rmtree(base, ignore_errors=True)
    return report


def format_report(report: PerfReport) -> str:
    """The report as the text table `recall bench perf` prints, one column per corpus size."""
    rows = [
        ("events", "events"), ("ingest events/s (store+embed)", "ingest_events_per_s"),
        ("  insert only events/s", "insert_events_per_s"), ("  embed events/s", "embed_events_per_s"),
        ("index build s", "index_build_s"), ("search p50 ms (in-process)", "search_p50_ms"),
        ("search p95 ms (in-process)", "search_p95_ms"), ("search p50 ms (daemon)", "daemon_search_p50_ms"),
        ("search p95 ms (daemon)", "daemon_search_p95_ms"),
        ("`recall search` ms, no daemon", "cli_search_no_daemon_ms"),
        ("`recall search` ms, daemon", "cli_search_daemon_ms"), ("peak RSS MB (in-process)", "peak_rss_mb"),
        ("peak RSS MB (daemon)", "daemon_peak_rss_mb"), ("database MB", "db_mb"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = []
    for label, key in rows:
        cells = []
        for s in report.sizes:
            value = getattr(s, key)
            cells.append(f"{value:>10,.0f}" if key == "events" else f"{value:>10.1f}")
        lines.append(f"{label:<{width}}  " + "  ".join(cells))
    if report.sizes:
        first = report.sizes[0]
        lines.append(f"bulk embedder: {first.embed_backend} (ready in {first.embedder_ready_s:.1f} s on a new home, "
                     "not counted above)")
    if report.spool:
        sp = report.spool
        lines.append(f"recall ingest (shell history through the spool, store+embed): {sp['events_per_s']} events/s "
                     f"({sp['stored']:,} of {sp['records']:,} records in {sp['seconds']} s)")
    if report.hook:
        h = report.hook
        if "skipped" in h:
            lines.append(f"shell hook: skipped ({h['skipped']})")
        else:
            lines.append(f"shell hook: {h['per_command_ms']} ms per command at the prompt "
                         f"({h['commands']} commands {h['pace_s']} s apart: {h['without_hook_s']} s without, "
                         f"{h['with_hook_s']} s with); {h['burst_per_command_ms']} ms each when "
                         f"{h['burst_commands']} run back to back")
    return "\n".join(lines)
