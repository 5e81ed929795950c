"""Whom an episode summary's sentences describe, on a hand-made two-person chat."""

from __future__ import annotations

import pytest

from recall_cli.memory.attribution import misattributed
from recall_cli.models import Event

T0 = 1_683_554_160.0
CHAT = [
    Event("Hey Mel! I went to a support group yesterday and it was so powerful.", T0, source="chat", actor="Caroline"),
    Event("Wow, so cool you found such a helpful group! What did they say?", T0 + 60, source="chat", actor="Melanie"),
    Event("They made me feel accepted. How are the kids?", T0 + 120, source="chat", actor="Caroline"),
    Event("My kids are great. We went camping at the beach last weekend.", T0 + 180, source="chat", actor="Melanie"),
    Event("Congrats on the adoption papers, you are so brave!", T0 + 240, source="chat", actor="Melanie"),
]


@pytest.mark.parametrize("summary", [
    "Caroline went to a support group and found it powerful. She felt accepted.",
    "Melanie went camping at the beach with her kids.",
    "Caroline and Melanie talked about the support group and camping.",
    "Melanie told Caroline the support group sounded helpful.",
    "Melanie congratulates Caroline on the adoption papers.",  # what Melanie said to her
])
def test_a_summary_that_describes_each_person_by_what_they_said_passes(summary):
    assert misattributed(summary, CHAT) == ""


@pytest.mark.parametrize(("summary", "wronged"), [
    ("Melanie went to a support group and found it powerful.", "Melanie"),  # Caroline's news
    ("Caroline went camping at the beach.", "Caroline"),  # Melanie's weekend
    ("Melanie loves her kids. She felt accepted by the support group.", "Melanie"),  # "she" is still Melanie
    ("Caroline and Melanie went camping at the beach with their kids.", "Caroline"),  # only Melanie has kids
    ("Caroline and Melanie discussed their experiences at the support group.", "Caroline"),  # whose? one's
    ("They went camping with their kids.", "Caroline"),  # "they" in a chat of two is both of them
])
def test_a_summary_that_gives_one_person_the_others_life_is_caught(summary, wronged):
    assert misattributed(summary, CHAT) == wronged


def test_a_their_both_people_claim_is_theirs():
    both = [*CHAT, Event("Our trip to the lake was the best part of the summer.", T0 + 300, source="chat",
                         actor="Caroline"),
            Event("Yes! Our trip was magical.", T0 + 360, source="chat", actor="Melanie")]
    assert misattributed("Caroline and Melanie remembered their trip to the lake.", both) == ""
    assert misattributed("They remembered their trip to the lake.", both) == ""


def test_a_summary_of_a_note_or_a_monologue_is_not_judged_by_person():
    note = [Event("I went to a support group yesterday.", T0, source="note")]
    assert misattributed("The user's partner went to a support group.", note) == ""
