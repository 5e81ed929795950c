"""Secrets never reach RECALL_HOME, whatever the path they come in by: `recall add`, `recall
import` (Markdown, JSONL, a ChatGPT export), the shell hook, `recall watch`, screen titles and
OCR, and MCP `remember`. Afterwards no byte of any fake credential is in any file under
RECALL_HOME (database, WAL, spool, quarantine, logs, index; a numeric code counts where it
stands alone, not inside a timestamp), and the redactions are counted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from recall_cli.capture import record
from recall_cli.capture.screen import ScreenWatcher, WindowInfo
from recall_cli.config import load_config
from recall_cli.service import Recall
from tests.capture.test_secrets import CORPUS
from tests.fakes import FakeEmbedder

T0 = 1_790_000_000.0


def texts(offset: int = 0) -> list[str]:
    """The corpus as notes, each made unique so no path is deduplicated away."""
    return [f"{command} (entry {i + offset})" for i, (command, _secret) in enumerate(CORPUS)]


def _leaked(secret: str, data: bytes) -> bool:
    if secret.isdigit():  # a short code must stand alone: "01:51:43.482193" is a timestamp, not the alarm code
        return re.search(rb"(?<![\w.])" + re.escape(secret.encode()) + rb"(?![\w])", data) is not None
    return secret.encode() in data


def leaks(home: Path) -> dict[str, list[str]]:
    """Fake secrets found in the raw bytes of any file under ``home``, by file."""
    found: dict[str, list[str]] = {}
    for path in home.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            hits = [secret for _command, secret in CORPUS if _leaked(secret, data)]
            if hits:
                found[str(path.relative_to(home))] = hits
    return found


def test_recall_add_redacts_every_secret(cli, recall_home):
    for text in texts():
        code, _out, err = cli("add", text)
        assert code == 0, err
    code, out, _err = cli("stats", "--json")
    assert json.loads(out)["redacted"] == len(CORPUS)
    assert leaks(recall_home) == {}


def test_recall_import_redacts_markdown_jsonl_and_chat_exports(cli, recall_home, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n" + "\n\n".join(texts(0)) + "\n", encoding="utf-8")
    lines = tmp_path / "log.jsonl"
    lines.write_text("".join(json.dumps({"text": t, "time": T0 + i}) + "\n" for i, t in enumerate(texts(1000))),
                     encoding="utf-8")
    mapping: dict[str, dict] = {"root": {"id": "root", "message": None, "parent": None, "children": ["m0"]}}
    chat = texts(2000)
    for i, text in enumerate(chat):
        mapping[f"m{i}"] = {
            "id": f"m{i}", "parent": "root" if i == 0 else f"m{i - 1}",
            "children": [f"m{i + 1}"] if i + 1 < len(chat) else [],
            "message": {"id": f"m{i}", "author": {"role": "user" if i % 2 == 0 else "assistant"},
                        "create_time": T0 + i, "content": {"content_type": "text", "parts": [text]}},
        }
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps([{"title": "keys", "create_time": T0, "mapping": mapping}]), encoding="utf-8")
    for path, fmt in ((notes, "markdown"), (lines, "jsonl"), (export, "chatgpt")):
        code, out, err = cli("import", str(path), "--format", fmt, "--json")
        assert code == 0, err
        assert json.loads(out)["inserted"] >= len(CORPUS) // 2, (fmt, out)
    assert leaks(recall_home) == {}
    # imported again: nothing new is stored, so nothing new had secrets replaced
    again = cli("import", str(lines), "--format", "jsonl")[1]
    assert again == f"Imported 0 events from {lines} (jsonl); {len(CORPUS)} already known.\n"


def test_the_shell_hook_and_recall_watch_redact(cli, recall_home, tmp_path):
    for i, (command, _secret) in enumerate(CORPUS):
        args = record.Args()
        args.command, args.shell, args.status, args.cwd = command, "bash", 0, "/home/me/src"
        args.start, args.end, args.session = T0 + i, T0 + i + 0.5, "corpus"
        assert record.record(args) is not None
    notes = tmp_path / "watched"
    notes.mkdir()
    (notes / "secrets.md").write_text("\n\n".join(texts(3000)) + "\n", encoding="utf-8")
    code, _out, err = cli("watch", "--once", str(notes))
    assert code == 0, err
    code, _out, err = cli("ingest")
    assert code == 0, err
    assert leaks(recall_home) == {}


class Windows:
    """A window source that shows one window after another."""

    name = "scripted"

    def __init__(self) -> None:
        self.window: WindowInfo | None = None

    def current(self) -> WindowInfo | None:
        return self.window

    def describe(self) -> str:
        return "scripted"

    def close(self) -> None:
        pass


def test_screen_titles_and_ocr_text_are_redacted(svc, recall_home):
    source, clock = Windows(), [T0]
    shown = texts(4000)
    ocr_text = {f"w{i}": text for i, text in enumerate(shown)}
    watcher = ScreenWatcher(source, home=recall_home, clock=lambda: clock[0], min_seconds=1, poll_seconds=1,
                            ocr=lambda window: ocr_text.get(window.window or ""), ocr_interval=0)
    for i, (command, _secret) in enumerate(CORPUS):
        source.window = WindowInfo(app="terminal", title=command[:200], platform="test", window=f"w{i}")
        watcher.poll_once()
        clock[0] += 10
        watcher.poll_once()
    source.window = None
    watcher.poll_once()
    watcher.flush()
    report = svc.ingest_spool()
    assert report.inserted >= len(CORPUS)
    assert leaks(recall_home) == {}


@pytest.mark.anyio
async def test_mcp_remember_redacts(recall_home):
    from recall_cli.mcp.server import build_server
    from tests.mcp.helpers import call, connect

    config = load_config(recall_home)
    server = build_server(lambda: Recall(config, embedder=FakeEmbedder()))
    try:
        async with connect(server) as client:
            for text in texts(5000):
                out = await call(client, "remember", text=text, kind="semantic")
                assert out["redacted"], text
    finally:
        server.backend.close()
    assert leaks(recall_home) == {}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_memory_texts_are_redacted_when_made_or_edited(svc, cli, recall_home):
    shown = texts(6000)
    for text in shown[: len(shown) // 2]:
        svc.memories.add("semantic", text)
    svc.close()
    first = svc.list_memories()[-1].memory.id
    for text in shown[len(shown) // 2:]:
        code, _out, err = cli("edit", f"m{first}", "--text", text)
        assert code == 0, err
    svc.close()
    assert leaks(recall_home) == {}
