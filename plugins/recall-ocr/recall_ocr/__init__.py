"""recall-ocr: the text of the active window, read with tesseract, for recall's screen watcher.

Enabled by ``recall config set screen.ocr true`` once this distribution is installed (its
entry point registers this module as the ``ocr`` plugin). The watcher calls the
``screen_text`` hook for a window that has stayed active for ``screen.min_seconds``, then at
most once a minute while it stays active; this plugin grabs the window (X11), runs
``tesseract`` on it and returns the text, or None when the text is one it returned recently
(``$RECALL_HOME/ocr/seen.json`` keeps the hashes of the last texts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recall_cli.plugins.hookspecs import hookimpl

from .dedupe import SeenTexts
from .grab import GrabError, grab_window
from .tesseract import OcrError, tesseract_text

__all__ = ["read_window_text", "screen_text", "SeenTexts", "grab_window", "tesseract_text"]
__version__ = "0.1.0"

log = logging.getLogger("recall.ocr")
_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("recall-ocr: %s", message)


def read_window_text(window: Any, home: str | Path, *,
                     ocr: Callable[[Any], str | None] | None = None,
                     seen: SeenTexts | None = None) -> str | None:
    """The window's text when it is new; None when it is empty, was seen recently or the
    window cannot be read. ``ocr(window) -> text`` defaults to grab + tesseract."""
    read = ocr or ocr_window
    text = read(window)
    if not text or not text.strip():
        return None
    text = clean(text)
    if not text:
        return None
    seen = seen or SeenTexts(Path(home) / "ocr" / "seen.json")
    if not seen.add(text):
        return None  # the same text (up to spacing, punctuation and case) came back
    return text


def ocr_window(window: Any) -> str | None:
    """Grab the window and run tesseract on it."""
    try:
        image = grab_window(window)
        return tesseract_text(image)
    except (GrabError, OcrError) as exc:
        _warn_once(str(exc))
        return None


def clean(text: str) -> str:
    """OCR output without trailing spaces, form feeds and runs of blank lines; text with fewer
    than three letters or digits is noise and becomes empty."""
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    body = "\n".join(out).strip()
    return body if sum(ch.isalnum() for ch in body) >= 3 else ""


@hookimpl
def screen_text(window: Any, home: Any) -> str | None:
    return read_window_text(window, home)
