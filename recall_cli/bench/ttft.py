"""`recall bench ask`: time to first token of `recall ask`, cold and warm.

A fresh store gets a profile of core memories (the stable prompt prefix every question
shares) and a few dozen notes. Then:

- in one process: the first question evaluates the prefix (cold), later questions find it
  in llama.cpp's context (warm);
- across processes: `recall ask` runs as a new process with an empty prompt cache (cold:
  it evaluates the prefix and saves the state under RECALL_HOME/cache/kv), then again with
  another question (warm: the prefix state is loaded from disk).

Time to first token runs from the request (after the model has loaded) to the first
generated token; model load time is reported apart.

End to end, `recall ask` runs as a new process, as a user runs it, first in-process (the
model loads and the prefix state comes from disk each time), then with `recall serve`
running (the daemon's model and prefix are warm): time to the first byte of the answer on
stdout, and to the end of the output. The model writes every answer here
(``ask.model_answers = always``), so the timings are those of a generation.
"""

from __future__ import annotations

import json
import os
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

PROFILE = [
    "The user's name is Ada Lovelace; she prefers to be called Ada.",
    "Ada works as a backend engineer on the billing service team at Fidelis.",
    "Ada lives in Lisbon, in the Alfama neighbourhood, with her partner Sam and a cat named Pixel.",
    "Ada prefers concise answers that show the exact shell command.",
    "Ada's main laptop runs Debian 12; her editor is Neovim with the LazyVim setup.",
    "Ada is allergic to penicillin and shellfish.",
    "Ada's manager is Priya Raman; weekly one-to-ones are on Tuesdays at 10:00.",
    "Ada is training for the Lisbon half marathon in October; long runs are on Sundays.",
    "Ada's mother, Maria, lives in Porto; her birthday is on 3 March.",
    "Ada speaks Portuguese, English and some German; she is learning Japanese on weekday mornings.",
    "Ada's bank is Banco Fidelis; she pays rent on the first working day of each month.",
    "Ada's car is a 2019 Renault Zoe, plate AA-12-BC; its insurance renews every March.",
    "Ada keeps her notes in ~/notes as Markdown and her code in ~/src.",
    "Ada's team deploys on Wednesdays after the 11:00 stand-up, never on Fridays.",
    "Ada is vegetarian and dislikes coriander.",
    "Ada's dentist is Dr. Okafor at the Clinica Avenida, phone in her contacts.",
]
NOTES = [
    ("Sam's spare key is under the blue flower pot by the back door.", "note"),
    ("The billing service tests run with `make test-billing` after `docker compose up -d postgres`.", "note"),
    ("Booked the tram tour in Lisbon for the 9am slot; pastéis de nata in Belém afterwards.", "note"),
    ("The wifi password for the cabin is taped inside the fridge door.", "note"),
    ("Renewed the car insurance with Fidelidade: 412 euros a year, policy 77-3041.", "note"),
    ("Pixel's vet appointment is at the Alfama clinic; bring the vaccination booklet.", "note"),
    ("To restart the home NAS after an update: ssh nas, then sudo systemctl restart smbd.", "note"),
    ("Priya asked for the migration plan from Postgres 13 to 16 by the end of the quarter.", "note"),
]
QUESTIONS = [  # none of them a date or a "how do I" question: those are answered without the model
    "Where is Sam's spare key?",
    "Which make target runs the billing service tests?",
    "Where is the wifi password for the cabin?",
    "How much is the car insurance?",
    "What restarts the NAS after an update?",
    "What did Priya ask for?",
]
MODEL_ENV = {"RECALL_ASK_MODEL_ANSWERS": "always"}


