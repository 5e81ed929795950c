"""`recall models list/use/info` on fake Ollama, LM Studio and Hugging Face stores, and the
one-line refusals of bad models (the configured model stays as it was)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from types import SimpleNamespace

import pytest

from recall_cli.config import load_config
from recall_cli.llm.gguf import check_model, read_header
from recall_cli.llm.model import bundled_gguf
from tests.llm.gguf_writer import PARAMETERS, gguf_bytes, write_gguf

QWEN_HF = "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"
LMS = "lmstudio:lmstudio-community/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf"


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Empty stores in a fake home: nothing of the real machine's models is seen."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("HF_HOME", "XDG_CACHE_HOME", "HUGGINGFACE_HUB_CACHE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "ollama"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-hub"))
    return SimpleNamespace(home=home, ollama=tmp_path / "ollama", hf=tmp_path / "hf-hub",
                           lmstudio=home / ".lmstudio" / "models")


def link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)  # the real bundled model, without copying 98 MB
    except OSError:
        dst.symlink_to(src)


def ollama_model(root: Path, name: str, tag: str, *, data: bytes | None = None, source: Path | None = None,
                 namespace: str = "library", registry: str = "registry.ollama.ai", blob: bool = True) -> Path:
    """A manifest (model, template and params layers) and, unless ``blob`` is False, its model blob."""
    digest = hashlib.sha256(data if data is not None else name.encode()).hexdigest()
    layers = [{"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}", "size": 1},
              {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "1" * 64, "size": 9},
              {"mediaType": "application/vnd.ollama.image.params", "digest": "sha256:" + "2" * 64, "size": 9}]
    manifest = root / "manifests" / registry / namespace / name / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + "0" * 64},
                                    "layers": layers}))
    path = root / "blobs" / f"sha256-{digest}"
    if blob:
        if source is not None:
            link_or_copy(source, path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data or b"")
    return path


def hf_model(cache: Path, repo: str, file: str, data: bytes, *, revision: str = "a" * 40, main: bool = True) -> Path:
    """A hub-cache entry: the blob, and the snapshot's relative symlink to it."""
    folder = cache / ("models--" + repo.replace("/", "--"))
    blob = folder / "blobs" / hashlib.sha256(data).hexdigest()
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    snap = folder / "snapshots" / revision / file
    snap.parent.mkdir(parents=True, exist_ok=True)
    snap.symlink_to(os.path.relpath(blob, snap.parent))
    if main:
        (folder / "refs").mkdir(exist_ok=True)
        (folder / "refs" / "main").write_text(revision)
    return snap


@pytest.fixture
def machine(stores: SimpleNamespace, recall_home: Path) -> SimpleNamespace:
    """Models in every place recall looks, plus things it must pass over."""
    s = stores
    s.qwen_blob = ollama_model(s.ollama, "qwen2.5", "1.5b", data=gguf_bytes(size_label="1.5B"))
    s.smol_blob = ollama_model(s.ollama, "smollm2", "135m", source=bundled_gguf())
    ollama_model(s.ollama, "tiny", "latest", namespace="someone", data=gguf_bytes(arch="llama", size_label=None))
    s.hf_snap = hf_model(s.hf, "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf",
                         gguf_bytes(context=32768, name="Qwen2.5 1.5B Instruct"))
    hf_model(s.hf, "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf",
             gguf_bytes(context=4096), revision="b" * 40, main=False)  # an older snapshot: listed once
    hf_model(s.hf, "ggml-org/vision", "mmproj-model-f16.gguf", gguf_bytes(arch="clip"))  # a projector: skipped
    s.lms = write_gguf(s.lmstudio / "lmstudio-community" / "Llama-3.2-1B-Instruct-GGUF" /
                       "Llama-3.2-1B-Instruct-Q4_K_M.gguf", arch="llama", size_label="1B", context=131072)
    s.pulled = write_gguf(recall_home / "models" / "qwen2.5-3b-instruct-q4_k_m.gguf", size_label="3B")
    (recall_home / "models" / ".partial").mkdir()
    (recall_home / "models" / ".partial" / "Llama-3.2-3B-Instruct-Q4_K_M.gguf.part").write_bytes(b"GGUF")
    return s


def llm_rows(cli) -> dict[str, dict]:
    code, out, err = cli("models", "list", "--json")
    assert code == 0, err
    return {r["name"]: r for r in json.loads(out) if r["role"] == "llm"}


