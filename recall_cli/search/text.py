"""What search reads in a question and shows of a result: the words that count, the
question in a named speaker's own voice, snippets, and identical texts folded into one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from ..home import account_name
from ..models import Hit

STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her "
    "hers him his how i if in into is it its me my of on or our she so than that the their "
    "them then there these they this to was we were what when where which who whom why will "
    "with would you your yours about after before did does doing any some".split()
)
ASSISTANTS = frozenset({"assistant"})  # the chat exports' name for the AI side of a conversation
# what people call that side in a question ("what did ChatGPT suggest?"): the exports store "assistant"
ASSISTANT_NAMES = frozenset({"chatgpt", "claude", "gemini", "copilot", "gpt"})
# a question about the asker's own life ("where are we staying?"): what they said answers it,
# an assistant's reply is a suggestion ("you could stay in Gion"), unless nothing else does
OWN_LIFE = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|we'd|we'll|us|our|ours)\b", re.I)
NAMES_ASSISTANT = ASSISTANT_NAMES | {"assistant", "ai", "chatbot"}  # "what did the AI say about ...?"


# what holds an emoji sequence together: zero-width joiner, variation selectors, skin tones
JOINERS = frozenset("\u200d\ufe0e\ufe0f" + "".join(chr(c) for c in range(0x1F3FB, 0x1F400)))

SELF_NAMES = frozenset({"user", "me", "human", "you"})  # the exports' and notes' names for the writer


@lru_cache(maxsize=1)
def login_name() -> str:
    """The local account's name in lower case ("" when there is none)."""
    return (account_name() or "").lower()


def is_self(actor: str | None) -> bool:
    """Whether ``actor`` is the user: no speaker (a note), a chat export's "user", or the local
    account's name (commands and watched files)."""
    low = (actor or "").lower()
    return not low or low in SELF_NAMES or low == login_name()


def is_assistant(actor: str | None) -> bool:
    """Whether a message's speaker is the AI side of a chat export."""
    return (actor or "").lower() in ASSISTANTS


# a question in the first person about the asker's own words ("what did I say about ..."), not
# about what they were told ("what did you recommend ...") or what both said ("what we covered")
ASKER = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b", re.I)
TO_ASSISTANT = re.compile(r"\b(?:you|your|yours|you've|you'd|we|we've|we'd|we're|us|assistant|chatgpt|claude)\b",
                          re.I)
# "can you list ...", "thank you": the question is put to recall, not asked about the assistant
REQUEST = re.compile(r"\b(?:(?:can|could|would|will)\s+you|thank\s+you)\b", re.I)
# words that say "anything at all": a question of these and a time phrase asks what happened then
# ("what should I do next Friday?", "what's on tomorrow?", "what have I got on this week?")
GENERIC = frozenset("happen happened happening going go went anything something everything things thing stuff "
                    "up new done should need needs do doing plan plans planned schedule scheduled agenda due todo "
                    "on coming got get am write wrote written note notes jot jotted".split())


# the short forms notes write words in ("mum's op", "dentist appt"): a query's word finds them too
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "operation": ("op",), "appointment": ("appt",), "appointments": ("appts",), "birthday": ("bday",),
    "doctor": ("doc",), "information": ("info",), "meeting": ("mtg",), "message": ("msg",),
    "tomorrow": ("tmrw",), "weekend": ("wknd",), "account": ("acct",), "department": ("dept",),
    "reference": ("ref",), "christmas": ("xmas",), "medication": ("meds",), "medicine": ("meds",),
    "photograph": ("photo",), "telephone": ("phone",), "examination": ("exam",), "apartment": ("apt",),
    "prescription": ("rx",), "laboratory": ("lab",), "minutes": ("mins",), "hours": ("hrs",)}
# (and two-letter words said as they are: "the gp", "the dj", "my pb")
SHORT_WORDS = frozenset(short for forms in SHORT_FORMS.values() for short in forms) | {
    "gp", "dj", "pb", "pe", "tv", "pc"}


ASKING = frozenset({"much", "many"})  # "how much was the B&B?": the words of asking, not of the answer


