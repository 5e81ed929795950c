"""Shapes of a secret's value that a regular expression cannot check: a generated token's
character entropy, a payment card's Luhn digit, an AWS secret key's mix of characters, a
password a person chose, and what only stands where a secret would (a variable, a mask, code).

Standard library only, like secrets.py, which uses these as its patterns' last checks.
"""

from __future__ import annotations

import math
import re

MARK = "[REDACTED:"  # what a redacted secret is replaced by opens with this: "[REDACTED:name]"


def random_looking(value: str) -> bool:
    """A long token that looks generated: letters and digits mixed, and high character entropy
    (a path, a word joined by dashes or a version string is not)."""
    if len(value) < 20 or not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return False
    counts: dict[str, int] = {}
    for c in value:
        counts[c] = counts.get(c, 0) + 1
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return entropy >= 3.5 and (mixed_case or len(value) >= 32)


def card_number(value: str) -> bool:
    """A payment card number: 13-19 digits with a card network's prefix (Visa, Mastercard,
    American Express, Discover, JCB, Diners, UnionPay, Maestro) and a valid Luhn check digit,
    so an order number or a phone number is hardly ever taken for one."""
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    head = "".join(map(str, digits[:6]))
    if not re.match(r"4|5[1-5]|2(?:2[2-9]|[3-6]|7[01]|720)|3[47]|3(?:0[0-5]|[68])|6(?:011|5|4[4-9]|2)|35|5[06-8]",
                    head):
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def aws_secret_shape(value: str) -> bool:
    """A bare AWS secret access key: upper, lower, digit and a / or + (never a git SHA)."""
    return (any(c.isupper() for c in value) and any(c.islower() for c in value)
            and any(c.isdigit() for c in value) and ("/" in value or "+" in value) and random_looking(value))


def random_not_hex(value: str) -> bool:
    """A random token, not a hex digest ("a3f9... fixed the token refresh" names a commit)."""
    return random_looking(value) and not re.fullmatch(r"[0-9a-fA-F]+", value)


# What stands where a secret would, and is none: a variable or template reference ($TOKEN,
# ${DB_PASSWORD}, {{ api_key }}, <token>), a mask (xxxx, ****, ...), or code-style words that
# tell the reader to put their own there (your_api_key_here, YOUR-TOKEN). Other words stay
# redacted: "my_api_key" or "follow-your-heart" may be someone's real password.
_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{\s*[\w.\-]+\s*\}\}|\{[A-Za-z_][\w.]*\}|"
                        r"<[^<>\n]{1,40}>|<[A-Za-z][\w-]*|[xX*.•…]{3,}")
# Where a secret is kept is no secret: a file's path under a variable or the home folder
# ("GOOGLE_APPLICATION_CREDENTIALS=$HOME/keys/sa.json", "~/.aws/credentials"), or absolute
# from a system's top folder ("/run/secrets/db"). A base64 token may open with "/" too, so
# an absolute path must start at a folder every system has.
_PATH = re.compile(r"(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|~|\.{1,2}|/(?:home|Users|etc|run|var|opt|srv|tmp|root|"
                   r"mnt|usr|Volumes|private|secrets|data))(?:/[\w.-]+)+/?")
_STAND_IN = frozenset({"your", "placeholder"})
_WHAT_GOES = frozenset({"key", "token", "secret", "password", "pass", "pw", "api", "here", "id", "value",
                        "credential", "credentials", "apikey"})


def placeholder(value: str) -> bool:
    """Whether a secret's value is only a stand-in for one (see _REFERENCE) or where one is kept (_PATH)."""
    value = value.strip("'\"")
    if _REFERENCE.fullmatch(value) or _PATH.fullmatch(value):
        return True
    words = value.lower().replace("-", "_").split("_")
    return all(w.isalpha() for w in words) and bool(_STAND_IN & set(words)) and bool(_WHAT_GOES & set(words))


# An unquoted value that is code, not a secret: a call, a subscript or an attribute chain
# ("request.form['password']", "generate_password_hash(password, ...)"), an environment
# variable or a field read (process.env.API_KEY, self.token), or a variable passed on in an
# argument list ("User(password=hashed_password, ...)").
CONSTANTS = frozenset({"none", "null", "nil", "undefined", "true", "false"})
_CODE_VALUE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:[(\[].*|,)"
                         r"|(?:process\.env|import\.meta\.env|os\.environ|self|this)\.[\w$.]+", re.DOTALL)


def not_code(value: str) -> bool:
    """False for an assigned value that is an expression of code (see _CODE_VALUE) or a
    language's empty or truth value (``password = None``)."""
    if value[:1] in {"'", '"'}:
        return True
    return value.lower() not in CONSTANTS and not _CODE_VALUE.fullmatch(value)


def looks_chosen(value: str) -> bool:
    """A value a person chose as a password: quoted, or not a plain lower-case word (it has a
    digit, a symbol or mixed case). "the password is wrong" is prose; "is hunter2" is not."""
    core = value.strip("'\"")
    if len(core) < 4:
        return False
    if value[:1] in {"'", '"'}:
        return True
    return (any(c.isdigit() for c in core) or any(not c.isalnum() for c in core)
            or (any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)))


def chosen_or_long(value: str) -> bool:
    """A chosen-looking value, or one long run of letters ("correcthorsebatterystaple"): hardly
    a word of prose has sixteen letters or more, joined passphrases often do. Code is neither
    ("password = db.Column(...)")."""
    core = value.strip("'\"")
    return (looks_chosen(value) or (len(core) >= 16 and core.isalpha())) and not_code(value)


# a type or an empty value after "password:" in code or a form ("password: str", "Password: <input")
NOT_A_VALUE = CONSTANTS | {"str", "string", "int", "bytes", "optional", "secretstr", "text", "required"}


def labelled_value(value: str) -> bool:
    """After an unambiguous password label ("wifi pass: sunshine", "pw: x"), any value but a
    type, an empty value or code ("password: str", "password: None")."""
    return value.strip("'\"").lower() not in NOT_A_VALUE and not_code(value)
