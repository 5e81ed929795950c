"""Which OCR texts were returned recently: content hashes in a small JSON file."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

KEEP = 500
_WORD = re.compile(r"\w+")


def text_hash(text: str) -> str:
    """A hash of the words only: OCR jitter in spacing, punctuation or case is the same text."""
    words = _WORD.findall(text.casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8", "replace")).hexdigest()[:32]


class SeenTexts:
    """The hashes of the last ``keep`` texts, oldest first, persisted at ``path``."""

    def __init__(self, path: str | os.PathLike[str], keep: int = KEEP) -> None:
        self.path = Path(path)
        self.keep = max(1, keep)
        self.hashes = self._load()

    def _load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        hashes = data.get("hashes") if isinstance(data, dict) else None
        return [h for h in hashes if isinstance(h, str)][-self.keep:] if isinstance(hashes, list) else []

    def __contains__(self, text: str) -> bool:
        return text_hash(text) in self.hashes

    def add(self, text: str) -> bool:
        """Remember ``text``; False when it was already among the last ``keep``."""
        digest = text_hash(text)
        if digest in self.hashes:
            self.hashes.remove(digest)  # seen again: keep it longest
            self.hashes.append(digest)
            self._save()
            return False
        self.hashes.append(digest)
        del self.hashes[:-self.keep]
        self._save()
        return True

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"version": 1, "hashes": self.hashes}), encoding="utf-8")
        os.replace(tmp, self.path)
