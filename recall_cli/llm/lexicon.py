"""Word tables the answer checks read: relatives by kind, irregular past forms, calendar
adverbs, idioms."""

from __future__ import annotations

import re

# the people a question can name by how they are related to the asker; each word -> its kind
# ("mum" and "mother" are one person, "sister" and "brother" two)
# (with the words other languages and places say them in: "Ma", "Amma", "Pai", "Paati", "Oma")
RELATION = {word: kind for kind, spelled in (
    ("mother", "mother mom mum mam mommy mummy mama ma mammy amma maman mamá mãe mutti"),
    ("father", "father dad daddy papa appa pai papá vati tata tato"),
    ("grandmother", "grandmother grandma granny gran nan nana nanna paati patti ammamma oma avó nonna abuela babcia"),
    ("grandfather", "grandfather grandpa granddad grandad gramps thatha thaatha opa avô nonno abuelo"),
    ("brother", "brother bro"),
    ("sister", "sister sis"), ("son", "son"), ("daughter", "daughter"), ("wife", "wife"),
    ("husband", "husband"), ("aunt", "aunt auntie aunty"), ("uncle", "uncle"), ("cousin", "cousin"),
    ("niece", "niece"), ("nephew", "nephew"), ("girlfriend", "girlfriend"), ("boyfriend", "boyfriend"),
    ("fiance", "fiance fiancé fiancee fiancée"), ("boss", "boss"), ("stepmother", "stepmother stepmom stepmum"),
    ("stepfather", "stepfather stepdad")) for word in spelled.split()}

# irregular past forms meet their verb ("which book did Priya lend me?" over "Priya lent me
# her copy"); not those that are also everyday words of another sense (left, saw, found, felt)
# (not "left", "sat", "fell" or "bit": a side, a Saturday, a hill and "a bit" more often than verbs)
IRREGULAR: dict[str, str] = {past: verb for verb, forms in (
    ("lend", "lent"), ("buy", "bought"), ("teach", "taught"), ("go", "went gone"), ("run", "ran"),
    ("meet", "met"), ("give", "gave given"), ("take", "took taken"), ("make", "made"), ("tell", "told"),
    ("say", "said"),
    ("sell", "sold"), ("pay", "paid"), ("spend", "spent"), ("send", "sent"), ("build", "built"),
    ("bring", "brought"), ("think", "thought"), ("write", "wrote written"), ("fly", "flew flown"),
    ("drive", "drove driven"), ("eat", "ate eaten"), ("begin", "began begun"), ("choose", "chose chosen"),
    ("break", "broke broken"), ("keep", "kept"), ("lose", "lost"), ("win", "won"), ("swim", "swam swum"),
    ("sleep", "slept"), ("hear", "heard"), ("catch", "caught"), ("ride", "rode ridden"), ("drink", "drank drunk"),
    ("grow", "grew grown"), ("know", "knew known"), ("wear", "wore worn"), ("speak", "spoke spoken"),
    ("forget", "forgot forgotten"), ("become", "became"), ("come", "came"), ("get", "got gotten"),
    ("sing", "sang sung"), ("see", "seen"), ("ring", "rang rung"), ("find", "found"),
    ("feel", "felt"), ("hold", "held"), ("stand", "stood"), ("understand", "understood"), ("fall", "fallen"),
    ("throw", "threw thrown"), ("draw", "drew drawn"), ("hide", "hid hidden"), ("shake", "shook shaken"),
    ("steal", "stole stolen"), ("wake", "woke woken"), ("freeze", "froze frozen"), ("forgive", "forgave forgiven"),
    ("dig", "dug"), ("stick", "stuck"), ("hang", "hung"), ("feed", "fed"), ("bite", "bitten"))
    for past in forms.split()}


# a calendar adverb is its period: "weekly stall fee" is the fee "a week"
PERIODIC = {"daily": "day", "weekly": "week", "fortnightly": "fortnight", "monthly": "month", "yearly": "year",
            "annually": "year", "hourly": "hour", "nightly": "night"}
# a month's short form is the month ("flat bills Oct" is October's); not "jan", "mar" or "may",
# which are names and words as often
SHORT_MONTHS = {short: month for month in "february april june july august september october november december".split()
                for short in {month[:3], "sept" if month == "september" else month[:3]}}

# feasts a question dates by ("the shoes I bought after Christmas"): times, not names
HOLIDAYS = frozenset("christmas xmas easter halloween thanksgiving diwali pongal eid ramadan hanukkah passover "
                     "hogmanay".split())
# languages and the people of a country ("my Italian test", "the French teacher"): what a
# thing is, not a person the evidence must name
LANGUAGES = frozenset("english french german italian spanish portuguese dutch swedish norwegian danish finnish "
                      "polish russian ukrainian greek turkish arabic hebrew hindi urdu bengali tamil chinese "
                      "mandarin cantonese japanese korean vietnamese thai indonesian irish scottish welsh "
                      "british american canadian australian mexican brazilian".split())
# words that say what a thing is like, not which thing ("the red car", "my spare key"): a
# question may add them where the notes never do
ADJECTIVES = frozenset("red blue green yellow orange purple pink black white grey gray brown silver gold golden "
                       "dark light big small large little tiny huge long short tall old new young spare main "
                       "other same whole full empty broken cheap expensive nice good bad best worst favourite "
                       "favorite usual regular current next last first second third previous latest recent "
                       "upcoming own dear beloved general electric manual digital local free extra early late "
                       "front back upstairs downstairs left right top bottom inner outer hot cold warm cool "
                       "wooden metal plastic leather".split())

# an idiom that names its subject in other words: "what does Tomás do for a living?" asks about work;
# "who ended up driving ...?", "what did it cost in the end?": the outcome is asked, and "end" is no key;
# "which plumber did I go with?" asks which was chosen (decided on)
IDIOMS = ((re.compile(r"\bdo(?:es)?\s+for\s+(?:a\s+)?living\b", re.I), "work"),
          (re.compile(r"\b(?:end|ends|ended|ending)\s+up\s+|\s*\bin\s+the\s+end\b|\s*\bafter\s+all\b", re.I), ""),
          (re.compile(r"\b(?:go|goes|went|going|gone)\s+with\b(?=\W*$|\s+(?:and|for|in|now)\b)", re.I), "decide"))

# the people a question can name by what they do for the asker ("whens the plumber starting"):
# notes name them once and then call them by name (see role.py)
ROLES = frozenset("""
plumber builder tiler electrician sparky joiner carpenter roofer plasterer painter decorator gardener cleaner
mechanic locksmith glazier handyman landlord landlady dentist doctor gp vet physio physiotherapist therapist
counsellor counselor optician hygienist midwife surgeon consultant accountant solicitor lawyer architect surveyor
tutor supervisor advisor adviser mentor coach trainer instructor babysitter childminder nanny hairdresser barber
""".split())

# what a sum of money is for: "the rent at the old place" is not the deposit on it
MONEY_KINDS = frozenset("""
rent deposit fee fare salary wage wages rate tip bill fine refund budget quote invoice valuation premium excess
mortgage tax deductible allowance pension
""".split())
