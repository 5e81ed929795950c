import json

import pytest

from recall_cli.llm.model import Chat, LlamaLLM, bundled_gguf
from recall_cli.llm.structured import FailureLog, failure_counts, generate_json
from tests.fakes import ScriptedLLM

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}, "year": {"type": "integer"}},
          "required": ["city", "year"], "additionalProperties": False}


def _log_lines(home):
    return [json.loads(line) for line in (home / "logs" / "llm-failures.jsonl").read_text().splitlines()]


def test_valid_output_is_parsed_and_validated(tmp_path):
    llm = ScriptedLLM(['{"city": "Lisbon", "year": 2023}'])
    failures = FailureLog(tmp_path)
    result = generate_json(llm, Chat("sys", "q"), SCHEMA, purpose="test", failures=failures)
    assert result.ok and result.value == {"city": "Lisbon", "year": 2023} and result.attempts == 1
    assert llm.schemas == [SCHEMA]  # the schema reaches the model (grammar-constrained there)
    assert failures.count == 0 and not (tmp_path / "logs").exists()


@pytest.mark.parametrize(("raw", "error"), [
    ("", "empty output"),
    ('{"city": "Lisbon", "year":', "invalid JSON"),
    ('{"city": "Lisbon", "year": "soon"}', "schema violation at year"),
    ('{"city": "Lisbon"}', "schema violation at top level: 'year' is a required property"),
])
def test_every_failure_is_counted_and_logged_with_the_raw_output(tmp_path, svc, raw, error):
    failures = FailureLog(tmp_path, svc.store)
    result = generate_json(ScriptedLLM([raw]), Chat("s", "q"), SCHEMA, purpose="extract", failures=failures)
    assert not result.ok and result.error.startswith(error) and result.raw == raw and result.value is None
    assert failures.count == 1 and svc.store.setting("llm.failures.extract") == "1"
    (entry,) = _log_lines(tmp_path)
    assert entry["raw"] == raw and entry["purpose"] == "extract" and entry["error"] == result.error
    assert entry["model"] == "scripted"


def test_counts_add_up_per_purpose(tmp_path, svc):
    failures = FailureLog(tmp_path, svc.store)
    llm = ScriptedLLM(["", "nope", '{"city": "Oslo", "year": 1}', ""])
    for purpose in ("extract", "extract", "extract", "reconcile"):
        generate_json(llm, Chat("s", "q"), SCHEMA, purpose=purpose, failures=failures)
    assert failure_counts(svc.store) == {"extract": 2, "reconcile": 1}
    assert failures.count == 3 and len(_log_lines(tmp_path)) == 3


def test_a_model_error_is_a_counted_failure_not_a_crash(tmp_path):
    from recall_cli.errors import ModelError

    failures = FailureLog(tmp_path)
    result = generate_json(ScriptedLLM([ModelError("boom")]), Chat("s", "q"), SCHEMA, purpose="x",
                           failures=failures)
    assert result.error == "model error: boom" and failures.count == 1


def test_a_retry_samples_again_and_each_failed_attempt_is_counted(tmp_path):
    llm = ScriptedLLM(["{", '{"city": "Rome", "year": 753}'])
    failures = FailureLog(tmp_path)
    result = generate_json(llm, Chat("s", "q"), SCHEMA, purpose="x", failures=failures, retries=2)
    assert result.ok and result.value["city"] == "Rome" and result.attempts == 2
    assert failures.count == 1


def test_without_a_failure_log_failures_are_still_reported(caplog):
    result = generate_json(ScriptedLLM([""]), Chat("s", "q"), SCHEMA, purpose="x")
    assert result.error == "empty output"
    assert "structured output failed (x): empty output" in caplog.text


@pytest.mark.slow
def test_the_bundled_model_gives_valid_json_or_a_counted_failure(tmp_path, svc):
    llm = LlamaLLM(bundled_gguf(), context=1024)
    failures = FailureLog(tmp_path, svc.store)
    result = generate_json(llm, Chat("Reply with JSON only.", "Where is the Eiffel Tower and when was it built?"),
                           SCHEMA, purpose="real", failures=failures, max_tokens=48)
    if result.ok:
        assert set(result.value) == {"city", "year"} and isinstance(result.value["year"], int)
        assert failures.count == 0 and failure_counts(svc.store) == {}
        assert result.raw.lstrip().startswith("{")  # the grammar allows nothing but the JSON
    else:
        assert failures.count == 1 and failure_counts(svc.store) == {"real": 1}
        assert _log_lines(tmp_path)[0]["raw"] == result.raw


