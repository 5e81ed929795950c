"""The ONNX Runtime embedder, for real: exported from the bundled model, checked, cached."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path

import numpy as np
import pytest

from recall_cli.config import load_config
from recall_cli.errors import ModelError
from recall_cli.search import graph
from recall_cli.search.bert import NumpyBert
from recall_cli.search.embed import SentenceTransformerEmbedder, bundled_model_path
from recall_cli.service import Recall
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

CORPUS = [
    "Maya's birthday is 3 May; she wants a film camera",
    "The spare key to the shed is under the blue pot",
    "Booked the flight to Kyoto for 14 October, back on the 21st",
    "git push --force-with-lease origin feature/sync",
    "The router's admin password was reset to the one on the sticker",
    "Dentist appointment moved to Thursday at 9:30",
    "Sam asked me to water the basil and the tomatoes on the balcony",
    "Renewed the passport at the consulate; valid until 2034",
    "kubectl rollout restart deployment/api -n staging",
    "Finished reading Piranesi by Susanna Clarke; loved the house of statues",
    "The car was serviced at the garage on Elm Street: new brake pads",
    "Melanie painted a sunrise over the lake with her kids last Saturday",
] + [f"filler note {i} about nothing in particular, errands and groceries" for i in range(60)]
QUERIES = {
    "when is Maya's birthday": 0, "where is the shed key": 1, "when do I fly to Japan": 2,
    "who waters the plants": 6, "which book did I finish": 9, "when was the car serviced": 10,
}


@pytest.fixture(scope="module")
def reference() -> NumpyBert:
    return NumpyBert(bundled_model_path())


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("graphs")


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_the_onnx_embedder_ranks_a_fixed_corpus_as_the_float_model_does(backend, reference, shared_cache):
    encoder = graph.load(bundled_model_path(), shared_cache, backend, reference)
    docs, exact = encoder.encode(CORPUS), reference.encode(CORPUS)
    queries = reference.encode(list(QUERIES))  # queries run on the NumPy pass, as in search
    for row, (question, want) in enumerate(QUERIES.items()):
        ours = list(np.argsort(-(docs @ queries[row]))[:3])
        theirs = list(np.argsort(-(exact @ queries[row]))[:3])
        assert ours[0] == theirs[0] == want, question
        assert len(set(ours) & set(theirs)) >= 2, question  # the fillers tie among themselves
    cosines = (docs * exact).sum(axis=1)
    assert cosines.mean() >= graph.MIN_MEAN_COSINE
    if backend == "onnx":
        assert np.abs(docs - exact).max() < 1e-4  # the float graph is the same computation
    else:
        assert np.abs(docs - exact).max() > 1e-4  # really int8


def test_a_corrupted_cached_graph_is_refused_and_rebuilt(reference, shared_cache, tmp_path, caplog):
    graph.load(bundled_model_path(), shared_cache, "onnx-int8", reference)
    built = graph.graph_path(shared_cache, bundled_model_path(), "onnx-int8")
    path = graph.graph_path(tmp_path, bundled_model_path(), "onnx-int8")
    shutil.copy(built, path)
    shutil.copy(built.with_suffix(".json"), path.with_suffix(".json"))
    good = path.read_bytes()
    with path.open("r+b") as fh:  # flip bytes inside the weights
        fh.seek(len(good) // 2)
        fh.write(bytes(b ^ 0xFF for b in good[len(good) // 2 : len(good) // 2 + 64]))
    assert graph.cached(path) is None

    with caplog.at_level("INFO", logger="recall_cli.search.graph"):
        encoder = graph.load(bundled_model_path(), tmp_path, "onnx-int8", reference)
    assert "building the onnx-int8 embedding graph" in caplog.text
    assert graph.cached(path) is not None  # rebuilt, and its sidecar matches again
    vectors = encoder.encode(CORPUS[:3])
    assert (vectors * reference.encode(CORPUS[:3])).sum(axis=1).min() > 0.97


def test_a_truncated_graph_is_rebuilt_rather_than_loaded(reference, shared_cache, tmp_path):
    graph.load(bundled_model_path(), shared_cache, "onnx-int8", reference)
    built = graph.graph_path(shared_cache, bundled_model_path(), "onnx-int8")
    path = graph.graph_path(tmp_path, bundled_model_path(), "onnx-int8")
    path.write_bytes(built.read_bytes()[:1000])
    meta = json.loads(built.with_suffix(".json").read_text())
    meta["sha256"] = graph.file_sha256(path)  # even a sidecar that matches the broken bytes
    path.with_suffix(".json").write_text(json.dumps(meta))
    graph.load(bundled_model_path(), tmp_path, "onnx-int8", reference)
    assert path.stat().st_size == built.stat().st_size


def test_a_graph_an_earlier_recipe_made_is_rebuilt_and_its_file_removed(reference, shared_cache, tmp_path,
                                                                          monkeypatch):
    graph.load(bundled_model_path(), shared_cache, "onnx-int8", reference)
    built = graph.graph_path(shared_cache, bundled_model_path(), "onnx-int8")
    old = graph.graph_path(tmp_path, bundled_model_path(), "onnx-int8")
    shutil.copy(built, old)
    shutil.copy(built.with_suffix(".json"), old.with_suffix(".json"))
    monkeypatch.setattr(graph, "RECIPE", graph.RECIPE + 1)  # a later version makes graphs differently
    new = graph.graph_path(tmp_path, bundled_model_path(), "onnx-int8")
    assert new != old
    graph.load(bundled_model_path(), tmp_path, "onnx-int8", reference)
    assert graph.cached(new) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, new.with_suffix(".json").name])


class _Unrelated:
    """A 'float model' that disagrees with everything: the check must refuse the graph."""

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        rng = np.random.default_rng(0)
        out = rng.normal(size=(len(texts), 384)).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_a_graph_that_disagrees_with_the_float_model_is_not_cached(tmp_path):
    killed = tmp_path / ".build-killed"  # what an import killed mid-build an hour ago left
    killed.mkdir()
    (killed / "float.onnx").write_bytes(b"x" * 1000)
    os.utime(killed, (time.time() - 7200, time.time() - 7200))
    with pytest.raises(ModelError, match="does not agree with the float model"):
        graph.build(bundled_model_path(), graph.graph_path(tmp_path, bundled_model_path(), "onnx"),
                    "onnx", _Unrelated())  # type: ignore[arg-type]
    assert not list(tmp_path.glob("*.onnx")) and not list(tmp_path.glob(".build-*"))


def test_an_import_builds_a_private_int8_graph_under_recall_home_and_finds_the_note(recall_home, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("\n\n".join(f"# Note {i}\n\n{text}" for i, text in enumerate(CORPUS)) + "\n")
    svc = Recall(load_config(recall_home))
    try:
        svc.import_any(notes, "markdown")
        hits = svc.search("where is the shed key", limit=3).hits
        assert "blue pot" in hits[0].text
    finally:
        svc.close()
    cache = recall_home / "models" / "embed"
    graphs = list(cache.glob("*-onnx-int8.onnx"))
    assert len(graphs) == 1 and graph.cached(graphs[0]) is not None
    for path in (recall_home / "models", cache, graphs[0], graphs[0].with_suffix(".json")):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    _code, out, _err = run_cli("doctor")
    assert "bulk batches: onnx-int8 (cached graph, mean cosine 0.99" in out


def test_doctor_says_the_graph_is_built_on_the_first_bulk_batch(recall_home):
    _code, out, _err = run_cli("doctor")
    assert "bulk batches: onnx-int8 (its graph is built on the first bulk batch)" in out


def test_the_torch_backend_never_builds_a_graph(recall_home):
    config = load_config(recall_home)
    config.set("embed.backend", "torch")
    embedder = SentenceTransformerEmbedder.from_config(config)
    embedder.embed(CORPUS + CORPUS[:20])  # a bulk batch
    assert embedder._model is not None and not (recall_home / "models" / "embed").exists()


def test_batches_hold_many_short_texts_or_a_few_long_ones(reference):
    encoder = graph.OnnxBert.__new__(graph.OnnxBert)  # only the batching: no session needed
    encoder.max_length, encoder.token_budget = 256, 1024
    texts = ["ls"] * 300 + ["word " * 300] * 10
    batches = list(encoder._batches(texts, 32))
    assert sorted(i for batch in batches for i in batch) == list(range(310))
    assert len(batches[0]) > 32  # short commands: more than a fixed batch would take
    long = [b for b in batches if b[0] >= 300]
    assert all(len(b) <= 1024 // 256 for b in long)  # full windows: four a batch


def test_an_unknown_backend_is_a_one_line_error_and_changes_nothing(recall_home):
    code, _out, err = run_cli("config", "set", "embed.backend", "fast")
    assert code != 0
    assert err.strip().count("\n") == 0 and "onnx-int8, onnx, torch" in err
    code, out, _err = run_cli("config", "get", "embed.backend")
    assert code == 0 and out.strip() == "onnx-int8"


def test_onnx_runtime_loads_with_its_telemetry_off_and_keeps_nothing_in_the_users_home(tmp_path):
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"} | {"HOME": str(home)}
    code = "from recall_cli.search.graph import onnx_runtime; ort = onnx_runtime(); print(ort.__version__)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip()
    # the official wheels keep a device id and an event queue under ~/.cache/Microsoft when on
    assert [p for p in home.rglob("*") if p.is_file()] == []