def fts_terms(text: str) -> list[str]:
    """The query's meaningful words, lower-cased, once each (all of them if all are stopwords),
    each followed by the short forms notes write it in (SHORT_FORMS)."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS and w not in ASKING and len(w) > 1]
    if not words:
        words = [w for w in re.findall(r"\w+", text.lower())]
    return list(dict.fromkeys(t for w in words for t in (w, *SHORT_FORMS.get(w, ()))))


def symbol_terms(text: str) -> list[str]:
    """The emoji and pictographs of a query (each run as written, once): FTS5 reads them as
    spaces, so search looks for them in the text itself. Symbols below the arrows block
    (°, ©, currency) are left out: they say little and notes hold them everywhere."""
    runs: list[str] = []
    run = ""
    for ch in text:
        if ord(ch) >= 0x2190 and unicodedata.category(ch) == "So" or run and ch in JOINERS:
            run += ch
        else:
            if run:
                runs.append(run)
            run = ""
    if run:
        runs.append(run)
    return list(dict.fromkeys(runs))


def fts_expression(text: str) -> str:
    """An FTS5 OR-query of the meaningful words, each quoted so user text is never syntax."""
    return " OR ".join(f'"{w}"' for w in fts_terms(text))


def snippet(text: str, query: str, width: int = 160) -> str:
    """A window of ``text`` around the first query word, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS and len(w) > 2]
    lowered = flat.lower()
    positions = [lowered.find(w) for w in words if lowered.find(w) >= 0]
    center = min(positions) if positions else 0
    start = max(0, center - width // 3)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")


# a lower-case letter then a capital inside a word: where a name written joined ("PureGym",
# "OneDrive") starts its next word
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def joined_parts(text: str) -> str:
    """The words inside ``text``'s joined names, apart ("PureGym" -> "Pure Gym"); "" when none."""
    return " ".join(CAMEL.sub(" ", w) for w in re.findall(r"\w+", text) if CAMEL.search(w))


def content_terms(text: str) -> list[str]:
    """The query's words that are not stopwords, in order (for speaker lookup)."""
    return [w for w in re.findall(r"\w+", text) if w.lower() not in STOPWORDS and len(w) > 1]


def only_time(cleaned: str) -> bool:
    """Whether a question with its time phrase taken out asks about nothing in particular
    ("what happened last week?" -> "what happened?")."""
    return not [w for w in content_terms(cleaned) if w.lower() not in GENERIC]


def asks_of_self(text: str) -> bool:
    """Whether a question asks what the asker themself said or did ("how many columns did I
    want to add?"): their own messages are the answer, an assistant's replies only echo them."""
    return bool(ASKER.search(text)) and not TO_ASSISTANT.search(REQUEST.sub(" ", text))


def first_person(text: str, name: str) -> str | None:
    """The question as the named speaker would say it to themself: "What books has Tim
    read?" -> "What books has I read?", "Tim's dog" -> "my dog". A speaker's own messages
    say "I", not their name, so this reads closer to them. None when the name is not there."""
    words = r"\s+".join(re.escape(w) for w in name.split())
    pattern = re.compile(rf"\b{words}(?P<own>'s|’s)?\b", re.I)
    if not pattern.search(text):
        return None
    return pattern.sub(lambda m: "my" if m.group("own") else "I", text)


def fold_identical(hits: list[Hit]) -> list[Hit]:
    """Hits with the same text (whitespace aside) as one: the best-placed one stays, showing
    the latest time, with ``meta["repeats"]`` (how many) and ``meta["repeat_ids"]`` (the
    others); a shell command typed eight times is one result, not eight, and that result is
    its latest run. A hit already there (the command a long command's later part stands for)
    is left out; parts of different long texts are different texts."""
    first: dict[tuple[str, str, str | None], int] = {}
    seen: set[tuple[str, int]] = set()
    out: list[Hit] = []
    for hit in hits:
        if (hit.owner, hit.id) in seen:
            continue
        seen.add((hit.owner, hit.id))
        key = (hit.owner, " ".join(hit.text.split()), hit.meta.get("whole"))
        if key not in first:
            first[key] = len(out)
            out.append(hit)
            continue
        kept = out[first[key]]
        if (kept.source == "shell" and hit.ts > kept.ts) or (kept.source == "file" == hit.source and hit.id > kept.id):
            # a command's latest run says where it stands (its exit code, its directory), a
            # paragraph's latest copy where it is now (a renamed file keeps its time): it
            # takes the place of the better-placed older one, which joins the repeats
            kept, hit = replace(hit, score=kept.score, ranks=kept.ranks, meta={
                **hit.meta, **{k: kept.meta[k] for k in ("repeats", "repeat_ids", "first_ts") if k in kept.meta}}), kept
        meta = dict(kept.meta)
        meta["repeats"] = int(meta.get("repeats", 1)) + 1
        meta["repeat_ids"] = [*meta.get("repeat_ids", []), hit.ref]
        meta["first_ts"] = min(float(meta.get("first_ts", kept.ts)), hit.ts)
        out[first[key]] = replace(kept, meta=meta, ts=max(kept.ts, hit.ts))
    return out
