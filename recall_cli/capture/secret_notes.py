"""Passwords as people write them down in notes: a table with a password column, "changed my
Netflix password to ...", "Password - ...", "Wifi: HomeNet / ...", ``passwd X``, and the
label in other languages ("Passwort: ...", "mot de passe : ...").

Standard library only, like secrets.py, whose one table takes these rows in their place
(after "login is user / password"). A row is what secrets.py makes a pattern of, plus texts
the row must leave as they are (``keep``: a test checks them) and, for the table, a
``rewrite`` that replaces the cells of its password columns.
"""

from __future__ import annotations

import re

from .secret_commands import Row
from .secret_shapes import MARK, chosen_or_long, labelled_value, looks_chosen, placeholder

# a value closing a phrase: quoted, or up to a space or the punctuation that ends a clause
_WORD = r"""(?P<secret>'[^'\n]+'|"[^"\n]+"|[^\s'",;]+?)(?=[.,;)]?['"’”]?[.,;)]?(?:\s|$))"""
# the word for password in other languages (German, French, Spanish, Portuguese, Dutch,
# Swedish, Danish, Norwegian, Finnish, Polish, Italian, Czech, Slovene, Hungarian)
_FOREIGN_WORDS = (r"passwort|kennwort|mot\s+de\s+passe|contraseña|contrasena|senha|palavra-passe|wachtwoord|"
                  r"lösenord|losenord|adgangskode|passord|salasana|hasło|haslo|parola|heslo|geslo|jelszó|jelszo")
_FOREIGN = "(?:" + _FOREIGN_WORDS + ")"
_FOREIGN_NEEDLES = ("pass kennwort contrase senha wachtwoord lösenord losenord adgangskode salasana hasło haslo "
                    "parola heslo geslo jelszó jelszo")

# a table's header cell that names its column's cells secrets ("password", "wifi password",
# "PIN", "API key"); "pass" only beside a user or login column ("| site | user | pass |"),
# since alone it may be a test's result
_SECRET_HEADING = re.compile(r"(?:[\w'’-]+\s+){0,2}(?:passwords?|passwd|passcodes?|passphrases?|pwd|pw|pins?|"
                             r"pin\s+codes?|secrets?|secret\s+keys?|api[\s_-]?keys?|wi-?fi\s+keys?|" + _FOREIGN
                             + r")", re.IGNORECASE)
_PASS_HEADING = re.compile(r"pass|pw", re.IGNORECASE)
_USER_HEADING = re.compile(r"(?:[\w'’-]+\s+)?(?:user(?:name)?|login|e-?mail|account|benutzer|utilisateur)",
                           re.IGNORECASE)
# what a cell holds when it holds no secret: empty, a dash, "n/a", a check mark
_NO_SECRET = frozenset("- — – -- n/a na none ? … ... ✓ ✔ ✅ ❌ x yes no".split())
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> tuple[list[str], int]:
    """A table line's pieces between pipes, and the index of its first column among them."""
    return _CELL_SPLIT.split(line), 1 if line.lstrip().startswith("|") else 0


def _secret_columns(header: str) -> list[int]:
    parts, first = _cells(header)
    names = [p.strip().strip("*_`").strip() for p in parts[first:]]
    columns = [i for i, name in enumerate(names) if _SECRET_HEADING.fullmatch(name)]
    if any(_USER_HEADING.fullmatch(name) for name in names):
        columns += [i for i, name in enumerate(names) if _PASS_HEADING.fullmatch(name)]
    return columns


def rewrite_table(block: str, tag: str) -> str:
    """A Markdown table with the cells of its password columns replaced by ``tag`` (a cell
    with nothing in it, a dash, a stand-in or one redacted already is kept)."""
    lines = block.split("\n")
    columns = _secret_columns(lines[0])
    if not columns:
        return block
    for number in range(2, len(lines)):
        parts, first = _cells(lines[number])
        for column in columns:
            index = column + first
            if index >= len(parts):
                continue
            value = parts[index].strip()
            if value.lower() in _NO_SECRET or not value or MARK in value or placeholder(value):
                continue
            lead = parts[index][: len(parts[index]) - len(parts[index].lstrip())]
            trail = parts[index][len(parts[index].rstrip()):]
            parts[index] = f"{lead}{tag}{trail}"
        lines[number] = "|".join(parts)
    return "\n".join(lines)


def _dashed_value(value: str) -> bool:
    """After "Password - ", a chosen-looking value that is not a date ("password - 2024-05-01 reset")."""
    return looks_chosen(value) and not re.fullmatch(r"\d{1,4}(?:[-/.]\d{1,4}){1,2}", value.strip("'\""))


