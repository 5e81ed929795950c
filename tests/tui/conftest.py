"""A real store (SQLite in a temp RECALL_HOME, fake embedder) with a few days of life in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recall_cli.config import load_config
from recall_cli.memory.episode import assign_episodes
from recall_cli.service import Recall
from recall_cli.tui.answer import Answer, Citation
from recall_cli.tui.app import build_app
from tests.fakes import ScriptedLLM, extraction_llm

pytest.importorskip("textual")

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0
DAY = 86400.0


def at(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC).timestamp()


def populate(svc) -> dict[str, int]:
    """Events of three days, grouped into episodes, and a few memories; returns named ids."""
    ids: dict[str, int] = {}

    def add(name: str, text: str, ts: float, **kw) -> None:
        ids[name] = svc.add(text, ts=ts, **kw).id

    add("pull", "git pull --rebase", at(22, 9, 0), source="shell", kind="command", session="tty1",
        meta={"cwd": "~/src/blog", "exit": 0})
    add("deploy", "make deploy", at(22, 9, 5), source="shell", kind="command", session="tty1",
        meta={"cwd": "~/src/blog", "exit": 0})
    add("hugo", "hugo --minify", at(22, 9, 7), source="shell", kind="command", session="tty1",
        meta={"cwd": "~/src/blog", "exit": 1})
    add("dentist", "Dentist appointment moved to Thursday 3pm", at(22, 10, 30))
    add("q", "How do I rotate the nginx logs every day?", at(22, 11, 0), source="chat", kind="message",
        actor="user", session="c1")
    add("a", "Use logrotate with a daily rule in /etc/logrotate.d/nginx", at(22, 11, 1), source="chat",
        kind="message", actor="assistant", session="c1")
    add("birthday", "Maria's birthday is on March 3rd", at(21, 18, 0))
    add("todo", "Buy oat milk and coffee beans", at(21, 8, 15), source="file", kind="paragraph",
        meta={"path": "~/notes/todo.md"})
    add("wal", "Reading: SQLite WAL mode documentation", at(20, 14, 0), source="screen", kind="focus",
        meta={"app": "firefox"})
    add("tabs", "Prefers tabs over spaces in Go code", at(20, 16, 0), source="mcp", kind="note")
    assign_episodes(svc.store)
    book = svc.memories
    ids["m_birthday"] = book.add("semantic", "Maria's birthday is March 3", sources=[ids["birthday"]],
                                 importance=7, at=at(21, 18, 5)).id
    ids["m_deploy"] = book.add("procedural", "To deploy the blog: git pull --rebase, then make deploy",
                               sources=[ids["pull"], ids["deploy"]], at=at(22, 9, 10)).id
    ids["m_core"] = book.add("core", "Name: Alex. Works on the recall project.", at=at(1, 9, 0)).id
    ids["m_old"] = book.add("episodic", "Read about SQLite WAL mode", sources=[ids["wal"]], importance=2,
                            at=at(1, 9, 0)).id
    return ids


class FakeAnswerer:
    """Streams a fixed answer token by token, citing two entries."""

    def __init__(self, tokens=("Maria's ", "birthday ", "is ", "March 3 ", "[m1]."), cites=("m1", "7")) -> None:
        self.tokens = tokens
        self.cites = cites
        self.questions: list[str] = []
        self.streamed: list[str] = []

    def __call__(self, svc, question, on_token):
        self.questions.append(question)
        for token in self.tokens:
            self.streamed.append(token)
            on_token(token)
        return Answer("".join(self.tokens), [Citation(c, f"cited {c}") for c in self.cites])


@pytest.fixture
def llm() -> ScriptedLLM:
    return extraction_llm()


@pytest.fixture
def svc(recall_home, embedder, llm):
    """The service with the fake embedder and a scripted LLM (the TUI's consolidation uses it)."""
    service = Recall(load_config(recall_home), embedder=embedder, llm=llm)
    yield service
    service.close()


@pytest.fixture
def ids(svc) -> dict[str, int]:
    return populate(svc)


@pytest.fixture
def answerer() -> FakeAnswerer:
    return FakeAnswerer()


@pytest.fixture
def app(svc, ids, answerer):
    return build_app(svc, answerer=answerer, now=NOW, use_daemon=False)


@pytest.fixture
def empty_app(svc):
    return build_app(svc, now=NOW, use_daemon=False)
