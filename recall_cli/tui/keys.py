"""Reading ``tui.keymap`` ('app-help=f2,search-tab=ctrl+f'): each key checked against the names
Textual reports, so that a typo ('F2', 'ctrl-f') is refused or reported instead of moving an
action onto a key that can never be pressed (the old key stops working too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

# Textual names a key's modifiers in this (sorted) order: "ctrl+shift+up", never "shift+ctrl+up"
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


@lru_cache(1)
def _names() -> frozenset[str]:
    """Every key name Textual reports without modifiers: its special keys and the printable ASCII
    characters' names ('question_mark', 'slash', 'a', 'F')."""
    from textual.keys import Keys, _character_to_key

    special = {k.value.rpartition("+")[2] for k in Keys if not k.value.startswith("<")}
    return frozenset(special | {_character_to_key(chr(c)) for c in range(33, 127)})


def _base(name: str) -> bool:
    from textual.keys import key_to_character

    return name in _names() or (len(name) > 1 and key_to_character(name) is not None)


def normal_key(key: str) -> str:
    """``key`` as Textual reports it ('?' -> 'question_mark', 'shift+ctrl+up' -> 'ctrl+shift+up');
    ValueError saying why when no key press can ever produce it."""
    normal = _normal(key.strip())
    if normal is None:
        raise ValueError(f"{key.strip()!r} is no key the TUI can see{_hint(key.strip())}")
    return normal


def _normal(key: str) -> str | None:
    from textual.keys import _character_to_key

    if len(key) == 1:
        return _character_to_key(key)
    *mods, base = key.split("+")
    if len(base) == 1:
        base = _character_to_key(base)
    if not base or any(m not in MODIFIERS for m in mods) or len(set(mods)) < len(mods) or not _base(base):
        return None
    # shift+a arrives as "A"; with ctrl (or alt...) a letter arrives in lower case: "ctrl+F" never does
    if len(base) == 1 and base.isalnum() and (mods == ["shift"] or base.isupper()):
        return None
    return "+".join([*sorted(mods), base])


def _hint(key: str) -> str:
    """A guess at the key meant: lower case ('F2'), '+' between modifiers ('ctrl-f'), the
    capital letter for shift and a letter ('shift+a')."""
    shifted = key[len("shift+"):].upper() if key.startswith("shift+") and len(key) == 7 else key
    for guess in (key.lower(), key.replace("-", "+"), key.lower().replace("-", "+"), shifted):
        if guess != key and _normal(guess) is not None:
            return f" (did you mean {guess!r}?)"
    return " (keys are written like f2, ctrl+f, x, ?, escape)"


@dataclass
class Keymap:
    """A ``tui.keymap`` setting read: the keys by binding id, and what was left out."""

    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys as Textual names them
    unknown: list[str] = field(default_factory=list)  # pieces naming no binding, or no key
    problems: list[str] = field(default_factory=list)  # one line each: a key no press makes, an id given twice


def read_keymap(setting: str, known: set[str]) -> Keymap:
    """The binding ids and keys ``setting`` gives: a piece naming an id outside ``known`` or no key
    is in ``unknown``; a key no press can make, or an id given a second time, in ``problems``."""
    read = Keymap()
    written: dict[str, str] = {}
    for piece in filter(None, (p.strip() for p in setting.split(","))):
        name, _, key = (part.strip() for part in piece.partition("="))
        if name not in known or not key:
            read.unknown.append(piece)
        elif name in written:
            read.problems.append(f"{name!r} is given twice ({name}={written[name]}, {piece}): keep one")
        else:
            written[name] = key
            try:
                read.keys[name] = normal_key(key)
            except ValueError as exc:
                read.problems.append(f"{exc} (for {name!r})")
    return read
