"""Whom an episode summary's sentences describe, on a hand-made two-person chat."""

from __future__ import annotations

import pytest

from recall_cli.memory.attribution import kin_as_self, misattributed
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


FIGURE = [
    Event("Wow, Nate! I love the tech and jokes of Iron Man too. What made you get that figure?", T0,
          source="chat", actor="Joanna"),
    Event("Thanks Joanna! I got it because it reminded me of something I love. It keeps me working on my goals.",
          T0 + 60, source="chat", actor="Nate"),
]


@pytest.mark.parametrize(("memory", "misquoted_person"), [
    # the 1.5B model's words: who asked and who answered swapped
    ("Nate asked Joanna what made her get that figure and Joanna replied that it reminded her of something "
     "she loves.", "Nate"),
    ("Joanna replied that the figure reminded her of something she loves.", "Joanna"),
    ("Joanna asked Nate what made him get that figure and Nate replied that it reminded him of something "
     "he loves.", ""),
    ("Nate said it keeps him working on his goals.", ""),
    ("Nate said the figure keeps him working on his goals.", "Nate"),  # "figure" is Joanna's word
])
def test_a_reported_question_or_answer_must_be_in_the_named_speakers_own_words(memory, misquoted_person):
    from recall_cli.memory.attribution import misquoted

    assert misquoted(memory, FIGURE) == misquoted_person


def test_a_memory_that_swaps_who_asked_and_who_answered_is_not_stored():
    from recall_cli.memory.grounding import check
    from recall_cli.memory.summary import Candidate

    cited = [Event(e.text, e.ts_start, source="chat", actor=e.actor, id=i + 1) for i, e in enumerate(FIGURE)]
    swapped = Candidate("semantic", "Nate asked Joanna what made her get that figure.", subject="Joanna",
                        origin="llm", sources=[1, 2])
    verdict = check(swapped, cited, cited)
    assert (verdict.ok, verdict.reason, verdict.detail) == (False, "wrong_person", "Nate")


def test_a_memory_keeps_the_date_of_each_relative_phrase_from_the_turn_that_said_it():
    from recall_cli.memory.evidence import dated

    turns = [Event("Hi Nate, how was your week?", T0, source="chat", actor="Joanna"),
             Event("My screenplay bit was on the big screen yesterday!", T0 + 86400, source="chat", actor="Nate")]
    assert dated("Nate's screenplay bit was on the big screen yesterday.", turns) == (
        "Nate's screenplay bit was on the big screen yesterday [8 May 2023].")
    assert dated("Nate wrote a screenplay.", turns) == "Nate wrote a screenplay."
    # words quoted keep their own time: a speech drafted today says "tonight" of the party
    assert dated("Nate's toast ends: 'Well, Mum, tonight you did.' He wrote it yesterday.", turns) == (
        "Nate's toast ends: 'Well, Mum, tonight you did.' He wrote it yesterday [8 May 2023].")


BAKING = [
    Event("I even made these dairy-free chocolate coconut cupcakes with raspberry frosting.", T0,
          source="chat", actor="Joanna"),
    Event("Can't wait to try them. I think baking really brings us together!", T0 + 60, source="chat", actor="Nate"),
    Event("We should bake cookies together next week!", T0 + 120, source="chat", actor="Joanna"),
]


@pytest.mark.parametrize(("summary", "wronged"), [
    ("Nate and Joanna are baking dairy-free chocolate coconut cupcakes.", "Nate"),  # Joanna made them
    ("They made chocolate coconut cupcakes with raspberry frosting.", "Nate"),
    ("Nate and Joanna plan to bake cookies together.", ""),  # Joanna's "we" includes Nate
    ("Nate and Joanna talked about dairy-free cupcakes.", ""),  # talking needs no joint deed
])
def test_a_deed_given_to_both_people_must_be_both_of_theirs(summary, wronged):
    assert misattributed(summary, BAKING) == wronged


INTERNSHIP = [
    Event("Hey Jon! I just got accepted for a fashion internship!", T0, source="chat", actor="Gina"),
    Event("Congrats, Gina! That's awesome news about the fashion internship. So stoked for you.", T0 + 60,
          source="chat", actor="Jon"),
    Event("Thanks! How is the dance studio coming along?", T0 + 120, source="chat", actor="Gina"),
    Event("I signed the lease for my dance studio yesterday.", T0 + 180, source="chat", actor="Jon"),
]


@pytest.mark.parametrize(("summary", "wronged"), [
    ("Jon is excited about his new fashion internship.", "Jon"),  # Gina's news, in Jon's congratulations
    ("Jon congratulated Gina on her fashion internship.", ""),  # what Jon said to her
    ("Jon signed the lease for his dance studio.", ""),
])
def test_what_someone_says_of_the_other_is_not_their_own_news(summary, wronged):
    assert misattributed(summary, INTERNSHIP) == wronged


