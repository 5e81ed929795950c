"""Carrying the evaluated stable prefix across processes: llama.cpp state on disk.

Within one process llama.cpp reuses the longest common token prefix by itself, as long as
the same ``Llama`` object is used. Across processes, the state right after the stable
prefix (system instructions and core memories) is saved under RECALL_HOME/cache/kv and
loaded by the next ``recall ask`` instead of evaluating the prefix again.

The file name hashes the model (path, size, mtime), the context size, the llama-cpp-python
version and the prefix tokens, so another model or prefix never matches. The file holds
only what is needed to restore the prefix: the tokens and llama.cpp's own state bytes
(KV cache), with a checksum. Logits are not kept (sampling recomputes them), which makes
a file about 100 times smaller than a pickled ``LlamaState``. A corrupt, truncated or
mismatched file is removed and the prefix evaluated again: it is a cache, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAGIC = b"RECALL-KV1\n"
KEEP_FILES = 8  # newest prefix states kept per cache directory


def _model_key(llm: Any) -> str:
    stat = llm.path.stat()
    from llama_cpp import __version__ as version  # loaded already: the model that runs this is llama.cpp's
    return f"{llm.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|ctx={llm.context_size}|llama-cpp={version}"


def _tokens_digest(tokens: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, tokens)).encode()).hexdigest()


def cache_file(llm: Any, tokens: list[int]) -> Path:
    """Where the state after ``tokens`` is kept for this model."""
    digest = hashlib.sha256(_model_key(llm).encode())
    digest.update(b"|" + _tokens_digest(tokens).encode())
    return Path(llm.cache_dir) / f"prefix-{digest.hexdigest()[:32]}.kv"


def snapshot(llm: Any) -> bytes:
    """llama.cpp's state bytes right now (a memory copy: cheap, unlike writing the file)."""
    return bytes(llm.llama.save_state().llama_state)


def write_prefix(llm: Any, tokens: list[int], state: bytes) -> Path | None:
    """Write a state file atomically; failures only cost the cache (logged, not raised)."""
    path = cache_file(llm, tokens)
    header = json.dumps({"model": _model_key(llm), "n_tokens": len(tokens), "tokens": _tokens_digest(tokens),
                         "state_size": len(state), "state_sha256": hashlib.sha256(state).hexdigest()}).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            fh.write(MAGIC + struct.pack("<I", len(header)) + header)
            fh.write(struct.pack(f"<{len(tokens)}i", *tokens))
            fh.write(state)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write the prompt cache %s: %s", path, exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    prune(path.parent)
    return path


def _read(path: Path, llm: Any, tokens: list[int]) -> bytes:
    """The state bytes stored for ``tokens``; ValueError when anything does not match."""
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError("bad magic")
    pos = len(MAGIC)
    (size,) = struct.unpack_from("<I", data, pos)
    pos += 4
    header = json.loads(data[pos:pos + size])
    pos += size
    if header.get("model") != _model_key(llm) or header.get("tokens") != _tokens_digest(tokens):
        raise ValueError("another model or prefix")
    count = int(header["n_tokens"])
    if count != len(tokens):
        raise ValueError("token count")
    stored = list(struct.unpack_from(f"<{count}i", data, pos))
    pos += 4 * count
    if stored != tokens:
        raise ValueError("tokens differ")
    state = data[pos:]
    if len(state) != int(header["state_size"]) or hashlib.sha256(state).hexdigest() != header["state_sha256"]:
        raise ValueError("truncated or corrupt state")
    return state


def load_prefix(llm: Any, tokens: list[int]) -> bool:
    """Restore the state for ``tokens`` if a valid cache file exists; else remove the file."""
    path = cache_file(llm, tokens)
    if not path.exists():
        return False
    try:
        state = _read(path, llm, tokens)
        _restore(llm.llama, tokens, state)
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
        log.info("ignoring the prompt cache %s (%s); evaluating the prefix again", path, exc)
        path.unlink(missing_ok=True)
        llm.llama.reset()
        return False
    try:
        os.utime(path)  # recently used: kept by prune()
    except OSError:
        pass
    return True


def _restore(llama: Any, tokens: list[int], state: bytes) -> None:
    import numpy as np
    from llama_cpp import LlamaState

    ids = np.zeros(llama.n_ctx(), dtype=np.intc)
    ids[: len(tokens)] = tokens
    # One row of zero logits is enough: without logits_all, sampling reads the context's own
    # logits, and the next generate() evaluates at least the token after the prefix.
    scores = np.zeros((1, llama.n_vocab()), dtype=np.single)
    llama.load_state(LlamaState(ids, scores, len(tokens), state, len(state), llama._seed))
    if llama.n_tokens != len(tokens) or list(llama._input_ids) != tokens:
        raise ValueError("the state does not hold the prefix")


def prune(folder: Path, keep: int = KEEP_FILES) -> None:
    """Keep the ``keep`` most recently used state files; remove stale temporary files."""
    try:
        files = sorted(folder.glob("prefix-*.kv"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
        for tmp in folder.glob(".prefix-*.tmp"):
            if tmp.stat().st_mtime < (files[0].stat().st_mtime - 3600 if files else 0):
                tmp.unlink(missing_ok=True)
    except OSError:
        pass


def drop_all(folder: Path) -> None:
    """Remove every saved prefix state (a forgotten pinned memory is in the tokens of the one
    that holds the profile). The next ask makes the prefix again."""
    for path in [*folder.glob("prefix-*.kv"), *folder.glob(".prefix-*.tmp")] if folder.is_dir() else []:
        path.unlink(missing_ok=True)
