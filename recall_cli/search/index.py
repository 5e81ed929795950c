"""The HNSW vector index: a cache of the vectors stored in SQLite.

Labels are embedding row ids. The index file carries the model id, dimension, the
highest id it holds and the last tombstone it applied, so any process can bring it up
to date (add new vectors, mark removed ones deleted) or rebuild it when it is missing,
unreadable, or built for another model or dimension.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ..home import PRIVATE_FILE, make_private_dir

if TYPE_CHECKING:
    import hnswlib
    import numpy as np

    from ..store.db import Store

FORMAT_VERSION = 1


class IndexStatus(TypedDict):
    """What ``VectorIndex.status`` reports (shown by `recall doctor`)."""

    file: str
    exists: bool
    model: str
    items: int
    max_id: int | None


@dataclass
class IndexParams:
    m: int = 16
    ef_construction: int = 200
    ef_search: int = 200


TEMP_GRACE = 600.0  # seconds; a save in another process takes far less


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id)[:80]


class VectorIndex:
    """hnswlib index over the vectors of one embedding model."""

    def __init__(self, store: Store, directory: Path, model_id: str, params: IndexParams | None = None) -> None:
        self.store = store
        self.directory = Path(directory)
        self.model_id = model_id
        self.params = params or IndexParams()
        self.index: hnswlib.Index | None = None  # None until loaded or built, and for no vectors
        self.meta: dict[str, Any] = {}
        self.dirty = False
        self.last_action = "none"

    @property
    def file(self) -> Path:
        return self.directory / f"{_slug(self.model_id)}.hnsw"

    @property
    def meta_file(self) -> Path:
        return self.directory / f"{_slug(self.model_id)}.json"

    def _new(self, dim: int, capacity: int) -> hnswlib.Index:
        import hnswlib

        index = hnswlib.Index(space="ip", dim=dim)
        index.init_index(
            max_elements=max(1024, capacity), ef_construction=self.params.ef_construction,
            M=self.params.m,
        )
        index.set_ef(self.params.ef_search)
        index.set_num_threads(max(1, os.cpu_count() or 1))
        return index

    def _load(self, dim: int) -> hnswlib.Index | None:
        """The cached index from disk (also kept in ``self.index``), or None when it is
        missing, unreadable or built for another model or dimension."""
        import hnswlib

        self.clean_temp_files()  # a killed save's leftovers go the next time the index opens
        if not (self.file.exists() and self.meta_file.exists()):
            return None
        try:
            meta = json.loads(self.meta_file.read_text())
            if (
                meta.get("version") != FORMAT_VERSION
                or meta.get("model") != self.model_id
                or meta.get("dim") != dim
            ):
                return None
            index = hnswlib.Index(space="ip", dim=dim)
            index.load_index(str(self.file), max_elements=int(meta.get("capacity", 1024)))
            index.set_ef(self.params.ef_search)
            index.set_num_threads(max(1, os.cpu_count() or 1))
        except Exception:  # a corrupt cache is rebuilt, never an error
            return None
        self.index, self.meta = index, meta
        return index

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Build the index from every stored vector of this model; returns the count."""
        import numpy as np

        count, max_id, dim = self.store.vector_fingerprint(self.model_id)
        tomb = self.store.last_tombstone()
        index = self.index = self._new(dim or 1, int(count * 1.25) + 1024)
        done = 0
        for batch in self.store.iter_vectors(self.model_id):
            ids = np.array([r[0] for r in batch], dtype=np.int64)
            vecs = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in batch])
            index.add_items(vecs, ids)
            done += len(batch)
            if progress:
                progress(done, count)
        self.meta = {
            "version": FORMAT_VERSION, "model": self.model_id, "dim": dim, "max_id": max_id,
            "tomb_seq": tomb, "capacity": index.get_max_elements(), "deleted": 0,
        }
        self.dirty = True
        self.last_action = "rebuilt"
        self.save()
        return done

    def sync(self) -> str:
        """Bring the cache up to date with the store; returns what it did."""
        import numpy as np

        count, max_id, dim = self.store.vector_fingerprint(self.model_id)
        if count == 0:
            self.index = None
            self.meta = {"version": FORMAT_VERSION, "model": self.model_id, "dim": dim,
                         "max_id": 0, "tomb_seq": self.store.last_tombstone(), "capacity": 0}
            self.last_action = "empty"
            return self.last_action
        index = self.index if self.index is not None else self._load(dim)
        if index is None:
            self.rebuild()
            return self.last_action
        action = "fresh"
        for seq, label in self.store.tombstones_after(self.model_id, int(self.meta.get("tomb_seq", 0))):
            try:
                index.mark_deleted(label)
                self.meta["deleted"] = int(self.meta.get("deleted", 0)) + 1
            except RuntimeError:
                pass  # never added, or already deleted
            self.meta["tomb_seq"] = seq
            self.dirty, action = True, "updated"
        for batch in self.store.iter_vectors(self.model_id, after_id=int(self.meta.get("max_id", 0))):
            needed = index.get_current_count() + len(batch)
            if needed > index.get_max_elements():
                index.resize_index(int(needed * 1.5))
                self.meta["capacity"] = index.get_max_elements()
            ids = np.array([r[0] for r in batch], dtype=np.int64)
            vecs = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in batch])
            index.add_items(vecs, ids)
            self.meta["max_id"] = int(ids[-1])
            self.dirty, action = True, "updated"
        live = index.get_current_count() - self._deleted_count()
        if live != count:
            self.rebuild()
            return self.last_action
        self.last_action = action
        self.save()
        return action

    def _deleted_count(self) -> int:
        # hnswlib keeps deleted labels in get_ids_list(), so the count is tracked in meta
        return int(self.meta.get("deleted", 0))

    def save(self) -> None:
        """Write the index and its metadata atomically (only when changed)."""
        if not self.dirty or self.index is None:
            return
        make_private_dir(self.directory)
        tmp = self.file.with_suffix(".hnsw.tmp")
        self.index.save_index(str(tmp))
        os.chmod(tmp, PRIVATE_FILE)  # hnswlib writes with the umask's mode
        os.replace(tmp, self.file)
        meta_tmp = self.meta_file.with_suffix(".json.tmp")
        meta_tmp.write_text(json.dumps(self.meta))
        os.chmod(meta_tmp, PRIVATE_FILE)
        os.replace(meta_tmp, self.meta_file)
        self.dirty = False

    def stale_temp_files(self, older_than: float = 0.0) -> list[Path]:
        """Temp files a killed save or rebuild left behind, untouched for ``older_than`` seconds
        (another process may be saving right now: its temp file is young)."""
        if not self.directory.is_dir():
            return []
        cutoff = time.time() - older_than
        found = []
        for path in self.directory.glob("*.tmp"):
            try:
                if path.stat().st_mtime <= cutoff:
                    found.append(path)
            except OSError:
                continue
        return sorted(found)

    def clean_temp_files(self, older_than: float = TEMP_GRACE) -> int:
        """Remove what ``stale_temp_files`` lists; returns how many."""
        removed = 0
        for path in self.stale_temp_files(older_than):
            try:
                path.unlink()
                removed += 1
            except OSError:
                continue
        return removed

    def query(
        self, vector: np.ndarray, k: int, allowed: Callable[[int], bool] | None = None
    ) -> list[tuple[int, float]]:
        """(embedding id, cosine similarity) best first."""
        index = self.index
        if index is None:
            return []
        live = index.get_current_count() - self._deleted_count()
        k = min(k, live)
        if k <= 0:
            return []
        index.set_ef(max(self.params.ef_search, k))
        try:
            labels, distances = index.knn_query(vector.reshape(1, -1), k=k, filter=allowed)
        except RuntimeError:
            # fewer than k items pass the filter: hnswlib refuses; retry smaller
            if allowed is None:
                raise
            return self._query_small(index, vector, k, allowed)
        return [(int(label), 1.0 - float(dist)) for label, dist in zip(labels[0], distances[0], strict=True)]

    @staticmethod
    def _query_small(index: hnswlib.Index, vector: np.ndarray, k: int,
                     allowed: Callable[[int], bool]) -> list[tuple[int, float]]:
        while k > 1:
            k = max(1, k // 4)
            try:
                labels, distances = index.knn_query(vector.reshape(1, -1), k=k, filter=allowed)
                return [(int(a), 1.0 - float(b)) for a, b in zip(labels[0], distances[0], strict=True)]
            except RuntimeError:
                continue
        return []

    def status(self) -> IndexStatus:
        """What `recall doctor` shows about the cache."""
        return {
            "file": str(self.file), "exists": self.file.exists(), "model": self.model_id,
            "items": 0 if self.index is None else self.index.get_current_count() - self._deleted_count(),
            "max_id": self.meta.get("max_id"),
        }
