"""The embedder on ONNX Runtime (``embed.backend`` ``onnx-int8`` or ``onnx``).

On first use the BERT model is exported to an ONNX graph with torch (already a dependency),
made int8 where that keeps the vectors, checked against the float NumPy forward pass on a
fixed sample, and cached under RECALL_HOME/models/embed with a sidecar that records its
sha256. A graph whose bytes no longer match the sidecar, or that ONNX Runtime cannot load,
is rebuilt, never used.

What is int8 and why: see quantiser.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from ..home import PRIVATE_FILE, make_private_dir
from .bert import BertEncoder
from .quantiser import quantize

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
BACKENDS = ("onnx-int8", "onnx", "torch")
OPSET = 17
MIN_MEAN_COSINE = 0.99
MIN_COSINE = 0.97  # "ok", padded in a batch beside longer texts, sits lowest (0.976 with recipe 3)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Raised when the way a graph is made changes, so a graph cached by an earlier version is
# rebuilt rather than used (2: feed-forward outlier channels float, the rest int8; 3: eager
# attention, the second projection's outliers in a float branch, the first's smoothed).
RECIPE = 3
# What the graph is checked on: short and long, commands and prose, names, numbers, dates.
SAMPLE = (
    "git rebase -i HEAD~3",
    "Maya's birthday is 3 May; she wants a film camera.",
    "docker compose up -d postgres && psql -h localhost -U app",
    "The spare key to the shed is under the blue pot by the back door.",
    "Caroline: I went to the LGBTQ support group yesterday and it was so powerful.",
    "Melanie: Yes, last Saturday! We painted a sunrise over the lake with the kids.",
    "Booked the flight to Kyoto for 14-21 October; the ryokan confirmation number is 88213.",
    "How do I undo the last commit but keep the changes staged?",
    "pip install torch==2.13.0 && CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install llama-cpp-python",
    "Notes from the planning meeting: ship the sync feature first, then the picker, then scale. "
    "Alice owns the daemon, Bob the importers; we meet again on Thursday at 10:00 to review the "
    "benchmark numbers and decide whether the int8 path is good enough to be the default.",
    "ok",
    "Renewed the passport at the consulate on 2 February 2024; it is valid until 2034.",
)


class OnnxBert(BertEncoder):
    """Mean-pooled, normalised sentence embeddings from an ONNX graph of the model."""

    def __init__(self, model_dir: Path, graph: Path) -> None:
        super().__init__(model_dir)
        ort = onnx_runtime()
        # one thread a run and one run a core: on two cores 347 texts/s where one run on
        # two threads gives 294 (a small model's products split poorly across threads)
        self.workers = max(1, os.cpu_count() or 1)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings name graph internals
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        # word pieces a batch: small batches keep a run's activations in the core's cache. On
        # the `bench perf` corpus, one AMD EPYC with two runs at once: 390 texts/s at 256,
        # 349 at 384, 328 at 512, 318 at 1,024, 286 at 2,048 (a text longer than the budget
        # goes alone)
        self.token_budget = 256

    def _embed_batches(self, groups: list[list[str]]) -> Iterable[np.ndarray]:
        if len(groups) == 1 or self.workers == 1:
            return super()._embed_batches(groups)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.workers) as pool:  # ONNX Runtime releases the GIL in run()
            return list(pool.map(self._embed_batch, groups))

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask.astype(self.np.int64), "token_type_ids": types}
        return self.session.run(None, feed)[0]


def fingerprint(model_dir: Path) -> str:
    """Names the model a graph was made from (its path, and its weights' size and time) and
    the recipe that made it."""
    weights = (model_dir / "model.safetensors").stat()
    text = f"{model_dir.resolve()}|{weights.st_size}|{weights.st_mtime_ns}|{RECIPE}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def graph_path(cache_dir: Path, model_dir: Path, backend: str) -> Path:
    """Where the graph for this model and backend is cached."""
    return cache_dir / f"{model_dir.name}-{fingerprint(model_dir)}-{backend}.onnx"


def file_sha256(path: Path) -> str:
    """The file's sha256, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def cached(path: Path) -> dict[str, Any] | None:
    """The sidecar of a cached graph whose bytes still match it, else None."""
    try:
        meta = json.loads(_sidecar(path).read_text())
        if isinstance(meta, dict) and meta.get("sha256") == file_sha256(path):
            return meta
    except (OSError, ValueError):
        pass
    return None


def load(model_dir: Path, cache_dir: Path, backend: str, reference: BertEncoder) -> OnnxBert:
    """The verified graph for ``backend``, built (and checked against ``reference``, the
    float NumPy pass) when it is missing, altered or unloadable."""
    if backend not in BACKENDS[:2]:
        raise ModelError(f"embed.backend must be one of {', '.join(BACKENDS)}, not '{backend}'")
    path = graph_path(cache_dir, model_dir, backend)
    if cached(path) is not None:
        try:
            return OnnxBert(model_dir, path)
        except Exception:  # noqa: BLE001 - a graph ONNX Runtime refuses is rebuilt below
            pass
    log.info("building the %s embedding graph in %s (once per model, about 10 s)", backend, cache_dir)
    build(model_dir, path, backend, reference)
    return OnnxBert(model_dir, path)


def build(model_dir: Path, path: Path, backend: str, reference: BertEncoder) -> dict[str, Any]:
    """Export, quantise (for onnx-int8), verify and cache the graph; returns its sidecar."""
    make_private_dir(path.parent)
    _sweep(path.parent)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".build-") as tmp:
        work = Path(tmp)
        made = work / "float.onnx"
        export(model_dir, made)
        if backend == "onnx-int8":
            config = model_config(model_dir)
            made = quantize(made, work / "int8.onnx", reference, config["hidden_size"],
                            config["intermediate_size"])
        mean, worst = agreement(OnnxBert(model_dir, made), reference)
        if mean < MIN_MEAN_COSINE or worst < MIN_COSINE:
            raise ModelError(
                f"the {backend} embedding graph does not agree with the float model (mean cosine "
                f"{mean:.3f}, lowest {worst:.3f}); set embed.backend to onnx or torch"
            )
        os.chmod(made, PRIVATE_FILE)
        os.replace(made, path)
    _drop_superseded(path, model_dir, backend)
    meta = {
        "backend": backend, "sha256": file_sha256(path), "model": str(model_dir),
        "cosine_mean": round(mean, 5), "cosine_min": round(worst, 5), "onnxruntime": _ort_version(),
        "build_s": round(time.monotonic() - started, 1),
    }
    side = _sidecar(path)
    fd = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=1)
    return meta