def _wifi_password(value: str) -> bool:
    """After a network's name and a slash, a chosen password, not a band or a security mode."""
    return looks_chosen(value) and not re.fullmatch(r"(?i)wpa\d?(?:-\w+)?|wep|wps|open|none|\d+(?:\.\d+)?g(?:hz)?",
                                                    value.strip("'\""))


def _passwd_value(value: str) -> bool:
    """After ``passwd``, a password (six or more, a digit, and a capital or a symbol), not the
    user whose password the command changes ("passwd alice01") nor a flag."""
    core = value.strip("'\"")
    return (len(core) >= 6 and not core.startswith("-") and "/" not in core and any(c.isdigit() for c in core)
            and (any(c.isupper() for c in core) or any(not c.isalnum() for c in core)))


NOTE_ROWS: tuple[Row, ...] = (
    Row("password-table", "pass pw pin secret key " + _FOREIGN_NEEDLES,
            r"(?im)^(?=[^\n]*\|)(?=[^\n]*(?:pass|pw|pin|secret|key|" + _FOREIGN_WORDS + r"))[^\n]*\n"
            r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*(?:\n[^\n|]*\|[^\n]*)+",
            "| service | user | password |\n|---|---|---|\n| router | admin | Kettle!Blue99 |\n| printer | - | - |",
            "Kettle!Blue99", "the cells of a Markdown table's password column",
            keep=("| app | password manager |\n|---|---|\n| 1Password | yes |",
                  "| test | pass |\n|---|---|\n| login works | yes |"),
            rewrite=rewrite_table),
    Row("password-prose", "pass pw pin",
            r"(?i)\b(?:changed|change|set|reset|updated?)\s+(?:(?:the|my|our|his|her|their)\s+)?(?:[\w'’-]+\s+){0,3}?"
            r"(?:password|passwd|passcode|passphrase|pwd|pw|pin)\s+to\s+(?:be\s+)?" + _WORD,
            "I changed my Netflix password to Moonlight2024 yesterday.", "Moonlight2024",
            "\"changed my X password to ...\" (a chosen-looking value)", accept=chosen_or_long,
            keep=("I changed my password to something stronger", "reset the router password to the default")),
    Row("password-label", "pass pw",
            r"(?i)\b(?:password|passwd|passcode|pwd|pw)(?:\s+-+\s+|\s*[–—]\s*)" + _WORD,
            "Password - Moonlight2024", "Moonlight2024", "\"Password - VALUE\" (a chosen-looking value)",
            accept=_dashed_value, keep=("Password - see the drawer", "password - 2024-05-01 reset")),
    Row("login-pair", "fi",
            r"(?i)\bwi-?fi\b(?:\s+[\w'’-]+){0,3}?\s*(?::|=|\s-|\s+is)\s*[^\s/]+(?:\s+[^\s/]+){0,2}?\s*/\s*"
            r"(?P<secret>[^\s,;/]{4,}?)(?=[.,;)]?(?:\s|$))",
            "Wifi: HomeNet / Moonlight2024", "Moonlight2024", "\"Wifi: NETWORK / PASSWORD\" in notes",
            accept=_wifi_password, keep=("wifi: 2.4 GHz / 5GHz", "Wifi: HomeNet / WPA2", "wifi: fast / reliable")),
    Row("password-prose", "passwd", r"\bpasswd\s+(?P<secret>[^\s'\",;]+?)(?=[.,;)]?(?:\s|$))",
            "passwd Moonlight2024", "Moonlight2024", "\"passwd VALUE\" in notes (not the user it is run for)",
            accept=_passwd_value, keep=("passwd alice01", "passwd -l bob", "sudo passwd deploy")),
    Row("password-label", _FOREIGN_NEEDLES, r"(?i)\b" + _FOREIGN + r"\s*[:=][ \t]*" + _WORD,
            "Passwort: Moonlight2024", "Moonlight2024", "the password's label in other languages (any value)",
            accept=labelled_value, keep=("Passwort: str",)),
    Row("password-prose", _FOREIGN_NEEDLES,
            r"(?i)\b" + _FOREIGN + r"(?:\s+[\w'’-]+){0,3}?\s+(?:ist|est|es|é|is|er|är|on|jest|je|è)\s+" + _WORD,
            "mon mot de passe est Soleil2024!", "Soleil2024", "\"mein Passwort ist ...\" in other languages",
            accept=chosen_or_long, keep=("mein Passwort ist falsch", "le mot de passe est trop court")),
)
