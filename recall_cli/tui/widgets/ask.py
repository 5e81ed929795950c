"""Ask a question: the answer streams in, its citations link to the entries they cite.

A failing or missing model is a message in this panel; the rest of the app keeps working.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static, Tabs
from textual.widgets.option_list import Option

from ...errors import RecallError
from ...render import plural
from ..answer import Answer
from .common import RefOptionsMixin, recall_app

HINT = ("Ask about anything you captured, e.g. 'how did I deploy the blog?'. "
        "The answer cites its sources; Enter on a citation opens it.")


class AskView(RefOptionsMixin, Vertical):
    DEFAULT_CSS = """
    AskView {
        #ask-scroll { height: 1fr; }
        #ask-answer { height: auto; padding: 0 1; }
        #ask-status { height: auto; color: $text-muted; padding: 0 1; }
        #ask-status.-error { color: $error; text-style: bold; }
        #ask-citations { height: auto; max-height: 10; border: none; }
    }
    """

    ref_list_id = "ask-citations"

    BINDINGS = [Binding("escape", "leave_input", "Leave the question box", show=False, id="ask-leave")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answer_text = ""
        self.answer: Answer | None = None
        self.running = False
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Ask a question and press Enter…", id="ask-input")
        yield Static(HINT, id="ask-status")
        with VerticalScroll(id="ask-scroll"):
            yield Static("", id="ask-answer")
            yield OptionList(id="ask-citations")

    def on_mount(self) -> None:
        self.query_one("#ask-citations", OptionList).display = False

    def focus_input(self) -> None:
        """Put the cursor in the question box."""
        self.query_one("#ask-input", Input).focus()

    def action_leave_input(self) -> None:
        citations = self.query_one("#ask-citations", OptionList)
        if citations.option_count:
            citations.focus()
            if citations.highlighted is None:
                citations.highlighted = 0
        else:  # the tab bar: left/right and the digit keys work from there
            self.screen.query_one(Tabs).focus()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#ask-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.ask(event.value)

    def ask(self, question: str) -> None:
        """recall ask: the answer streams into the panel; one question at a time."""
        question = question.strip()
        if not question:
            self._status("Type a question first.")
            return
        app = recall_app(self)
        if self.running:
            app.say("Still answering the last question.", "warning")
            return
        self.running, self.error, self.answer, self.answer_text = True, None, None, ""
        self.query_one("#ask-answer", Static).update("")
        citations = self.query_one("#ask-citations", OptionList)
        citations.clear_options()
        citations.display = False
        self._status("Thinking… (the rest of recall keeps working)")
        backend = app.backend
        app.start_job("Answering", None)

        def on_token(token: str) -> None:
            app.call_from_thread(self._token, token)

        def run() -> Answer:
            try:
                return backend.ask(question, on_token)
            finally:
                app.call_from_thread(app.end_job)

        app.background(run, self._done, group="ask", error=self._failed, raw_errors=True)

    def _token(self, token: str) -> None:
        self.answer_text += token
        self.query_one("#ask-answer", Static).update(Text(self.answer_text))

    def _done(self, answer: Answer) -> None:
        self.running = False
        self.answer = answer
        text = answer.text if answer.error is None else ""
        text = text or ("" if answer.error else self.answer_text)
        self.answer_text = text
        self.query_one("#ask-answer", Static).update(Text(text))
        # the cited entries; without citations (no answer, no model) the closest evidence
        shown = answer.citations or answer.evidence
        citations = self.query_one("#ask-citations", OptionList)
        for c in shown:
            prompt = Text(f"[{c.ref}] ", style="bold")
            prompt.append(c.label)
            citations.add_option(Option(prompt, id=c.ref))
        citations.display = bool(shown)
        n = len(shown)
        opens = " · Esc then Enter opens one" if n else ""
        if answer.error is not None:
            self.error = answer.error
            self._status(f"The model failed: {answer.error}. The {n} closest entries instead{opens}.", error=True)
            recall_app(self).say(f"Ask failed: {answer.error}", "error")
        elif answer.abstained:
            self._status(f"Not enough evidence to answer. The {n} closest entries{opens}.")
        elif not answer.citations and answer.evidence:
            if text.strip():
                self._status(f"The answer cites nothing: check it against the {n} closest entries{opens}.")
            else:
                self._status(f"No answer from the model: the {n} closest entries{opens}.")
        else:
            self._status(f"{plural(n, 'citation')}{opens}")

    def drop(self, refs: set[str]) -> None:
        """Clear the answer when it shows any of ``refs`` (they were forgotten: their words
        must leave the screen too)."""
        if self.answer is None or not refs & {c.ref for c in [*self.answer.citations, *self.answer.evidence]}:
            return
        self.answer, self.answer_text = None, ""
        self.query_one("#ask-answer", Static).update("")
        citations = self.query_one("#ask-citations", OptionList)
        citations.clear_options()
        citations.display = False
        self._status("The answer drew on what you just forgot, so it is cleared; ask again.")

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        message = exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}"
        self.error = message
        self._status(f"The model failed: {message}. Everything else keeps working; try again or search (/).",
                     error=True)
        recall_app(self).say(f"Ask failed: {message}", "error")

