"""A question's kind, from its first words: what shape its answer takes (see shape.py)."""

from __future__ import annotations

import re

# ("what day rate ...?", "which day trip ...?" ask for a thing a day names, not a day)
KIND_DATE = re.compile(
    r"^\s*(?:when\b|(?:on |in |during )?(?:what|which) (?:year|month|date|day|night)\b"
    r"(?!\s+(?:rates?|jobs?|trips?|pass(?:es)?|tickets?|care|off|out|nights?|groups?|planner|return|spa|"
    r"nursery|centre|center)\b)|what time of (?:the )?year\b)", re.I)
KIND_STEPS = re.compile(
    r"^\s*(?:(?:please |can you |could you )?(?:remind|tell|show) me (?:again )?)?"  # "remind me how I'm supposed to"
    r"(?:how (?:do|can|could|should|would|did) (?:i|we|you|one)\b|how to\b|what (?:are|were) the steps\b"
    r"|how (?:am i|are we|was i|were we|i'm|we're|i am|we are|i was|we were) (?:supposed|meant) to\b"
    r"|how (?:i|we) (?:should|do|can|have to|need to|used to)\b"
    r"|what(?:'s| is| was) the (?:(?:right|best|proper) )?(?:command|way|procedure|process|routine|drill|method) "
    r"(?:to|for)\b|which command\b|what command\b)", re.I)
STEP_BY_STEP = re.compile(r"\bstep[- ]by[- ]step\b", re.I)  # "if it leaks again what do I do, step by step?"
KIND_DURATION = re.compile(r"^\s*how long\b(?! ago)", re.I)
KIND_LIST = re.compile(
    r"^\s*(?:what|which) (?:(?:kinds? of|types? of|sorts? of) )?(?:\w+ ){0,2}?"
    r"(?:activities|hobbies|books|pets|sports|events|places|things|games|instruments|foods|movies|shows|songs|"
    r"artists|bands|items|gifts|countries|cities|classes|courses|projects|causes|symbols|types|kinds)\b"
    r"|^\s*what (?:are|were) (?:\w+(?:'s)?\s+){1,3}(?:\w+s)\b", re.I)


# "When the disk filled up, what did I run?": a clause that sets the scene, then the question
LEAD_CLAUSE = re.compile(r"^\s*(?:when|while|after|before|once|if)\b[^,?]{3,80},\s*(?=(?:what|how|who|whom|where|"
                         r"which|why|did|do|does|is|was|were|can|could|should)\b)", re.I)


def question_kind(question: str) -> str:
    """date, steps, duration, list or other (from the question's first words, after a clause
    that sets the scene)."""
    question = LEAD_CLAUSE.sub("", question)
    if KIND_DATE.search(question):
        return "date"
    if KIND_STEPS.search(question) or STEP_BY_STEP.search(question):
        return "steps"
    if KIND_DURATION.search(question):
        return "duration"
    if KIND_LIST.search(question):
        return "list"
    return "other"