def test_list_shows_every_store_with_header_facts(cli, machine):
    rows = llm_rows(cli)
    assert list(rows) == ["bundled", "qwen2.5-3b", "ollama:qwen2.5:1.5b", "ollama:smollm2:135m",
                          "ollama:someone/tiny:latest", LMS, QWEN_HF]
    assert [n for n, r in rows.items() if r["active"]] == ["bundled"]
    qwen = rows["ollama:qwen2.5:1.5b"]
    assert qwen["path"] == str(machine.qwen_blob) and qwen["source"] == "ollama"
    assert (qwen["architecture"], qwen["size_label"], qwen["quantization"], qwen["trained_context"]) == \
        ("qwen2", "1.5B", "Q4_K_M", 32768)
    assert qwen["parameters"] == PARAMETERS and qwen["size_bytes"] == machine.qwen_blob.stat().st_size
    smol = rows["ollama:smollm2:135m"]  # the real bundled GGUF as an Ollama blob
    assert (smol["architecture"], smol["size_label"], smol["quantization"], smol["parameters"]) == \
        ("llama", "135M", "Q4_1", 134515008)
    assert rows["ollama:someone/tiny:latest"]["size_label"] == "2K"  # no size_label: counted from tensors
    hf = rows[QWEN_HF]
    assert hf["source"] == "hf" and hf["path"] == str(machine.hf_snap) and hf["trained_context"] == 32768
    assert rows[LMS]["trained_context"] == 131072 and rows["qwen2.5-3b"]["source"] == "recall"
    assert all(r["problem"] == "" for r in rows.values())
    everything = json.loads(cli("models", "list", "--json")[1])
    assert [r["name"] for r in everything if r["role"] == "catalogue"] == \
        ["qwen2.5-1.5b", "llama3.2-1b", "llama3.2-3b", "smollm2-1.7b"]  # qwen2.5-3b is downloaded


def test_list_prints_names_use_accepts(cli, machine):
    code, out, _ = cli("models", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "CONTEXT", "SIZE", "PATH"]
    assert lines[1].split()[:7] == ["*", "bundled", "bundled", "llama", "135M", "Q4_1", "8192"]
    qwen = next(ln for ln in lines if "ollama:qwen2.5:1.5b" in ln).split()
    assert qwen[:6] == ["ollama:qwen2.5:1.5b", "ollama", "qwen2", "1.5B", "Q4_K_M", "32768"]
    assert "to download (`recall models pull NAME`): qwen2.5-1.5b (1.5B, 1.1 GB)" in out
    assert "qwen2.5-3b (" not in out.split("to download")[1]  # already in RECALL_HOME/models


def test_use_each_kind_of_name_and_info_reports_it(cli, machine, recall_home):
    for name, path in [("ollama:qwen2.5:1.5b", machine.qwen_blob), (QWEN_HF, machine.hf_snap),
                       (LMS, machine.lms), ("qwen2.5-3b", machine.pulled),
                       ("ollama:registry.ollama.ai/library/qwen2.5:1.5b", machine.qwen_blob)]:
        code, out, err = cli("models", "use", name)
        assert code == 0, err
        assert load_config(recall_home).get("llm.model") == str(path)
        data = json.loads(cli("models", "info", "--json")[1])
        assert data["path"] == str(path) and data["bundled"] is False
        assert data["name"] == (name if not name.startswith("ollama:registry") else "ollama:qwen2.5:1.5b")
        assert data["parameters"] == PARAMETERS and data["trained_context"] > 0 and data["quantization"]
        assert [n for n, r in llm_rows(cli).items() if r["active"]] == [data["name"]]
    assert cli("models", "use", "ollama:someone/tiny")[0] == 0  # no tag: latest, as ollama does
    code, out, _ = cli("models", "use", "ollama:smollm2:135m")
    assert code == 0 and out.startswith("Using ollama:smollm2:135m (135M, Q4_1, 98 MB): ")
    assert cli("models", "use", "bundled")[0] == 0 and load_config(recall_home).get("llm.model") == ""
    assert json.loads(cli("models", "info", "--json")[1])["name"] == "bundled"


def configured(recall_home: Path) -> str:
    return load_config(recall_home).get("llm.model")


@pytest.fixture
def in_use(cli, machine, recall_home) -> str:
    """A valid model is configured first, so "unchanged" means something."""
    assert cli("models", "use", "ollama:qwen2.5:1.5b")[0] == 0
    return configured(recall_home)


def refused(cli, recall_home: Path, before: str, name: str, code: int, message: str) -> None:
    got, out, err = cli("models", "use", name)
    assert (got, out) == (code, "")
    assert err.count("\n") == 1 and err.startswith("Error: ") and message in err, err
    assert configured(recall_home) == before


