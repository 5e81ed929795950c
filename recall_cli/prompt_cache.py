"""Carrying the evaluated stable prefix across processes: llama.cpp state on disk.

The file name is a hash of the model (path, size, mtime, context size) and of the prefix
tokens, so another model or prefix never matches. A corrupt, truncated or mismatched file
is removed and the prefix evaluated again: it is a cache, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any


def _key(llm: Any, tokens: list[int]) -> str:
    stat = llm.path.stat()
    model = f"{llm.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{llm.context_size}"
    digest = hashlib.sha256(model.encode())
    digest.update(b"|")
    digest.update(",".join(map(str, tokens)).encode())
    return digest.hexdigest()[:32]


def cache_file(llm: Any, tokens: list[int]) -> Path:
    return Path(llm.cache_dir) / f"prefix-{_key(llm, tokens)}.state"


def save_prefix(llm: Any, tokens: list[int]) -> Path | None:
    """Save the state right after evaluating ``tokens``; failures only cost the cache."""
    path = cache_file(llm, tokens)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump({"tokens": tokens, "state": llm.llama.save_state()}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return path
    except Exception:
        return None


def load_prefix(llm: Any, tokens: list[int]) -> bool:
    """Restore the state for ``tokens`` if a valid cache file exists."""
    path = cache_file(llm, tokens)
    if not path.exists():
        return False
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own file under RECALL_HOME
        state = data["state"]
        if data["tokens"] != tokens or state.n_tokens != len(tokens):
            raise ValueError("prefix mismatch")
        llm.llama.load_state(state)
        if list(llm.llama._input_ids[: len(tokens)]) != tokens:
            raise ValueError("state does not hold the prefix")
        return True
    except Exception:
        path.unlink(missing_ok=True)
        llm.llama.reset()
        return False