def _turns(people: tuple[str, str], said: list[str]) -> list[Event]:
    """A chat of two taking turns, a minute apart, the first of ``people`` first."""
    return [Event(t, T0 + 60 * i, source="chat", actor=people[i % 2]) for i, t in enumerate(said)]


def _far_apart() -> list[Event]:
    return _turns(("Tim", "John"), [
            "Any good basketball games lately?",
            "We won a close game against another team last week.",
            "Here's a pic from my morning workout at the park court.",
            "That's a good spot for a workout!",
            "I hurt my ankle last month and missed some matches.",
            "Oh no, how is the recovery going?",
            "Physical therapy every day, it is slow but steady.",
            "Glad it's getting better.",
            "My wife and I threw a small party for family and friends to celebrate."])


@pytest.mark.parametrize(("summary", "clause"), [
    ("John shared a pic from his morning workout with family and friends.",
     "John shared a pic from his morning workout with family"),
    ("John won a close game last week, then hurt his ankle and threw a party for family and friends.", ""),
    ("John does physical therapy every day after he hurt his ankle.", ""),
])
def test_a_summary_clause_must_not_join_turns_far_apart(summary, clause):
    from recall_cli.memory.attribution import scattered

    assert scattered(summary, _far_apart()) == clause


def _store_chat() -> list[Event]:
    return _turns(("Gina", "Jon"), [
            "Hey Jon! I emailed some wholesalers and one said yes today, so I can expand my clothing store.",
            "Way to go! You found the perfect spot for your store.",
            "Thanks! I designed the space myself, cozy and inviting.",
            "I'm still searching for a place to open my dance studio.",
            "Rehearsing hard keeps me going, because dancing is my passion.",
            "Your dance studio will be a go-to spot, keep it up!"])


@pytest.mark.parametrize(("summary", "refused"), [
    # the model links true facts of different turns by a cause of its own
    ("Gina found a perfect spot, which led to the opening of her clothing store.", True),
    ("Jon is rehearsing hard while searching for a place for his dance studio.", True),
    # the relation is one turn's own
    ("Gina emailed wholesalers, which allows her to expand her clothing store.", False),
    ("Jon keeps rehearsing hard because dancing is his passion.", False),
    # no relation drawn: each fact may come from its own turn
    ("Gina found a perfect spot for her store. Jon is searching for a place for his dance studio.", False),
])
def test_a_summary_may_relate_two_facts_only_as_one_turn_does(summary, refused):
    from recall_cli.memory.attribution import unstated_relation

    assert bool(unstated_relation(summary, _store_chat())) is refused


def _dinner_note() -> list[Event]:
    return [Event("- Mitch + Hannah came over for dinner, walked through the wedding run sheet.\n"
                  "- Picked up the suit, then drove to the venue to drop off the signs.\n"
                  "- Skipped the gym, knee still sore.", T0, source="note", id=1)]


@pytest.mark.parametrize(("summary", "refused"), [
    # one line holds both facts but says nothing of their order or cause
    ("Mitch and Hannah came over for dinner after walking through the wedding run sheet.", True),
    ("The user skipped the gym because the knee is still sore.", True),
    # the line says the order itself
    ("The user drove to the venue after picking up the suit.", False),
    ("Mitch and Hannah came over for dinner and walked through the wedding run sheet.", False),
])
def test_a_relation_between_two_facts_of_one_line_must_be_the_lines_own(summary, refused):
    from recall_cli.memory.attribution import unstated_relation

    assert bool(unstated_relation(summary, _dinner_note())) is refused


def _podcasts() -> list[Event]:
    return _turns(("user", "assistant"), [
        "I'm looking for new podcast recommendations. I'm interested in the history ones.",
        "You might enjoy Hardcore History, especially its episodes on the Mongol Empire and World War II.",
        "My commute is about 40 minutes each way, how should I organize my listening?",
        "You could listen to one long episode over two commutes."])


@pytest.mark.parametrize(("summary", "wronged"), [
    ("The user is looking for new podcast recommendations and is interested in history podcasts.", ""),
    # what the assistant suggested to "you" is not the user's own interest
    ("The user is interested in history podcasts about the Mongol Empire and World War II.", "user"),
    ("They are interested in podcasts about the Mongol Empire.", "user"),
])
def test_an_assistants_advice_is_not_news_of_the_user(summary, wronged):
    assert misattributed(summary, _podcasts()) == wronged


def test_a_statement_a_question_opens_with_is_the_speakers_own_news():
    chat = [
        Event("I'm training for a charity 5K and want to improve my endurance.", T0, source="chat", actor="user"),
        Event("Intervals help: two a week.", T0 + 60, source="chat", actor="assistant"),
        Event("I was thinking about incorporating strength training into my routine, can you recommend "
              "some exercises?", T0 + 120, source="chat", actor="user"),
        Event("Squats, lunges and calf raises.", T0 + 180, source="chat", actor="assistant"),
    ]
    assert misattributed("The user is training for a charity 5K and wants to improve their endurance by "
                         "incorporating strength training.", chat) == ""
    # the question itself asserts nothing: asking for exercises is not doing them
    assert misattributed("The user does squats and lunges.", chat) == "user"


