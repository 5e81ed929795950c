"""Redaction of a whole event: its text and every other string it is stored with.

A secret can arrive in any field a person or a program fills in, not only the text:
``recall add x --source ghp_...``, ``--speaker``, ``--tag``, an import's session name or a
watched file's path. ``show``, ``search --json``, ``export`` and ``stats`` print those fields
as stored, so each one goes through the same table as the text, in the one write path and in
`recall doctor`'s rescan alike.

A mapping's key can name a secret too (a JSONL record's ``"password"``, ``"credentials":
{"pass": ...}``, ``"apiKey"``): its value is then the secret whatever it looks like, so it is
replaced whole (``[REDACTED:secret-field]``), where the table alone would keep a password
that looks like a word.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .secrets import MARK, placeholder, redact

if TYPE_CHECKING:
    from ..models import Event

# the event's string fields that are stored and shown beside its text (its kind is a fixed
# word the program chooses); part of the rescan's fingerprint, so a store scanned when fewer
# fields were looked at is scanned again
FIELDS = ("text", "source", "actor", "session", "meta")
# a memory's strings scanned likewise (its history keeps each state with its metadata)
MEMORY_FIELDS = ("text", "subject", "meta", "history.old_text", "history.new_text", "history.state")


FIELD = "secret-field"  # the name a value redacted for its key's sake is replaced by
# The last word of a key that names a secret (after camelCase and _ - . are split into words):
# password, db_pass, client_secret, accessToken, credentials; then two-word names (api_key,
# privateKey). Not a word about one (password_hint, token_count, pass_rate, is_secret: a flag).
# Part of the rescan's fingerprint.
SECRET_KEY_WORDS = frozenset("password passwd passphrase passcode pass pwd pw secret secrets token credential "
                             "credentials apikey authorization".split())
SECRET_KEY_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
                              ("auth", "key"), ("signing", "key"), ("encryption", "key")})
# words after the secret's name that say which copy it is (DB_PASSWORD_PROD, token_b64)
_KEY_SUFFIX = frozenset("value b64 base64 hex raw plain plaintext prod production dev staging test local old new "
                        "current".split())
_NO_VALUE = frozenset({"", "none", "null", "nil", "undefined", "true", "false", "str", "string"})


def secret_key(key: object) -> bool:
    """Whether a mapping's key names a secret, so that its value is one (see SECRET_KEY_WORDS)."""
    if not isinstance(key, str):
        return False
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()
    parts = [w for w in re.split(r"[^a-z0-9]+", words) if w]
    while len(parts) > 1 and (parts[-1] in _KEY_SUFFIX or parts[-1].isdigit()):
        parts.pop()
    if not parts:
        return False
    return parts[-1] in SECRET_KEY_WORDS or tuple(parts[-2:]) in SECRET_KEY_PAIRS


def _a_secret(text: str) -> bool:
    """A value under a secret's key that is one: not empty, a type, a stand-in or already redacted."""
    core = text.strip()
    return core.lower() not in _NO_VALUE and not placeholder(core) and not (core.startswith(MARK)
                                                                          and core.endswith("]"))


def redact_value(value: Any, names: set[str], *, secret: bool = False) -> Any:
    """``value`` with secrets replaced in every string inside it (a tag list, a nested mapping),
    and the whole value of a key that names a secret (``secret_key``); the names of what was
    found are added to ``names``. The same object when nothing changed, so an event without
    secrets is left as it is."""
    if isinstance(value, str):
        if secret and _a_secret(value):
            names.add(FIELD)
            return f"{MARK}{FIELD}]"
        found = redact(value)
        names.update(found.names)
        return found.text if found.names else value
    if isinstance(value, (list, tuple)):  # a list of passwords is as secret as one
        items = [redact_value(v, names, secret=secret) for v in value]
        return type(value)(items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):  # inside a mapping, its own keys decide ("credentials": {"user": ...})
        pairs = {k: redact_value(v, names, secret=secret_key(k)) for k, v in value.items()}
        return pairs if any(pairs[k] is not v for k, v in value.items()) else value
    return value


def redact_event(event: Event) -> Event:
    """The event with secrets replaced in its text, source, speaker, session and metadata
    (strings at any depth: tags are a list); the same object when there were none. The
    content hash follows the redacted fields."""
    names: set[str] = set()
    text, source = redact_value(event.text, names), redact_value(event.source, names)
    actor, session = redact_value(event.actor, names), redact_value(event.session, names)
    meta = redact_value(event.meta, names)
    if not names:
        return event
    meta = dict(meta)
    meta["redacted"] = sorted(names | set(meta.get("redacted") or ()))
    return replace(event, text=text, source=source, actor=actor, session=session, meta=meta, content_hash="")
