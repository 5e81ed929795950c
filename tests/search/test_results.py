"""Results a person can read: identical texts fold, scores mean the same across queries."""

from datetime import datetime

from recall_cli.render import search_text
from recall_cli.search.fusion import calibrated, coverage, relevance_logit, stems
from recall_cli.search.retrieve import first_person
from recall_cli.timeutil import to_ts


def ts(day: str) -> float:
    return to_ts(datetime.fromisoformat(day))


def test_identical_texts_fold_into_one_row_with_a_count_and_the_latest_time(svc):
    for hour in range(8):
        svc.add("clear", source="shell", kind="command", ts=ts(f"2023-05-2{hour % 3}T1{hour}:00"))
    svc.add("git clean -fd to clear the build folder", source="shell", kind="command", ts=ts("2023-05-01T09:00"))
    result = svc.search("clear")
    texts = [h.text for h in result.hits]
    assert texts.count("clear") == 1 and len(texts) == 2
    folded = next(h for h in result.hits if h.text == "clear")
    assert folded.meta["repeats"] == 8 and len(folded.meta["repeat_ids"]) == 7
    assert folded.ts == ts("2023-05-22T15:00")  # the latest of the eight
    assert "(8×) clear" in search_text(result, as_json=False, columns=200)


def test_a_folded_shell_command_is_its_latest_run_with_that_runs_exit_code_and_directory(svc):
    svc.add("npm run build", source="shell", kind="command", ts=ts("2023-05-01T09:00"),
            meta={"cwd": "/src/web", "exit_code": 1})
    svc.add("npm run build", source="shell", kind="command", ts=ts("2023-05-01T09:05"),
            meta={"cwd": "/src/web", "exit_code": 0})
    folded = svc.search("npm run build").hits
    assert [(h.ref, h.meta["exit_code"], h.meta["repeat_ids"]) for h in folded] == [("2", 0, ["1"])]


def test_a_question_with_nothing_relevant_scores_low_and_a_relevant_one_high(svc):
    svc.add("The router admin page is at 192.168.1.1, login admin", ts=ts("2023-05-02T09:00"))
    svc.add("Renewed the car insurance with Fidelidade, policy 77-3041", ts=ts("2023-05-03T09:00"))
    svc.add("My passport number is X1234567", ts=ts("2023-05-04T09:00"))
    relevant = svc.search("what is my passport number?").hits
    assert relevant[0].text.startswith("My passport number") and relevant[0].score > 0.7
    svc.forget(svc.plan_forget([relevant[0].id]))
    unrelated = svc.search("what is my passport number?").hits
    assert unrelated, "the list is never empty while events exist"
    assert unrelated[0].score < 0.5  # nothing about passports: the best hit says so
    scores = [h.score for h in unrelated]
    assert scores == sorted(scores, reverse=True)


def test_the_shown_score_reads_cosine_and_word_coverage_the_same_for_every_query():
    assert calibrated(relevance_logit(0.3, 0.5), 0.0) == 0.5  # the midpoint: even odds
    assert calibrated(relevance_logit(0.6, 1.0), 0.0) > 0.95
    assert calibrated(relevance_logit(0.05, 0.0), 0.0) < 0.1
    assert calibrated(relevance_logit(0.6, 1.0), -3.0) < calibrated(relevance_logit(0.6, 1.0), 0.0)
    assert coverage(stems(["paintings", "lake"]), "She painted the lake at dawn") == 1.0
    assert coverage(set(), "anything") == 0.0


def test_a_named_speaker_is_also_matched_in_their_own_first_person(svc):
    chat = {"source": "chat", "session": "s1", "kind": "message"}
    svc.add("I just finished reading a novel about a dragon", actor="Tim", ts=ts("2023-05-02T09:00"), **chat)
    svc.add("Tim told me he read a thriller once", actor="John", ts=ts("2023-05-02T09:01"), **chat)
    assert first_person("What books has Tim read?", "Tim") == "What books has I read?"
    assert first_person("Where is Tim's bike?", "Tim") == "Where is my bike?"
    assert first_person("Where is the bike?", "Tim") is None
    hits = svc.search("What novel has Tim read?", time_phrases=False).hits
    assert hits[0].actor == "Tim"


LONG = "echo " + " ".join(f"word{i}" for i in range(5000))  # 43,894 characters: stored as three linked parts


def test_a_long_shell_command_is_one_result_whichever_of_its_parts_matches(svc):
    svc.add("echo start", source="shell", kind="command", ts=ts("2023-05-01T09:00"))
    first = svc.add(LONG, source="shell", kind="command", ts=ts("2023-05-01T09:01"))
    assert first.meta["parts"] == 3
    result = svc.search("word4321")  # in its second part
    commands = [h for h in result.hits if "word" in h.text]
    assert [(h.id, h.text[:18], h.meta.get("repeats")) for h in commands] == [(first.id, "echo word0 word1 w", None)]
    assert "echo word0 word1" in search_text(result, as_json=False, columns=200)


def test_a_long_command_with_identical_parts_is_one_run_and_two_runs_are_two(svc):
    text = "echo " + "again " * 10_000  # 60,005 characters: its second and third parts say the same
    once = svc.add(text, source="shell", kind="command", ts=ts("2023-05-01T09:00"))
    assert once.meta["parts"] == 4
    hits = [h for h in svc.search("again").hits if "again" in h.text]
    assert [(h.id, h.meta.get("repeats")) for h in hits] == [(once.id, None)]
    again = svc.add(text, source="shell", kind="command", ts=ts("2023-05-01T10:00"))
    hits = [h for h in svc.search("again").hits if "again" in h.text]
    assert [(h.id, h.meta.get("repeats"), h.meta.get("repeat_ids")) for h in hits] == [(again.id, 2, [str(once.id)])]
