import json
import os

from recall_cli.llm.structured import FailureLog
from recall_cli.memory.consolidation import consolidate
from recall_cli.memory.extraction import LLMExtractor
from recall_cli.memory.forget import scrub_logs
from recall_cli.memory.rejection import Rejection, RejectionLog
from recall_cli.memory.summary import Candidate
from tests.fakes import ScriptedLLM

T0 = 1_683_554_160.0  # Mon 8 May 2023 13:56 UTC
GARAGE = "The garage bay is 4711 and the spare key is under the blue pot."
BOILER = "The boiler service is booked with Hansen Heating for 14 October at 9am."


def _logged(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_forget_takes_the_model_output_quoting_the_note_out_of_the_failure_log(svc):
    garage = svc.add(GARAGE, ts=T0)
    svc.add(BOILER, ts=T0 + 86_400)
    # a weak model's cut-off output repeats each note (with its JSON escapes), one per episode
    llm = ScriptedLLM(['{"memories": [{"kind": "semantic", "text": "8 May 2023:\\nThe garage bay is 4711 and '
                       'the spare key is under", "summary": "',
                       '{"memories": [{"kind": "semantic", "text": "The boiler service is booked with Hansen '
                       'Heating for 14 October'])
    failures = FailureLog(svc.config.home, svc.store)
    consolidate(svc, dry_run=True, extractors=[LLMExtractor(llm, failures)])
    log = failures.path
    assert log is not None and len(_logged(log)) == 2 and "4711" in log.read_text(encoding="utf-8")

    svc.forget(svc.plan_forget([garage.id]))
    (kept,) = _logged(log)  # the other note's record stays
    assert "Hansen Heating" in kept["raw"]
    assert "4711" not in log.read_text(encoding="utf-8") and "blue pot" not in log.read_text(encoding="utf-8")
    assert os.stat(log).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in log.parent.iterdir()) == ["llm-failures.jsonl"]  # no scratch copy left


def test_forget_takes_out_a_failure_record_that_does_not_quote_the_note(svc):
    garage = svc.add(GARAGE, ts=T0)
    svc.add(BOILER, ts=T0 + 86_400)
    # the model's invalid output says the note in its own words: only the record's ids tie it to the note
    llm = ScriptedLLM(['{"memories": [{"kind": "semantic", "text": "Garage opens with 4711; key below the pot',
                       '{"memories": [{"kind": "semantic", "text": "Hansen does the boiler'])
    failures = FailureLog(svc.config.home, svc.store)
    consolidate(svc, dry_run=True, extractors=[LLMExtractor(llm, failures)])
    log = failures.path
    assert log is not None
    episode = svc.store.get_event(garage.id).episode_id
    assert [(r["episode"], r["events"]) for r in _logged(log)][0] == (episode, [garage.id])

    svc.forget(svc.plan_forget([garage.id]))
    (kept,) = _logged(log)
    assert kept["episode"] != episode and garage.id not in kept["events"] and "Hansen" in kept["raw"]
    assert "4711" not in log.read_text(encoding="utf-8")


def test_forget_takes_out_rejections_of_the_forgotten_notes_episode_and_text_log_lines_quoting_it(svc):
    garage = svc.add(GARAGE, ts=T0)
    svc.add(BOILER, ts=T0 + 86_400)
    consolidate(svc, dry_run=True)  # each note its own episode
    plan = svc.plan_forget([garage.id])
    rejected = RejectionLog(svc.config.home, svc.store)
    # a candidate in its own words names the note only by its episode
    rejected.record([Rejection(Candidate("semantic", "A code opens the door"), "ungrounded_words")],
                    episode_id=plan.episode_ids[0])
    rejected.record([Rejection(Candidate("semantic", "Hansen Heating serve the boiler"), "ungrounded_words")],
                    episode_id=plan.episode_ids[0] + 1)
    text_log = svc.config.home / "logs" / "consolidate.log"
    text_log.write_text("WARNING structured output failed (extract): 'the garage bay is 4711 and the spare' "
                        "is too long\nINFO consolidated 2 episodes\n", encoding="utf-8")

    svc.forget(plan)
    assert [r["text"] for r in _logged(rejected.path)] == ["Hansen Heating serve the boiler"]
    assert text_log.read_text(encoding="utf-8") == "INFO consolidated 2 episodes\n"


def test_a_few_common_words_shared_with_a_forgotten_note_do_not_count_as_a_quote(tmp_path):
    log = tmp_path / "llm-failures.jsonl"
    log.write_text(json.dumps({"raw": "the spare room is under the stairs"}) + "\n", encoding="utf-8")
    assert scrub_logs(tmp_path, [GARAGE]) == 0
    assert "spare room" in log.read_text(encoding="utf-8")