def test_bad_models_are_refused_in_one_line_and_change_nothing(cli, machine, recall_home, in_use, tmp_path):
    text = tmp_path / "notes.gguf"
    text.write_text("just some notes\n")
    refused(cli, recall_home, in_use, str(text), 5, f"not a GGUF model file (bad header): {text}")

    good = gguf_bytes()
    cut_header = tmp_path / "cut-header.gguf"
    cut_header.write_bytes(good[:60])
    refused(cli, recall_home, in_use, str(cut_header), 5, f"truncated GGUF header: {cut_header}")

    cut_data = tmp_path / "cut-data.gguf"
    cut_data.write_bytes(good[:-200])  # the header is whole, the tensor data is not: an unfinished download
    refused(cli, recall_home, in_use, str(cut_data), 5, "truncated GGUF file (1,432 of 1,632 bytes")

    alien = write_gguf(tmp_path / "alien.gguf", arch="frobnicator")
    refused(cli, recall_home, in_use, str(alien), 5, "unknown model architecture 'frobnicator'")
    encoder = write_gguf(tmp_path / "bert.gguf", arch="bert")
    refused(cli, recall_home, in_use, str(encoder), 5, "'bert' models cannot write answers")

    refused(cli, recall_home, in_use, str(tmp_path / "gone.gguf"), 5, "model file not found")
    refused(cli, recall_home, in_use, str(tmp_path), 5, "is a directory, not a GGUF file")
    refused(cli, recall_home, in_use, "no-such-model", 3, "unknown model 'no-such-model'")
    refused(cli, recall_home, in_use, "ollama:mistral:7b", 3, "no Ollama model ollama:mistral:7b")
    refused(cli, recall_home, in_use, "ollama:../../etc:passwd", 3, "not an Ollama model name")
    refused(cli, recall_home, in_use, "hf:Qwen/Other-GGUF/x.gguf", 3, "is not in the Hugging Face cache")
    refused(cli, recall_home, in_use, "lmstudio:a/b/c.gguf", 3, "is not in LM Studio's models folder")
    refused(cli, recall_home, in_use, "llama3.2-3b", 3,
            "'llama3.2-3b' is not downloaded yet (a partial download of 0 MB is kept)")
    partial = recall_home / "models" / ".partial" / "Llama-3.2-3B-Instruct-Q4_K_M.gguf.part"
    refused(cli, recall_home, in_use, str(partial), 5, "an unfinished download cannot be used")


def test_an_ollama_manifest_without_its_blob(cli, machine, recall_home, in_use):
    gone = ollama_model(machine.ollama, "phi3", "mini", data=gguf_bytes(arch="phi3"), blob=False)
    refused(cli, recall_home, in_use, "ollama:phi3:mini",
            5, f"Ollama model phi3:mini: its manifest names blob {gone.name}, which is missing from")
    row = llm_rows(cli)["ollama:phi3:mini"]
    assert row["problem"] == "blob missing" and not row["active"]


def test_a_manifest_cannot_point_outside_the_blob_store(cli, machine, recall_home, in_use):
    manifest = machine.ollama / "manifests" / "registry.ollama.ai" / "library" / "evil" / "latest"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                                "digest": "sha256:../../../../etc/passwd"}]}))
    refused(cli, recall_home, in_use, "ollama:evil", 5, "Ollama manifest names a malformed digest")
    assert "malformed digest" in llm_rows(cli)["ollama:evil:latest"]["problem"]
    manifest.write_text("{not json")
    refused(cli, recall_home, in_use, "ollama:evil", 5, "Ollama manifest is not JSON")


def test_a_broken_file_in_a_store_is_listed_with_its_problem(cli, machine):
    (machine.lmstudio / "x" / "y").mkdir(parents=True)
    (machine.lmstudio / "x" / "y" / "broken.gguf").write_bytes(b"GGUF\x03\x00\x00\x00")
    row = llm_rows(cli)["lmstudio:x/y/broken.gguf"]
    assert row["problem"] == "truncated GGUF header" and not row["active"]


@pytest.mark.parametrize("patch, message", [
    (lambda b: b[:24] + struct.pack("<Q", 1 << 60) + b[32:], "truncated GGUF header"),  # a key of 2^60 bytes
    (lambda b: b[:16] + struct.pack("<Q", 1 << 40) + b[24:], "corrupt GGUF header"),  # 2^40 keys
    (lambda b: b[:8] + struct.pack("<Q", 1 << 40) + b[16:], "corrupt GGUF header"),  # 2^40 tensors
    (lambda b: b[:4] + struct.pack("<I", 1) + b[8:], "unsupported GGUF version 1"),
])
def test_hostile_headers_fail_fast_without_allocating(tmp_path, patch, message):
    bad = tmp_path / "hostile.gguf"
    bad.write_bytes(patch(gguf_bytes()))
    with pytest.raises(Exception) as exc:
        read_header(bad)
    assert message in str(exc.value)


def test_a_huge_declared_array_is_refused(tmp_path):
    good = gguf_bytes()
    at = good.index(b"tokenizer.ggml.tokens") + len(b"tokenizer.ggml.tokens") + 8  # after the type and item type
    bad = tmp_path / "array.gguf"
    bad.write_bytes(good[:at] + struct.pack("<Q", 1 << 50) + good[at + 8:])
    with pytest.raises(Exception, match="corrupt GGUF header \\(an array of"):
        read_header(bad)


def test_header_of_the_bundled_model_is_complete():
    header = check_model(bundled_gguf())
    assert header.architecture == "llama" and header.parameters == 134515008
    assert header.data_end() == header.file_size and header.arrays["tokenizer.ggml.tokens"] == (8, 49152)
