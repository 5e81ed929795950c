"""A note imported again after an edit: the paragraphs the edit took out are marked.

`recall watch` gives a file's edit one event of kind "edited" naming the hashes of the
paragraphs it took out (meta "gone"), so search ranks those paragraphs after the file's
current text, marked "edited out", and ask does not answer from them. A note re-imported with
`recall import` gets the same event when what earlier imports stored from it is no longer in
it: the corrected "Thursday at 11" answers, not the "Tuesday at 9" it replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..models import Event, well_formed

if TYPE_CHECKING:
    from ..service import Recall


def mark_edited(svc: Recall, path: str, current: Iterable[str], ts: float) -> int:
    """Store the "edited" event for the note at ``path`` (as its events name it) whose
    paragraphs now hash to ``current``, when paragraphs stored from it before are gone (and
    no earlier edit named them); ``ts``: the file's time. How many paragraphs it names."""
    path = well_formed(path)  # as the events name it ("caf\ufffd.md" for a name that is not UTF-8)
    held = svc.store.note_paragraphs(path)
    if not held:
        return 0  # imported for the first time
    named = set().union(*(gone for _eid, gone in svc.store.paragraph_edits([path]).get(path, [])))
    gone = sorted(held - set(current) - named)
    if not gone:
        return 0
    # source "file", no session: the watcher's record of an edit, which search, ask and the
    # episodes already read as such (it names the file; it is no paragraph of it)
    text = f"Edited {path}: {len(gone)} paragraph{'s' if len(gone) != 1 else ''} changed or removed"
    svc.store_events([Event(text=text, ts_start=ts, source="file", kind="edited", meta={"path": path, "gone": gone})])
    return len(gone)
