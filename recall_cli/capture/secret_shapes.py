"""Shapes of a secret's value that a regular expression cannot check: a generated token's
character entropy, a payment card's Luhn digit, an AWS secret key's mix of characters.

Standard library only, like secrets.py, which uses these as its patterns' last checks.
"""

from __future__ import annotations

import math
import re


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