STALE_BUILD_S = 3600


def _sweep(cache_dir: Path) -> None:
    """Remove what a killed build left (an hour old: a build takes seconds, and one running
    beside this one must keep its folder)."""
    import shutil

    for leftover in cache_dir.glob(".build-*"):
        try:
            if time.time() - leftover.stat().st_mtime > STALE_BUILD_S:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


def _drop_superseded(path: Path, model_dir: Path, backend: str) -> None:
    """Remove this model's graphs for ``backend`` made by an earlier recipe or from earlier
    weights (70 MB each, never read again)."""
    for old in path.parent.glob(f"{model_dir.name}-*-{backend}.onnx"):
        if old != path:
            for stale in (old, _sidecar(old)):
                stale.unlink(missing_ok=True)


def agreement(candidate: BertEncoder, reference: BertEncoder) -> tuple[float, float]:
    """Mean and lowest cosine between the two encoders' vectors for SAMPLE."""
    got, want = candidate.encode(list(SAMPLE)), reference.encode(list(SAMPLE))
    cosines = (got * want).sum(axis=1)
    return float(cosines.mean()), float(cosines.min())


def onnx_runtime() -> Any:
    """onnxruntime with its telemetry off. The official wheels send usage events to Microsoft
    by default and keep a device id and a queue under ~/.cache/Microsoft: nothing of recall's
    leaves the machine, and nothing is kept outside RECALL_HOME."""
    from .embed import offline_env

    offline_env()  # (ORT_DISABLE_TELEMETRY must be set before onnxruntime loads)
    import onnxruntime as ort

    ort.disable_telemetry_events()
    return ort


def _ort_version() -> str:
    return str(onnx_runtime().__version__)


def model_config(model_dir: Path) -> dict[str, Any]:
    """The model's config.json."""
    return dict(json.loads((model_dir / "config.json").read_text()))


def export(model_dir: Path, target: Path) -> None:
    """The model's token states as an ONNX graph with dynamic batch and length."""
    from .embed import offline_env

    offline_env()
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(f"exporting the embedder to ONNX needs torch and transformers: {exc}") from None

    class TokenStates(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    try:
        # eager attention: the fused kernel's export guards fully masked rows with Where/IsNaN
        # nodes that took 5% of a run
        model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
        ids = torch.ones((2, 8), dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "states")}
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixes or keeps
            torch.onnx.export(TokenStates(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(target),
                              input_names=list(INPUTS), output_names=["states"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
    except ModelError:
        raise
    except Exception as exc:  # an exporter failure has many shapes; one line names it
        raise ModelError(f"cannot export {model_dir.name} to ONNX: {exc}") from None