def test_a_phrase_only_the_other_side_said_is_not_made_the_persons_own():
    chat = [
        Event("I'm worried I won't finish my cover letter draft by March 28, so can you help me stay on track?",
              T0, source="chat", actor="user"),
        Event("Absolutely, creating a structured plan to ensure you meet your deadline is a great way to stay on "
              "track. March 25: outline the cover letter; March 28: finish the draft.", T0 + 60, source="chat",
              actor="assistant"),
    ]
    assert misattributed("The user created a structured plan to ensure they meet their deadline for their "
                         "cover letter draft.", chat) == "user"
    assert misattributed("The user is worried about finishing their cover letter draft by March 28.", chat) == ""


def test_a_request_retold_as_the_askers_deed_and_a_role_the_speaker_named_are_checked():
    chat = [
        Event("Describe foreign rights licensing in book publishing using bullet points.", T0, source="chat",
              actor="user"),
        Event("* Foreign rights licensing lets a publisher in one country publish a book from another.", T0 + 60,
              source="chat", actor="assistant"),
    ]
    assert misattributed("The user describes foreign rights licensing in book publishing.", chat) == "user"
    assert misattributed("The user asked about foreign rights licensing in book publishing.", chat) == ""
    therapy = [
        Event("I am a therapist, how can I help a student who refuses to go to school?", T0, source="chat",
              actor="user"),
        Event("Explore the reasons behind their refusal and encourage communication.", T0 + 60, source="chat",
              actor="assistant"),
    ]
    assert misattributed("The therapist suggests exploring the reasons behind the refusal.", therapy) == "user"
    assert misattributed("The therapist asked how to help a student who refuses to go to school.", therapy) == ""


def test_a_standing_instruction_is_not_the_users_habit():
    chat = [
        Event("Always confirm time zones when I ask about meeting or interview times.", T0, source="chat",
              actor="user"),
        Event("Got it! I'll always confirm time zones for meetings and interviews.", T0 + 60, source="chat",
              actor="assistant"),
    ]
    assert misattributed("The user always confirms time zones when they ask for meeting or interview times.",
                         chat) == "user"
    assert misattributed("The user asked the assistant to always confirm time zones for meetings.", chat) == ""


def test_what_the_user_says_of_their_son_is_not_the_users_own():
    # the 1.5B model stored this from a fresh-eyes user's ChatGPT export
    lunch = [Event("My son Leo is 7 and has a severe peanut allergy, so his school lunches have to be nut-free.",
                   T0, source="chat", actor="user")]
    assert kin_as_self("The user has a severe peanut allergy and his school lunches are nut-free.", lunch)
    assert kin_as_self("The user's son Leo has a severe peanut allergy.", lunch) == ""
    assert kin_as_self("The user has a son who has a severe peanut allergy.", lunch) == ""
    hike = [Event("My sister and I went hiking in the Alps last week.", T0, source="chat", actor="user")]
    assert kin_as_self("The user went hiking in the Alps with their sister.", hike) == ""


def test_what_the_user_says_of_a_younger_sister_is_not_the_users_own():
    # the 1.5B model stored "The user is getting married" from held-out fd63's Claude export
    wedding = [Event("my younger sister yuki is getting married in osaka nov 14. i live in toronto.", T0,
                     source="chat", actor="user")]
    assert kin_as_self("The user is getting married in Osaka on November 14th.", wedding)
    assert kin_as_self("The user's sister Yuki is getting married in Osaka on November 14th.", wedding) == ""


def test_what_she_did_after_my_daughter_is_named_is_the_daughters_not_the_users():
    chat = [Event("my daughter tolu is applying for pharmacology this year (2025 entry). predicted A*AA. she did 2 "
                  "weeks work experience at the boots pharmacy on wilmslow road in the summer. can you help her?",
                  T0, actor="user", source="chatgpt")]
    assert kin_as_self("The user is doing work experience at Boots pharmacy on Wilmslow road in the summer.", chat)
    assert kin_as_self("Tolu did work experience at Boots pharmacy on Wilmslow road.", chat) == ""
    # a sentence of the writer's own in between ends the daughter's turn ("I ...", "my ...")
    own = [Event("my daughter tolu is applying for pharmacology. I did work experience at the boots pharmacy on "
                 "wilmslow road in the summer.", T0, actor="user", source="chatgpt")]
    assert kin_as_self("The user did work experience at Boots pharmacy on Wilmslow road in the summer.", own) == ""
