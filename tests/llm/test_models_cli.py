import json
import os

import pytest

from recall_cli.config import load_config
from recall_cli.llm.gguf import read_header
from recall_cli.llm.model import bundled_gguf


@pytest.fixture(autouse=True)
def no_model_stores(tmp_path, monkeypatch):
    """The machine's own Ollama, LM Studio and Hugging Face models stay out of these tests."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "no-ollama"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf"))


def test_models_list_marks_the_bundled_llm_active(cli):
    code, out, err = cli("models", "list", "--json")
    assert code == 0, err
    llms = [r for r in json.loads(out) if r["role"] == "llm"]
    assert llms[0]["path"] == str(bundled_gguf()) and llms[0]["active"]
    assert (llms[0]["name"], llms[0]["source"], llms[0]["size_label"]) == ("bundled", "bundled", "135M")


def test_models_use_checks_the_file_then_switches_and_back(cli, recall_home, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00")  # a header cut short
    code, _, err = cli("models", "use", str(bad))
    assert code == 5 and err == f"Error: truncated GGUF header: {bad}\n"
    missing = tmp_path / "missing.gguf"
    assert cli("models", "use", str(missing))[2] == f"Error: model file not found: {missing}\n"
    assert load_config(recall_home).get("llm.model") == ""  # nothing saved

    copy = tmp_path / "copy.gguf"
    os.link(bundled_gguf(), copy)  # another file with the same bytes
    code, out, err = cli("models", "use", str(copy))
    assert code == 0, err
    assert out == f"Using {copy} (135M, Q4_1, 98 MB): {copy}\n"
    assert load_config(recall_home).get("llm.model") == str(copy.resolve())
    rows = [r for r in json.loads(cli("models", "list", "--json")[1]) if r["role"] == "llm"]
    assert [(r["name"], r["source"], r["active"]) for r in rows] == [("bundled", "bundled", False),
                                                                     (str(copy), "configured", True)]
    assert cli("models", "use", "bundled")[0] == 0
    assert load_config(recall_home).get("llm.model") == ""


def test_models_info_reads_the_header_without_loading(cli):
    code, out, err = cli("models", "info", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["architecture"] == "llama" and data["quantization"] == "Q4_1" and data["bundled"] is True
    assert data["name"] == "bundled" and data["path"] == str(bundled_gguf())
    assert data["parameters"] == 134515008 and data["size_label"] == "135M"
    assert data["chat_format"] == "chatml" and data["trained_context"] >= 2048
    assert data["context"] == 4096 and data["prompt_cache"] is True


def test_models_info_counts_structured_output_failures(cli, svc):
    from recall_cli.llm.structured import FailureLog

    FailureLog(svc.config.home, svc.store).record("extract", "empty output", "")
    data = json.loads(cli("models", "info", "--json")[1])
    assert data["structured_output_failures"] == {"extract": 1}


def test_models_info_says_which_jobs_the_bundled_model_is_left_out_of(cli):
    data = json.loads(cli("models", "info", "--json")[1])
    assert data["answers"] == "the evidence's own words (ask.model_answers)"
    assert data["memories"] == "zero-LLM summaries and shell procedures (consolidate.model_proposes)"
    assert cli("config", "set", "consolidate.model_proposes", "always")[0] == 0
    assert "memories: the model, checked, and zero-LLM summaries\n" in cli("models", "info")[1]


def test_models_info_with_a_missing_configured_model(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("RECALL_LLM_MODEL", str(tmp_path / "gone.gguf"))
    code, _, err = cli("models", "info")
    assert code == 5 and err.startswith(f"Error: the configured model file is gone: {tmp_path / 'gone.gguf'}; ")
    assert "`recall models use bundled`" in err and len(err.splitlines()) == 1


def test_gguf_metadata_of_the_bundled_model():
    header = read_header(bundled_gguf(), tensors=False)
    assert header.architecture == "llama" and header.version >= 2
    assert header.metadata["general.size_label"] == "135M"


def test_config_set_llm_model_checks_the_file_as_models_use_does(cli, recall_home, tmp_path):
    missing = tmp_path / "missing.gguf"
    assert cli("config", "set", "llm.model", str(missing)) == (5, "", f"Error: model file not found: {missing}\n")
    text = tmp_path / "notes.gguf"
    text.write_text("not a model\n")
    assert cli("config", "set", "llm.model", str(text)) == (
        5, "", f"Error: not a GGUF model file (bad header): {text}\n")
    assert load_config(recall_home).get("llm.model") == ""  # nothing saved
    copy = tmp_path / "copy.gguf"
    os.link(bundled_gguf(), copy)
    assert cli("config", "set", "llm.model", str(copy)) == (0, f'llm.model = "{copy.resolve()}"\n', "")
    assert cli("config", "set", "llm.model", "") == (0, 'llm.model = ""\n', "")


def test_ask_answers_from_the_evidence_when_the_configured_model_cannot_load_and_says_so_once(
        cli, monkeypatch, tmp_path):
    gone = tmp_path / "gone.gguf"
    monkeypatch.setenv("RECALL_LLM_MODEL", str(gone))
    cli("add", "the spare key is under the blue pot", "--time", "2023-01-01")
    code, out, err = cli("chat", input="where is the spare key?\nwhat is under the blue pot?\n")
    assert code == 0
    assert out.count("the spare key is under the blue pot [1]\n") == 2
    assert err == (f"recall: the model could not load, so the evidence answers: the configured model file is gone: "
                   f"{gone}; `recall models use bundled` goes back to the bundled model (`recall models list` shows "
                   "the others here)\n")
    assert json.loads(cli("ask", "--json", "where is the spare key?")[1])["method"] == "evidence"


def test_ask_that_needs_the_model_says_why_it_cannot_load(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("RECALL_LLM_MODEL", str(tmp_path / "gone.gguf"))
    monkeypatch.setenv("RECALL_ASK_MODEL_ANSWERS", "always")
    cli("add", "the spare key is under the blue pot", "--time", "2023-01-01")
    code, out, err = cli("ask", "where is the spare key?")
    assert (code, out) == (5, "") and err.startswith("Error: the configured model file is gone: ")


@pytest.mark.parametrize(("cpus", "load", "threads"), [(2, 0.3, 2), (2, 3.2, 1), (8, 1.5, 7), (4, 9.0, 1)])
def test_the_llm_uses_the_cores_that_are_not_already_busy(monkeypatch, cpus, load, threads):
    from recall_cli.llm import model

    monkeypatch.setattr(model.os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(model.os, "getloadavg", lambda: (load, load, load))
    assert model.idle_cores() == threads
    assert model.LlamaLLM(bundled_gguf()).threads == threads
    assert model.LlamaLLM(bundled_gguf(), threads=3).threads == 3  # llm.threads, when set, is kept


def test_a_configured_model_cut_short_after_use_is_named_by_models_info_doctor_and_ask(cli, tmp_path):
    from tests.llm.gguf_writer import gguf_bytes

    model = tmp_path / "my.gguf"
    whole = gguf_bytes(size_label="135M")
    model.write_bytes(whole)
    assert cli("models", "use", str(model))[0] == 0
    cli("add", "Dentist appointment on Thursday at 8:30", "--time", "2026-12-06")
    model.write_bytes(whole[:-200])  # a disk that filled up, a copy interrupted
    cut = "truncated GGUF file (1,432 of 1,632 bytes; an unfinished download or copy?)"
    code, out, err = cli("models", "info")
    assert out.startswith(f"name: {model}\npath: {model}\nproblem: {cut}\nsize_bytes: 1432\n")
    assert (code, err) == (5, f"Error: the configured model cannot be used: {cut}: {model}\n")
    code, out, _ = cli("models", "info", "--json")
    assert code == 5 and json.loads(out)["problem"] == cut
    code, out, _ = cli("doctor")
    assert code == 1 and f"[FAIL] llm: {cut}: {model}\n" in out
    code, out, err = cli("ask", "when is the dentist?")
    assert code == 0 and "8:30" in out
    assert err == f"recall: the model could not load, so the evidence answers: {cut}: {model}\n"
