"""The verb a question asks about: patterns for "what did I <verb> ...?", "who <verb>s ...?",
"when did I <verb> ...?", "did I <verb> ...?", and the verbs that only frame a question."""

from __future__ import annotations

import re

# "what did I name my starter?": the verb asked about. A sentence that holds it ("I named it
# Clint Yeastwood") answers before one that only shares the object ("my starter smells ...")
_DEED = (r"\b(?:did|do|does|will|would|should|can|could)\s+(?:i|we|you|he|she|they|"
         r"(?:the|my|our|his|her|their|your|a|an)\s+[\w-]+(?:\s+(?-i:[A-Z0-9])[\w-]*)?"  # "the Bristol 10K"
         r"|[A-Z][\w-]*(?:'s\s+[\w-]+)?|[A-Z][\w'-]*)\s+([a-z]+)\b")
PREDICATE = re.compile(r"^\s*(?:what|which|who|whom|where|how|why)\b[^?]{0,40}?" + _DEED,
                       re.I)  # "what did Lukas's PCA show?", "what did the vet say?": the verb after the whole subject
# "when did I submit my tax return?", "when did Tariq actually move out?"; not after "the" or
# "my" ("when did the whooper swans come back?": a subject of more than one word is no verb)
WHEN_PREDICATE = re.compile(r"^\s*when\s+(?:did|do|does|will|would|should|can|could)\s+"
                            r"(?!(?:the|my|our|his|her|their|your|a|an|this|that|these|those)\b)[\w'-]+\s+"
                            r"(?:(?:[a-z]+ly|last|first|ever|just|still|even|finally|then)\s+)?([a-z]+)\b", re.I)
WHO_VERB = re.compile(r"^\s*who\s+([a-z]+(?:s|ed))\b", re.I)  # "who teaches it?", "who recommended it?"
# verbs that frame a question rather than name what happened ("what did Jon tell Gina he won't do?")
GENERIC_VERBS = frozenset("do does did have has had get got go went be make made take took say says said tell tells "
                          "told want wants think thinks feel feels like likes mean means know knows need needs".split())
GOT_FOR = re.compile(r"\b(?i:get)\s+(?:(?i:him|her|them|me|us|for|my\s+\w+)\b|[A-Z][\w'-]*)")  # "get Rory", "get her"

# "who is the physio treating my finger?": the one a note calls the physio
# (the role is the last word before what follows it: "insurance" of "who is my car insurance with?";
# else the first: "physio" of "who is the physio treating my finger?")
ROLE_ASKED = re.compile(r"^\s*who(?:\s+is|\s+was|'s|\u2019s)\s+(?:the|my|our)\s+(?:(?:[a-z]+\s+){0,2}?([a-z]+)"
                        r"(?=\s+(?:with|for|at|in|on|from|of|to|now|again|these|this|then|there|that|who|which|"
                        r"when|doing)\b|\s*[?.!]*\s*$)|([a-z]+)\b)", re.I)
DEED_ASKED = re.compile(r"^\s*did\s+(?:i|we)\s+([a-z]+)\b", re.I)
