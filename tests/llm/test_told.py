"""What an assistant told the asker when they asked it: a question typed without a question
mark, or a request after a line of context, is answered by the reply that followed, not by the
asker's own words; what the asker then did is still told by them."""

from __future__ import annotations

from recall_cli.timeutil import parse_time
from tests.llm.test_answers import answered


def _chat(svc, session: str, turns: list[tuple[str, str, str]]) -> None:
    for ts, who, text in turns:
        svc.add(text, ts=parse_time(ts), actor=who, source="chat", session=session)


def test_a_question_typed_without_a_question_mark_is_answered_by_the_reply(svc):
    _chat(svc, "menu", [("2026-11-19T22:10", "user", "doing a kerala menu for my parents' anniversary party"),
                        ("2026-11-19T22:11", "assistant", "Try appam with stew, avial and a payasam to finish."),
                        ("2026-11-19T22:12", "user", "how much payasam for 68"),
                        ("2026-11-19T22:13", "assistant", "Allow about 100 ml per person, so roughly 7 litres, "
                                                          "with 10% extra: order 7.5 litres.")])
    assert answered(svc, "how much payasam do we need", "2026-12-09T18:00").startswith(
        "Allow about 100 ml per person")


def test_a_request_after_a_line_of_context_is_answered_by_the_line_of_the_reply_on_the_question(svc):
    _chat(svc, "chaser", [("2026-11-22T10:30", "user", "client pennywell farm shop hasnt paid the november "
                                                        "retainer (£600), 3 weeks late now. draft me a polite but "
                                                        "firm chaser"),
                          ("2026-11-22T10:31", "assistant", "Subject: November retainer - invoice overdue\n\nHi Jo,\n\n"
                                                            "A quick reminder that the November retainer invoice for "
                                                            "£600 is now three weeks overdue.\n\nUnder the Late "
                                                            "Payment of Commercial Debts Act I'm entitled to charge 8% "
                                                            "over the Bank of England base rate plus £40 fixed "
                                                            "compensation.\n\nThanks,\nDev")])
    answer = answered(svc, "how much can i charge pennywell for paying late", "2026-12-09T18:00")
    assert answer.startswith("Under the Late Payment of Commercial Debts Act I'm entitled to charge 8%")
    # whether they paid is told by the asker, not by the email drafted for them
    assert answered(svc, "has pennywell paid the november retainer", "2026-12-09T18:00").startswith(
        "client pennywell farm shop hasnt paid")


def test_what_the_asker_went_with_is_their_own_word_not_the_advice_and_a_size_in_mm_is_a_size(svc):
    _chat(svc, "tiles", [("2026-12-06T20:15", "user", "putting green zellige tiles as a kitchen splashback. what "
                                                      "grout colour and what spacing?"),
                         ("2026-12-06T20:16", "assistant", "For zellige, go with a tight joint of 1-2 mm and a fine "
                                                           "grout. Colour: a warm off-white such as Mapei Ultracolor "
                                                           "Plus 130 Jasmine softens the look."),
                         ("2026-12-06T20:17", "user", "going with jasmine then")])
    # the advice is not what was done: the assistant's reply is no answer to it
    assert "softens the look" not in answered(svc, "what grout did i go with", "2026-12-09T18:00")
    assert "1-2 mm" in answered(svc, "what joint size for the zellige tiles", "2026-12-09T18:00")


def test_a_reply_to_a_request_does_not_tell_what_the_askers_own_words_in_it_tell(svc):
    _chat(svc, "invite", [("2026-11-29T20:45", "user", "help me word an invite for my mum and dad, dad turns 70 and "
                                                       "its their anniversary too, party at horsforth village hall"),
                          ("2026-11-29T20:46", "assistant", "Join us to celebrate\nSaturday 23 January 2027\n"
                                                            "Food from Kerala Kitchen, music and plenty of stories")])
    # a draft invite's "music" says nothing of who plays it
    assert "plenty of stories" not in answered(svc, "who's doing the music at the party now", "2026-12-09T18:00")


def test_what_chatgpt_gave_me_or_says_according_to_it_is_its_reply_not_my_request(svc):
    # helper-146: "the evidence on this is about someone other than assistant", as the user's own
    # request ranked first
    _chat(svc, "race", [("2026-11-22T19:32", "user", "what should i eat the morning of the half"),
                        ("2026-11-22T19:33", "assistant", "Have a familiar breakfast 2.5-3 hours before the start: "
                                                          "porridge with a banana and honey. Take a gel 15 minutes "
                                                          "before the race.")])
    for question in ("what should i eat before the race according to chatgpt",
                     "what breakfast did chatgpt give me for the race"):
        answer = answered(svc, question, "2026-12-02T18:00")
        assert not answer.startswith("Not mentioned") and "[2]" in answer, question
