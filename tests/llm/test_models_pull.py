"""`recall models pull` against a Hugging Face hub on the loopback address (HF_ENDPOINT) that
serves the bundled GGUF: download, resume, checksum, no network, no disk space."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from recall_cli.config import load_config
from recall_cli.llm import pull as pull_module
from recall_cli.llm.model import bundled_gguf
from recall_cli.llm.pull import Entry, PullInterrupted

REPO, COMMIT = "recall-tests/SmolLM2-135M-Instruct-GGUF", "c0ffee" + "0" * 34


@lru_cache(maxsize=1)
def served() -> tuple[bytes, str]:
    data = bundled_gguf().read_bytes()
    return data, hashlib.sha256(data).hexdigest()


class Hub(http.server.ThreadingHTTPServer):
    """What hf_hub_download and huggingface_hub's downloader ask of the hub: HEAD and GET of
    /<repo>/resolve/<revision>/<file> with X-Repo-Commit, the LFS sha256 as ETag, Content-Length,
    and 206 answers to Range requests. ``mode``: ok | cut (the first GET stops half way, then the
    hub answers 503) | corrupt (one byte of the body differs from the advertised file)."""

    daemon_threads = True

    def __init__(self, file: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.file, self.mode = file, "ok"
        self.requests: list[tuple[str, str, str | None]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def gets(self) -> list[str | None]:
        return [rng for method, _, rng in self.requests if method == "GET"]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Hub

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        try:
            self.answer(body=True)
        except ConnectionError:  # the client went away (the Ctrl-C test): nothing to report
            self.close_connection = True

    def answer(self, body: bool) -> None:
        hub = self.server
        hub.requests.append((self.command, self.path, self.headers.get("Range")))
        if self.path != f"/{REPO}/resolve/main/{hub.file}":
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if body and hub.mode == "down":
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data, sha = served()
        if hub.mode == "corrupt":
            data = data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        start = int(match[1]) if match and body else 0
        self.send_response(206 if start else 200)
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", f'"{sha}"')
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if not body:
            return
        if hub.mode == "cut":  # the connection drops half way; later requests find the hub down
            self.wfile.write(data[start:len(data) // 2])
            hub.mode, self.close_connection = "down", True
            return
        self.wfile.write(data[start:])


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """The loopback hub, a catalogue entry for the bundled GGUF on it, and offline mode on (as
    `make test` sets HF_HUB_OFFLINE=1): pull must still reach the hub, for itself only."""
    from huggingface_hub import constants, file_download

    data, sha = served()
    entry = Entry("test-model", REPO, "SmolLM2-135M-Instruct.Q4_1.gguf", len(data), sha, "Apache-2.0", "135M")
    monkeypatch.setitem(pull_module.CATALOGUE, entry.name, entry)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    # huggingface_hub waits a second before retrying a dropped connection: not in tests
    monkeypatch.setattr(file_download.time, "sleep", lambda seconds: None)
    server = Hub(entry.file)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.shutdown()
    server.server_close()
    assert constants.HF_HUB_OFFLINE is True  # the rest of recall stays offline


def models(recall_home: Path) -> Path:
    return recall_home / "models"


def partial(recall_home: Path) -> Path:
    return models(recall_home) / ".partial" / "SmolLM2-135M-Instruct.Q4_1.gguf.part"


def one_line_error(err: str, *fragments: str) -> None:
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err


def test_pull_downloads_verifies_and_can_be_used(cli, hub, recall_home):
    # nothing is ever fetched unless asked: list, use and info stay local
    assert cli("models", "list")[0] == 0
    code, _, err = cli("models", "use", "test-model")
    assert code == 3 and "not downloaded yet: run `recall models pull test-model`" in err
    assert hub.requests == []

    code, out, err = cli("models", "pull", "test-model")
    assert code == 0, err
    dest = models(recall_home) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert out == (f"Downloaded test-model (135M Q4_1, Apache-2.0): {dest}\n"
                   "Use it with `recall models use test-model`.\n")
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == served()[1]
    assert dest.stat().st_mode & 0o077 == 0  # private, like everything in RECALL_HOME
    assert [m for m, _, _ in hub.requests] == ["HEAD", "GET"] and hub.gets() == [None]
    assert not partial(recall_home).exists()
    # the folder a user lists holds the model and nothing of the download's own (no lock file)
    assert list(partial(recall_home).parent.iterdir()) == []
    assert load_config(recall_home).get("llm.model") == ""  # pulling does not switch

    rows = json.loads(cli("models", "list", "--json")[1])
    assert [r["name"] for r in rows if r["role"] == "llm"] == ["bundled", "test-model"]
    code, out, err = cli("models", "pull", "test-model", "--use", "--json")  # already there: verified, kept
    assert code == 0, err
    assert len(hub.requests) == 2 and json.loads(out)["name"] == "test-model"
    assert load_config(recall_home).get("llm.model") == str(dest)
    assert json.loads(cli("models", "info", "--json")[1])["name"] == "test-model"


def test_an_interrupted_pull_is_kept_and_resumed(cli, hub, recall_home):
    hub.mode = "cut"
    code, out, err = cli("models", "pull", "test-model")
    kept = partial(recall_home).stat().st_size  # what arrived in whole chunks before the drop
    assert 0 < kept <= len(served()[0]) // 2
    assert hub.gets() == [None, f"bytes={kept}-"]  # huggingface_hub tried to resume at once: the hub was down
    assert code == 5 and out == ""
    one_line_error(err, f"download of test-model interrupted at {kept / 1e6:,.0f} of 98 MB",
                   "503", "run `recall models pull test-model` again to resume")
    assert not (models(recall_home) / "SmolLM2-135M-Instruct.Q4_1.gguf").exists()
    # the partial file is never a model
    code, _, err = cli("models", "use", "test-model")
    assert code == 3 and f"(a partial download of {kept / 1e6:,.0f} MB is kept)" in err
    code, _, err = cli("models", "use", str(partial(recall_home)))
    assert code == 5 and "an unfinished download cannot be used" in err
    assert "test-model" not in cli("models", "list")[1].split("to download")[0]
    assert load_config(recall_home).get("llm.model") == ""

    hub.mode = "ok"
    code, out, err = cli("models", "pull", "test-model", "--use")
    assert code == 0, err
    assert hub.gets()[-1] == f"bytes={kept}-"  # resumed, not started again
    dest = models(recall_home) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == served()[1]
    assert not partial(recall_home).exists()
    assert load_config(recall_home).get("llm.model") == str(dest)


def test_ctrl_c_keeps_the_partial_file(svc, hub, recall_home):
    reports = []

    def stop_after_some_bytes(phase: str, done: int, total: int) -> None:
        reports.append(done)
        if phase == "download" and len([d for d in reports if d > 0]) == 2:  # a chunk is on disk
            raise KeyboardInterrupt

    with pytest.raises(PullInterrupted) as exc:
        svc.pull_model("test-model", progress=stop_after_some_bytes)
    assert exc.value.exit_code == 130 and "run `recall models pull test-model` again to resume" in exc.value.message
    kept = partial(recall_home).stat().st_size
    assert 0 < kept < len(served()[0])
    svc.pull_model("test-model")
    assert hub.gets()[-1] == f"bytes={kept}-"
    assert (models(recall_home) / "SmolLM2-135M-Instruct.Q4_1.gguf").stat().st_size == len(served()[0])


def test_a_wrong_checksum_removes_the_download(cli, hub, recall_home):
    assert cli("models", "use", "bundled")[0] == 0
    hub.mode = "corrupt"
    code, out, err = cli("models", "pull", "test-model", "--use")
    assert code == 5 and out == ""
    one_line_error(err, "checksum mismatch for SmolLM2-135M-Instruct.Q4_1.gguf",
                   "the download was removed; run the pull again")
    assert not partial(recall_home).exists()
    assert list(partial(recall_home).parent.iterdir()) == []  # nothing of the failed download is left
    assert load_config(recall_home).get("llm.model") == ""


def test_a_hub_file_other_than_the_catalogued_one_is_not_downloaded(cli, hub, monkeypatch):
    entry = pull_module.CATALOGUE["test-model"]
    monkeypatch.setitem(pull_module.CATALOGUE, "test-model",
                        Entry(entry.name, entry.repo, entry.file, entry.size, "0" * 64, entry.licence, "135M"))
    code, _, err = cli("models", "pull", "test-model")
    assert code == 5
    one_line_error(err, "is not the catalogued file", "nothing was downloaded")
    assert hub.gets() == []


def test_no_network_fails_in_one_line(cli, hub, recall_home, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("HF_ENDPOINT", closed)
    code, out, err = cli("models", "pull", "test-model")
    assert code == 5 and out == ""
    one_line_error(err, f"cannot reach {closed}", "no network?", "Nothing was downloaded")
    assert not (models(recall_home) / "SmolLM2-135M-Instruct.Q4_1.gguf").exists()


def test_not_enough_disk_space_is_found_before_downloading(cli, hub, recall_home, monkeypatch):
    monkeypatch.setattr(pull_module, "free_bytes", lambda folder: 10_000_000)
    code, _, err = cli("models", "pull", "test-model")
    assert code == 5
    one_line_error(err, f"not enough disk space in {models(recall_home)}",
                   "SmolLM2-135M-Instruct.Q4_1.gguf needs 98 MB more, 10 MB free")
    assert hub.gets() == []


def test_a_file_missing_on_the_hub_and_an_unknown_name(cli, hub, monkeypatch):
    entry = pull_module.CATALOGUE["test-model"]
    monkeypatch.setitem(pull_module.CATALOGUE, "test-model",
                        Entry(entry.name, entry.repo, "other.gguf", entry.size, entry.sha256, entry.licence, "135M"))
    code, _, err = cli("models", "pull", "test-model")
    assert code == 5
    one_line_error(err, f"has no {REPO}/other.gguf (HTTP 404)")
    code, _, err = cli("models", "pull", "gpt-5")
    assert code == 3
    one_line_error(err, "no model called 'gpt-5' in the catalogue; choose one of: qwen2.5-1.5b")