@pytest.mark.slow
def test_the_grammar_keeps_even_the_tiny_model_inside_the_schema(tmp_path):
    schema = {"type": "object", "properties": {"answerable": {"type": "boolean"},
                                               "kind": {"type": "string", "enum": ["fact", "plan", "other"]}},
              "required": ["answerable", "kind"], "additionalProperties": False}
    llm = LlamaLLM(bundled_gguf(), context=1024)
    failures = FailureLog(tmp_path)
    result = generate_json(llm, Chat("Classify the note. JSON only.", "Note: dentist on Friday at 3pm."), schema,
                           purpose="classify", failures=failures, max_tokens=40)
    assert result.ok, result.error
    assert result.value["kind"] in {"fact", "plan", "other"}


def test_the_grammar_sees_small_integer_ranges_as_choices_and_only_short_string_minimums():
    from recall_cli.llm.structured import grammar_schema

    schema = {"type": "object", "properties": {
        "importance": {"type": "integer", "minimum": 1, "maximum": 10},
        "year": {"type": "integer", "minimum": 0},
        "text": {"type": "string", "minLength": 3, "maxLength": 400},
        "essay": {"type": "string", "minLength": 200}}}
    assert grammar_schema(schema) == {"type": "object", "properties": {
        "importance": {"enum": list(range(1, 11))}, "year": {"type": "integer", "minimum": 0},
        "text": {"type": "string", "minLength": 3}, "essay": {"type": "string"}}}


def test_what_the_model_is_given_is_the_grammar_schema_and_the_full_one_still_validates(tmp_path):
    seen = []

    class Recording(ScriptedLLM):
        def stream(self, chat, **kwargs):
            seen.append(kwargs["json_schema"])
            return super().stream(chat, **kwargs)

    schema = {"type": "object", "properties": {"text": {"type": "string", "minLength": 50}}, "required": ["text"]}
    result = generate_json(Recording(['{"text": "hi"}']), Chat("s", "u"), schema, purpose="t",
                           failures=FailureLog(tmp_path))
    assert seen == [{"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}]
    assert not result.ok and "too short" in result.error


@pytest.mark.slow
def test_the_tiny_model_keeps_an_importance_inside_its_range(tmp_path):
    schema = {"type": "object", "properties": {"importance": {"type": "integer", "minimum": 1, "maximum": 10}},
              "required": ["importance"], "additionalProperties": False}
    llm = LlamaLLM(bundled_gguf(), context=1024)
    result = generate_json(llm, Chat("Rate how important the note is from 1 to 10. JSON only.",
                                     "Note: we moved to Berlin in 2019."), schema,
                           purpose="rate", failures=FailureLog(tmp_path), max_tokens=20)
    assert result.ok, result.error
    assert 1 <= result.value["importance"] <= 10


def test_a_string_a_sentence_too_long_is_cut_back_to_its_last_whole_sentence(tmp_path):
    schema = {"type": "object", "properties": {"summary": {"type": "string", "maxLength": 60}},
              "required": ["summary"]}
    long = "Craig studied conditional probability. He drew tree diagrams for it. Then he moved on to permutations."
    result = generate_json(ScriptedLLM([json.dumps({"summary": long})]), Chat("s", "q"), schema, purpose="test",
                           failures=FailureLog(tmp_path))
    assert result.ok and result.value == {"summary": "Craig studied conditional probability."}
    # no sentence end within the limit: half a sentence is no memory, so it still fails
    run_on = "Craig studied conditional probability and tree diagrams and then permutations all week"
    failed = generate_json(ScriptedLLM([json.dumps({"summary": run_on})]), Chat("s", "q"), schema, purpose="test",
                           failures=FailureLog(tmp_path))
    assert not failed.ok and "is too long" in failed.error
