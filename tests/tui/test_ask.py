"""Ask: the answer streams in, citations open entries, and a failing model is only a message."""

from __future__ import annotations

import types

from textual.widgets import OptionList

from recall_cli.errors import ModelError
from recall_cli.models import Hit
from recall_cli.tui.answer import Answer, Citation, citation, recall_answerer
from recall_cli.tui.app import build_app
from tests.tui.conftest import NOW
from tests.tui.helpers import detail_text, press, run, text_of, type_text


def answer_text(app) -> str:
    return text_of(app.screen.query_one("#ask-answer"))


def ask_status(app) -> str:
    return text_of(app.screen.query_one("#ask-status"))


def test_the_answer_streams_and_citations_open_entries(app, ids, answerer):
    async def scenario(pilot):
        await press(pilot, "a")
        assert app.focused.id == "ask-input"
        await type_text(pilot, "when is Maria's birthday?")
        await press(pilot, "enter")
        assert answerer.questions == ["when is Maria's birthday?"]
        assert answerer.streamed == list(answerer.tokens)
        assert answer_text(app) == "Maria's birthday is March 3 [m1]."
        assert ask_status(app).startswith("2 citations")
        citations = app.screen.query_one("#ask-citations", OptionList)
        assert [citations.get_option_at_index(i).id for i in range(citations.option_count)] == ["m1", "7"]
        await press(pilot, "escape")  # from the question box to the citations
        assert app.focused is citations
        citations.highlighted = 1
        await press(pilot, "enter")
        assert app.screen.detail.ref == "7"
        assert "Maria's birthday is on March 3rd" in detail_text(app)
        assert not app.screen.query_one("#jobbar").has_class("-running")

    run(app, scenario)


def test_tokens_show_while_the_answer_is_still_coming(svc, ids):
    seen = []

    def slow(job_svc, question, on_token):
        on_token("Thinking ")
        seen.append(text_of(app.screen.query_one("#ask-answer")))
        seen.append(app.screen.query_one("#jobbar").has_class("-running"))
        on_token("done.")
        return Answer("Thinking done.")

    app = build_app(svc, answerer=slow, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "anything")
        await press(pilot, "enter")
        assert seen == ["Thinking ", True]
        assert answer_text(app) == "Thinking done."
        assert ask_status(app) == "0 citations"

    run(app, scenario)


def test_a_model_failure_is_a_message_and_the_rest_keeps_working(svc, ids):
    def broken(job_svc, question, on_token):
        on_token("Partial ")
        raise ModelError("llama.cpp: failed to load model")

    app = build_app(svc, answerer=broken, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "what did I deploy?")
        await press(pilot, "enter")
        assert ask_status(app).startswith("The model failed: llama.cpp: failed to load model.")
        assert app.screen.query_one("#ask-status").has_class("-error")
        assert app.messages[-1] == ("error", "Ask failed: llama.cpp: failed to load model")
        assert not app.screen.query_one("#jobbar").has_class("-running")
        # search and the timeline still work
        await press(pilot, "escape", "slash")
        await type_text(pilot, "deploy")
        results = app.screen.query_one("#search-results", OptionList)
        assert str(ids["deploy"]) in [results.get_option_at_index(i).id for i in range(results.option_count)]
        await press(pilot, "escape", "1", "down")
        assert app.screen.detail.ref.startswith("ep:")

    run(app, scenario)


def test_an_empty_question_asks_for_one(app, ids, answerer):
    async def scenario(pilot):
        await press(pilot, "a", "enter")
        assert ask_status(app) == "Type a question first."
        assert answerer.questions == []

    run(app, scenario)


class FakeAskService:
    """Stands in for Recall.ask: evidence always, the model's answer unless it is broken."""

    def __init__(self, hits, broken: Exception | None = None) -> None:
        self.hits = hits
        self.broken = broken
        self.calls = []

    def ask(self, question, *, use_llm=True, on_token=None, **kwargs):
        self.calls.append((question, use_llm))
        if use_llm and self.broken is not None:
            raise self.broken
        answer = types.SimpleNamespace(question=question, text=None, citations=[], evidence=self.hits,
                                       abstained=False)
        if use_llm:
            on_token("Maria's birthday is March 3 ")
            on_token("[m1].")
            answer.text, answer.citations = "Maria's birthday is March 3 [m1].", ["m1"]
        return answer


def hits(svc):
    return svc.search("Maria birthday", limit=3).hits


def test_the_default_answerer_uses_the_service_ask(svc, ids):
    fake = FakeAskService(hits(svc))
    tokens = []
    answer = recall_answerer(fake, "when is Maria's birthday?", tokens.append)
    assert tokens == ["Maria's birthday is March 3 ", "[m1]."]
    assert answer.text == "Maria's birthday is March 3 [m1]." and answer.error is None
    assert [c.ref for c in answer.citations] == ["m1"]
    assert answer.citations[0].label == "2026-11-21 18:05 · memory · Maria's birthday is March 3"
    assert len(answer.evidence) == 3