@dataclass
class TTFTReport:
    model: str = ""
    prefix_tokens: int = 0
    load_ms: float = 0.0
    in_process_cold_ms: float = 0.0
    in_process_warm_ms: list[float] = field(default_factory=list)
    cross_process_cold_ms: float = 0.0
    cross_process_warm_ms: list[float] = field(default_factory=list)
    cross_process_prefix: list[str] = field(default_factory=list)
    # `recall ask` as a new process: (first byte of the answer, whole output) in ms, per question
    end_to_end_in_process_ms: list[tuple[float, float]] = field(default_factory=list)
    end_to_end_daemon_ms: list[tuple[float, float]] = field(default_factory=list)
    # the same question asked again at once: everything up to its last token is in the context
    in_process_repeat_ms: float = 0.0
    # the daemon's own time to first token (from `recall ask --json`), other questions and a repeat
    daemon_ttft_ms: list[float] = field(default_factory=list)
    daemon_repeat_ttft_ms: float = 0.0

    @staticmethod
    def _ratio(cold: float, warm: list[float]) -> float:
        return cold / statistics.median(warm) if warm and statistics.median(warm) > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["in_process_ratio"] = round(self._ratio(self.in_process_cold_ms, self.in_process_warm_ms), 2)
        out["cross_process_ratio"] = round(self._ratio(self.cross_process_cold_ms, self.cross_process_warm_ms), 2)
        out["repeat_ratio"] = round(self._ratio(self.in_process_cold_ms, [self.in_process_repeat_ms]), 1)
        return out


def _fill(home: Path) -> None:
    from ..service import Recall

    svc = Recall(load_config(home))
    for i, (text, source) in enumerate(NOTES):
        svc.add(text, source=source, ts=1_770_000_000.0 + i * 3600)
    for fact in PROFILE:
        svc.memories.add("core", fact, importance=8)
    svc.embed_pending()
    svc.close()


def _env(home: Path, model: Path | None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "RECALL_HOME": str(home), "HF_HUB_OFFLINE": "1", **MODEL_ENV, **extra}
    if model is not None:
        env["RECALL_LLM_MODEL"] = str(model)
    return env


