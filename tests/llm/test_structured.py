import json

import pytest

from recall_cli.llm import Chat, LlamaLLM, bundled_gguf
from recall_cli.structured import FailureLog, generate_json
from tests.fakes import ScriptedLLM

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}, "year": {"type": "integer"}},
          "required": ["city", "year"], "additionalProperties": False}


def test_valid_output_is_parsed_and_validated(tmp_path):
    llm = ScriptedLLM(['{"city": "Lisbon", "year": 2023}'])
    result = generate_json(llm, Chat("sys", "q"), SCHEMA, purpose="test", failures=FailureLog(tmp_path))
    assert result.ok and result.value == {"city": "Lisbon", "year": 2023}
    assert llm.schemas == [SCHEMA]


@pytest.mark.parametrize(("raw", "error"), [
    ("", "empty output"),
    ('{"city": "Lisbon", "year":', "invalid JSON"),
    ('{"city": "Lisbon", "year": "soon"}', "schema violation at year"),
])
def test_every_failure_is_counted_and_logged_with_the_raw_output(tmp_path, svc, raw, error):
    failures = FailureLog(tmp_path, svc.store)
    result = generate_json(ScriptedLLM([raw]), Chat("s", "q"), SCHEMA, purpose="extract", failures=failures)
    assert not result.ok and result.error.startswith(error) and result.raw == raw
    assert failures.count == 1 and svc.store.setting("llm.failures.extract") == "1"
    (line,) = (tmp_path / "logs" / "llm-failures.jsonl").read_text().splitlines()
    assert json.loads(line)["raw"] == raw and json.loads(line)["purpose"] == "extract"


def test_a_model_error_is_a_counted_failure_not_a_crash(tmp_path):
    from recall_cli.errors import ModelError

    result = generate_json(ScriptedLLM([ModelError("boom")]), Chat("s", "q"), SCHEMA, purpose="x",
                           failures=FailureLog(tmp_path))
    assert result.error == "model error: boom"


@pytest.mark.slow
def test_the_bundled_model_gives_valid_json_or_a_counted_failure(tmp_path):
    llm = LlamaLLM(bundled_gguf(), context=1024)
    failures = FailureLog(tmp_path)
    result = generate_json(llm, Chat("Reply with JSON only.", "Where is the Eiffel Tower and when was it built?"),
                           SCHEMA, purpose="real", failures=failures, max_tokens=48)
    if result.ok:
        assert set(result.value) == {"city", "year"} and isinstance(result.value["year"], int)
        assert failures.count == 0
    else:
        assert failures.count == 1 and (tmp_path / "logs" / "llm-failures.jsonl").exists()