def test_a_broken_model_falls_back_to_the_evidence(svc, ids):
    fake = FakeAskService(hits(svc), broken=ModelError("cannot load model /m/x.gguf: bad magic"))
    answer = recall_answerer(fake, "when is Maria's birthday?", lambda token: None)
    assert fake.calls == [("when is Maria's birthday?", True), ("when is Maria's birthday?", False)]
    assert answer.error == "cannot load model /m/x.gguf: bad magic"
    assert answer.text == "" and answer.citations == [] and len(answer.evidence) == 3


def test_the_panel_shows_the_model_failure_and_the_evidence(svc, ids):
    fake = FakeAskService(hits(svc), broken=RuntimeError("llama_decode returned -1"))
    app = build_app(svc, now=NOW, use_daemon=False, job_service=lambda: fake)

    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "when is Maria's birthday?")
        await press(pilot, "enter")
        assert ask_status(app).startswith("The model failed: RuntimeError: llama_decode returned -1. "
                                          "The 3 closest entries instead")
        citations = app.screen.query_one("#ask-citations", OptionList)
        assert citations.option_count == 3
        assert app.messages[-1] == ("error", "Ask failed: RuntimeError: llama_decode returned -1")
        await press(pilot, "escape", "enter")
        assert app.screen.detail.ref == citations.get_option_at_index(0).id

    run(app, scenario)


def test_a_citation_is_labelled_with_date_source_and_text():
    hit = Hit("memory", 7, 0.9, NOW, "x", "note", None, None, "semantic", "x")
    assert citation(hit) == Citation("m7", "2026-11-22 12:00 · note · x")


def test_an_answer_without_citations_lists_the_evidence_to_check(svc, ids):
    def uncited(job_svc, question, on_token):
        on_token("The user's birthday is on March 3rd.")
        return Answer("The user's birthday is on March 3rd.", [], evidence=[Citation("7", "note"), Citation("m1")])

    app = build_app(svc, answerer=uncited, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "when is Maria's birthday?")
        await press(pilot, "enter")
        assert answer_text(app) == "The user's birthday is on March 3rd."
        assert ask_status(app).startswith("The answer cites nothing: check it against the 2 closest entries")
        assert app.screen.query_one("#ask-citations", OptionList).option_count == 2

    run(app, scenario)


def test_the_default_answerer_asks_the_daemon_when_it_runs(svc, ids, recall_home):
    """With `recall serve` running, the TUI's question goes to its warm model."""
    import threading

    from recall_cli.config import load_config
    from recall_cli.serve import daemon as d
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder, ScriptedLLM

    config = load_config(recall_home)
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder(),
                                             llm=ScriptedLLM(["Maria's birthday is March 3 [m1]."])))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if d.ping(d.socket_path(config)):
                break
            threading.Event().wait(0.02)
        tokens = []
        local = FakeAskService(hits(svc))  # would answer differently: it must not be asked
        answer = recall_answerer(local, "what is Maria's birthday?", tokens.append)
    finally:
        server.shutdown()
        thread.join(10)
    assert local.calls == [] and tokens == ["Maria's birthday is March 3 [m1]."]
    assert answer.text == "Maria's birthday is March 3 [m1]." and [c.ref for c in answer.citations] == ["m1"]


def test_an_answer_on_screen_survives_the_terminal_shrinking_to_a_sliver(app, ids, answerer):
    from recall_cli.tui.screens.too_small import TooSmallScreen

    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "when is Maria's birthday?")
        await press(pilot, "enter")
        assert answer_text(app) == "Maria's birthday is March 3 [m1]."
        for width, height in ((30, 10), (20, 6), (1, 1), (120, 40)):
            await pilot.resize_terminal(width, height)
            await press(pilot)
        assert not isinstance(app.screen, TooSmallScreen)
        assert answer_text(app) == "Maria's birthday is March 3 [m1]."

    run(app, scenario)


def test_forgetting_what_an_answer_cites_clears_the_answer_from_the_screen(app, ids, answerer):
    async def scenario(pilot):
        await press(pilot, "a")
        await type_text(pilot, "when is Maria's birthday?")
        await press(pilot, "enter")
        assert "Maria's birthday" in answer_text(app)
        citations = app.screen.query_one("#ask-citations", OptionList)
        await press(pilot, "escape")
        citations.highlighted = 1
        await press(pilot, "enter", "f", "y")  # open the cited note, forget it
        assert app.messages[-1][1].startswith("Deleted 1 event")
        assert answer_text(app) == "" and citations.option_count == 0
        assert ask_status(app) == "The answer drew on what you just forgot, so it is cleared; ask again."

    run(app, scenario)