def _time_recall_ask(home: Path, question: str, model: Path | None, **extra: str) -> tuple[float, float]:
    """(ms to the first byte on stdout, ms to the end) of `recall ask QUESTION` as a new process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "recall_cli", "ask", question], env=_env(home, model, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    first_ms = (time.perf_counter() - started) * 1000
    _rest, err = proc.communicate(timeout=900)
    total_ms = (time.perf_counter() - started) * 1000
    if proc.returncode != 0 or not first:
        raise RuntimeError(f"recall ask failed: {err.decode(errors='replace').strip()[-500:]}")
    return first_ms, total_ms


def _end_to_end(home: Path, questions: list[str], model: Path | None, report: TTFTReport,
                say: Callable[[str], None]) -> None:
    """`recall ask` in-process, then through a daemon started for the purpose."""
    from ..serve import daemon

    say("end to end, in-process")
    report.end_to_end_in_process_ms = [_time_recall_ask(home, q, model, RECALL_NO_DAEMON="1") for q in questions]
    say("end to end, through `recall serve`")
    config = load_config(home)
    serve = subprocess.Popen([sys.executable, "-m", "recall_cli", "serve"], env=_env(home, model),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not daemon.ping(daemon.socket_path(config), timeout=0.5):
            if serve.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("recall serve did not start")
            time.sleep(0.1)
        _time_recall_ask(home, questions[0], model)  # waits for the daemon's model warm-up
        report.end_to_end_daemon_ms = [_time_recall_ask(home, q, model) for q in questions]
        report.daemon_ttft_ms = [_ttft(_ask_json(home, q, model)) for q in reversed(questions)]
        report.daemon_repeat_ttft_ms = _ttft(_ask_json(home, questions[0], model))  # the last one asked
    finally:
        serve.terminate()
        serve.wait(60)


def _ttft(answer: dict[str, Any]) -> float:
    return float(answer["timings"].get("ttft_ms", 0.0))


def _ask_json(home: Path, question: str, model: Path | None, **extra: str) -> dict[str, Any]:
    """`recall ask --json QUESTION` as a new process (through the daemon if one runs)."""
    cmd = [sys.executable, "-m", "recall_cli", "ask", "--json", question]
    done = subprocess.run(cmd, env=_env(home, model, **extra), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"recall ask failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def run_ttft(model: Path | None = None, rounds: int = 3,
             progress: Callable[[str], None] | None = None) -> TTFTReport:
    """Measure time to first token cold and warm, in one process and across processes."""
    from ..llm.ask import ask
    from ..llm.model import LlamaLLM
    from ..service import Recall

    say = progress or (lambda _msg: None)
    report = TTFTReport()
    base = Path(tempfile.mkdtemp(prefix="recall-ttft-"))
    try:
        home = base / "home"
        say("filling a store with a profile and notes")
        _fill(home)
        config = load_config(home)
        llm = LlamaLLM(model.expanduser(), context=config.get("llm.context"), threads=config.get("llm.threads"),
                       cache_dir=None) if model else LlamaLLM.from_config(config)
        llm.cache_dir = None  # in-process: only llama.cpp's own context reuse
        svc = Recall(config, llm=llm)
        svc.config.values["ask.model_answers"] = "always"  # the model answers every question here
        report.model = llm.model_id
        questions = QUESTIONS[: rounds + 1]
        say("in one process")
        for i, question in enumerate(questions):
            answer = ask(svc, question, llm=llm)
            timings = answer.timings
            if i == 0:
                report.load_ms = float(timings.get("load_ms", 0.0))
                report.prefix_tokens = int(timings.get("prefix_tokens", 0))
                report.in_process_cold_ms = float(timings.get("ttft_ms", 0.0))
            else:
                report.in_process_warm_ms.append(float(timings.get("ttft_ms", 0.0)))
        report.in_process_repeat_ms = float(ask(svc, questions[-1], llm=llm).timings.get("ttft_ms", 0.0))
        svc.close()
        say("across processes")
        shutil.rmtree(home / "cache", ignore_errors=True)
        for i, question in enumerate(questions):
            timings = _ask_json(home, question, model, RECALL_NO_DAEMON="1")["timings"]
            if i == 0:
                report.cross_process_cold_ms = float(timings.get("ttft_ms", 0.0))
            else:
                report.cross_process_warm_ms.append(float(timings.get("ttft_ms", 0.0)))
                report.cross_process_prefix.append(str(timings.get("prefix", "")))
        _end_to_end(home, questions, model, report, say)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return report


def format_ttft(report: TTFTReport) -> str:
    """The report as the lines `recall bench ttft` prints."""
    data = report.to_dict()
    warm_in = statistics.median(report.in_process_warm_ms) if report.in_process_warm_ms else 0.0
    warm_x = statistics.median(report.cross_process_warm_ms) if report.cross_process_warm_ms else 0.0
    return "\n".join([
        f"model: {report.model}; stable prefix {report.prefix_tokens} tokens; model load {report.load_ms:.0f} ms",
        f"{'time to first token':<28}{'cold ms':>10}{'warm ms':>10}{'cold/warm':>11}",
        f"{'in one process':<28}{report.in_process_cold_ms:>10.0f}{warm_in:>10.0f}{data['in_process_ratio']:>10.1f}x",
        f"{'across processes':<28}{report.cross_process_cold_ms:>10.0f}{warm_x:>10.0f}"
        f"{data['cross_process_ratio']:>10.1f}x",
        f"{'same question again':<28}{report.in_process_cold_ms:>10.0f}{report.in_process_repeat_ms:>10.0f}"
        f"{data['repeat_ratio']:>10.1f}x",
        f"warm prefix came from: {', '.join(report.cross_process_prefix) or '-'} (across processes)",
        *_end_to_end_lines(report),
    ])


def _end_to_end_lines(report: TTFTReport) -> list[str]:
    if not report.end_to_end_in_process_ms or not report.end_to_end_daemon_ms:
        return []

    def median(rows: list[tuple[float, float]], i: int) -> float:
        return statistics.median(r[i] for r in rows)

    here, there = report.end_to_end_in_process_ms, report.end_to_end_daemon_ms
    return [
        f"{'`recall ask`, a new process':<28}{'first ms':>10}{'total ms':>10}",
        f"{'in-process':<28}{median(here, 0):>10.0f}{median(here, 1):>10.0f}",
        f"{'through `recall serve`':<28}{median(there, 0):>10.0f}{median(there, 1):>10.0f}",
        f"the daemon's time to first token: {statistics.median(report.daemon_ttft_ms):.0f} ms (median of "
        f"{len(report.daemon_ttft_ms)} questions), {report.daemon_repeat_ttft_ms:.0f} ms for the same question again",
    ]
