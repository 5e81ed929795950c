"""Small, valid GGUF files for tests (a few KB: header, vocabulary, two tensors, their data)."""

from __future__ import annotations

import struct
from pathlib import Path

Q4_K, F32 = 12, 0
_BYTES = {Q4_K: (256, 144), F32: (1, 4)}


def _str(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _kv(key: str, value: object) -> bytes:
    if isinstance(value, str):
        return _str(key) + struct.pack("<I", 8) + _str(value)
    if isinstance(value, list):  # an array of strings, like a vocabulary
        body = b"".join(_str(v) for v in value)
        return _str(key) + struct.pack("<IIQ", 9, 8, len(value)) + body
    assert isinstance(value, int)
    return _str(key) + struct.pack("<II", 4, value)  # uint32, as converters write these keys


def gguf_bytes(*, arch: str = "qwen2", name: str = "Tiny Qwen", size_label: str | None = "1.5B",
               file_type: int | None = 15, context: int = 32768, embed: int = 8) -> bytes:
    """A complete GGUF v3: metadata, a 3-token vocabulary, a Q4_K and an F32 tensor."""
    kvs = [_kv("general.architecture", arch), _kv("general.name", name),
           _kv(f"{arch}.context_length", context), _kv(f"{arch}.block_count", 2),
           _kv("tokenizer.ggml.tokens", ["<s>", "hello", "world"])]
    if size_label:
        kvs.append(_kv("general.size_label", size_label))
    if file_type is not None:
        kvs.append(_kv("general.file_type", file_type))
    tensors = [("token_embd.weight", (256, embed), Q4_K), ("output_norm.weight", (embed,), F32)]
    infos, offset, datas = b"", 0, []
    for tname, shape, kind in tensors:
        block, size = _BYTES[kind]
        count = 1
        for d in shape:
            count *= d
        nbytes = count // block * size
        infos += _str(tname) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        infos += struct.pack("<IQ", kind, offset)
        datas.append(b"\x01" * nbytes + b"\x00" * (-nbytes % 32))
        offset += nbytes + (-nbytes % 32)
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kvs) + infos
    head += b"\x00" * (-len(head) % 32)
    return head + b"".join(datas)


def write_gguf(path: Path, **kwargs: object) -> Path:
    """Write :func:`gguf_bytes` to ``path`` (parents created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(**kwargs))  # type: ignore[arg-type]
    return path


PARAMETERS = 256 * 8 + 8  # of the default file: the elements of its two tensors
