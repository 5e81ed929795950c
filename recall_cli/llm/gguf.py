"""Reading a GGUF file's header: what a model says about itself, without loading it.

A GGUF file is a header (magic, version, key/value metadata, tensor descriptions) followed
by the tensor data. Everything recall shows about a model (architecture, parameter count,
quantisation, trained context) comes from the header, so listing a dozen models stays fast.

The file may come from anywhere (an Ollama blob, a half-finished download, a file someone
renamed), so reading is bounded: the file is memory-mapped and never read past the tensor
descriptions, declared lengths are checked against what is left of the file before anything
is allocated, long strings are skipped instead of decoded, arrays are never materialised and
their item counts are capped. A hostile header costs at most a few seconds and a few MB.
"""

from __future__ import annotations

import math
import mmap
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError

MAGIC = b"GGUF"
VERSIONS = (2, 3)  # version 1 had 32-bit counts and llama.cpp no longer reads it

# Bounds on what a header may declare (real models stay far below them).
MAX_KEY = 65_535  # the GGUF spec's limit on a key's length
MAX_KEPT_STRING = 1 << 20  # longer string values are skipped, not decoded
MAX_KV = 1 << 16  # real models have about 40 keys; vocabularies are one array key each
MAX_TENSORS = 1 << 20
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_ARRAY_ITEMS = 1 << 22  # a vocabulary is about 260k strings at most
MAX_STRING_ITEMS_WALKED = 1 << 23  # string arrays are walked item by item: bound the work
MAX_ARRAY_DEPTH = 3

# GGUF value types -> struct format of the scalar types.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# ggml tensor types: (elements per block, bytes per block), from gguf-py's GGML_QUANT_SIZES.
_QK_K = 256
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40),
    10: ("Q2_K", _QK_K, 2 + 2 + _QK_K // 16 + _QK_K // 4), 11: ("Q3_K", _QK_K, 2 + _QK_K // 4 + _QK_K // 8 + 12),
    12: ("Q4_K", _QK_K, 2 + 2 + _QK_K // 2 + 12), 13: ("Q5_K", _QK_K, 2 + 2 + _QK_K // 2 + _QK_K // 8 + 12),
    14: ("Q6_K", _QK_K, 2 + _QK_K // 2 + _QK_K // 4 + _QK_K // 16), 15: ("Q8_K", _QK_K, 4 + _QK_K + _QK_K // 8),
    16: ("IQ2_XXS", _QK_K, 2 + _QK_K // 4), 17: ("IQ2_XS", _QK_K, 2 + _QK_K // 4 + _QK_K // 32),
    18: ("IQ3_XXS", _QK_K, 2 + _QK_K // 4 + _QK_K // 8), 19: ("IQ1_S", _QK_K, 2 + _QK_K // 8 + _QK_K // 16),
    20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", _QK_K, 2 + _QK_K // 4 + _QK_K // 8 + _QK_K // 32 + 4),
    22: ("IQ2_S", _QK_K, 2 + _QK_K // 4 + _QK_K // 16), 23: ("IQ4_XS", _QK_K, 2 + 2 + _QK_K // 2 + _QK_K // 64),
    24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8),
    29: ("IQ1_M", _QK_K, _QK_K // 8 + _QK_K // 16 + _QK_K // 32), 30: ("BF16", 1, 2),
    34: ("TQ1_0", _QK_K, 2 + 4 * 13), 35: ("TQ2_0", _QK_K, 2 + 64), 39: ("MXFP4", 32, 17),
}

# general.file_type (llama.h's llama_ftype) -> the quantisation name people use.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 41: "Q2_0",
}

# The architectures llama.cpp can load: LLM_ARCH_NAMES in llama.cpp's src/llama-arch.cpp, as
# built into the llama-cpp-python recall installs (its C API cannot list them). A newer
# llama.cpp may know more: add them here when the pinned version moves.
ARCHITECTURES = frozenset("""
    llama llama4 deci falcon grok gpt2 gptj gptneox mpt baichuan starcoder refact bert modern-bert nomic-bert
    nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3 eurobert bloom stablelm qwen qwen2 qwen2moe qwen2vl qwen3
    qwen3moe qwen3next qwen3vl qwen3vlmoe qwen35 qwen35moe qwen4exp phi2 phi3 phimoe plamo plamo2 plamo3
    codeshell orion internlm2 minicpm minicpm3 gemma gemma2 gemma3 gemma3n gemma4 gemma4-assistant
    gemma-embedding starcoder2 mamba mamba2 maple jamba falcon-h1 xverse command-r cohere2 cohere2moe dbrx olmo
    olmo2 olmoe muse-glimmer openelm arctic deepseek deepseek2 deepseek2-ocr deepseek32 deepseek4 chatglm glm4
    glm4moe glm-dsa bitnet t5 t5encoder jais jais2 nemotron nemotron_h nemotron_h_moe exaone exaone4 exaone-moe
    rwkv6 rwkv6qwen2 rwkv7 arwkv7 granite granitemoe granitehybrid graniteswitch granite_swa chameleon
    wavtokenizer-dec plm bailingmoe bailingmoe2 bailingmoe3 dots1 dots3note arcee afmoe laguna ernie4_5
    ernie4_5-moe hunyuan-moe hunyuan-dense hunyuan_vl hy_v3 hy_v4 smollm3 gpt-oss lfm2 lfm2moe dream
    smallthinker llada llada-moe seed_oss grovemoe apertus minimax-01 hrm_text minimax-m2 minimax-m3 cogvlm rnd1
    pangu-embedded mistral3 eagle3 dflash mistral4 paddleocr mimo2 step35 spark2_5 llama-embed maincoder
    kimi-linear kimi-k3 glm5-next talkie mellum nanbeige qwen3tts pockettts
""".split())

# Architectures llama.cpp loads that cannot write an answer: encoders, embedders, audio.
NOT_GENERATIVE = frozenset("""
    bert modern-bert nomic-bert nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3 eurobert t5encoder
    gemma-embedding llama-embed wavtokenizer-dec clip qwen3tts pockettts
""".split())


@dataclass(frozen=True)
class Tensor:
    """One tensor's description in the header (its data is never read)."""

    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # from the start of the data section

    @property
    def elements(self) -> int:
        return math.prod(self.shape)

    def nbytes(self) -> int | None:
        """Bytes of data, or None for a tensor type this table does not know."""
        kind = GGML_TYPES.get(self.ggml_type)
        if kind is None:
            return None
        _, block, size = kind
        return self.elements // block * size


@dataclass
class Header:
    """What a GGUF header says: metadata (scalars and strings), array sizes, tensors."""

    path: Path
    version: int
    file_size: int
    metadata: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (item type, count)
    tensors: list[Tensor] = field(default_factory=list)
    data_offset: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    def arch_value(self, key: str) -> Any:
        """``<architecture>.<key>``, e.g. ``context_length``."""
        return self.metadata.get(f"{self.architecture}.{key}")

    @property
    def parameters(self) -> int:
        """Parameter count: the elements of every tensor in this file."""
        return sum(t.elements for t in self.tensors)

    @property
    def quantization(self) -> str:
        """The quantisation name (general.file_type), else the type holding most weights."""
        file_type = self.metadata.get("general.file_type")
        if isinstance(file_type, int) and not isinstance(file_type, bool):
            return FILE_TYPES.get(file_type, f"type {file_type}")
        weights: dict[int, int] = {}
        for t in self.tensors:
            weights[t.ggml_type] = weights.get(t.ggml_type, 0) + t.elements
        if not weights:
            return ""
        top = max(weights, key=lambda k: weights[k])
        return GGML_TYPES.get(top, (f"type {top}", 0, 0))[0]

    def data_end(self) -> int:
        """Where the last tensor's data ends (tensors of unknown types count as empty)."""
        end = self.data_offset
        for t in self.tensors:
            size = t.nbytes()
            end = max(end, self.data_offset + t.offset + (size or 0))
        return end


def format_parameters(count: int) -> str:
    """1543714304 -> '1.5B', 134515008 -> '135M' (the style of general.size_label)."""
    if count >= 1e9:
        return f"{count / 1e9:.1f}".rstrip("0").rstrip(".") + "B"
    if count >= 1e6:
        return f"{count / 1e6:.0f}M"
    if count >= 1e3:
        return f"{count / 1e3:.0f}K"
    return str(count)


def read_header(path: Path, *, tensors: bool = True) -> Header:
    """The header of the GGUF at ``path``; ModelError (one line, naming the file) when it is
    missing, not a GGUF, of an unsupported version, truncated or corrupt."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"model file not found: {path}")
    if path.is_dir():
        raise ModelError(f"model path is a directory, not a GGUF file: {path}")
    try:
        with path.open("rb") as fh:
            size = path.stat().st_size
            magic = fh.read(4)
            if magic != MAGIC:
                raise ModelError(f"not a GGUF model file (bad header): {path}")
            if size < 24:
                raise ModelError(f"truncated GGUF header: {path}")
            # mmap: the OS pages in the header only; nothing is copied but what is decoded
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return _Reader(path, mm, size).read(tensors)
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror or exc}") from None


def complete_header(path: Path) -> Header:
    """The header of a GGUF whose tensor data is all there: the tensor table says where the
    last tensor ends, and a file shorter than that (a download or a copy cut short, a disk that
    filled up) is a one-line ModelError saying so, not llama.cpp's bare load failure later."""
    header = read_header(path)
    end = header.data_end()
    if end > header.file_size:
        raise ModelError(f"truncated GGUF file ({header.file_size:,} of {end:,} bytes; "
                         f"an unfinished download or copy?): {path}")
    return header


def check_model(path: Path) -> Header:
    """Everything `recall models use` checks before saving: a complete GGUF (header and
    tensor data) of an architecture llama.cpp can load and that generates text."""
    header = complete_header(path)
    arch = header.architecture
    if not arch:
        raise ModelError(f"GGUF without general.architecture (not a model?): {path}")
    if arch in NOT_GENERATIVE:
        raise ModelError(f"'{arch}' models cannot write answers (an encoder, embedder or projector): {path}")
    if arch not in ARCHITECTURES:
        raise ModelError(f"unknown model architecture '{_printable(arch)}' (llama.cpp here cannot load it): {path}")
    return header


def summary(header: Header) -> dict[str, Any]:
    """The facts `recall models list/info` show, from a header."""
    meta = header.metadata
    label = meta.get("general.size_label")
    params = header.parameters
    info: dict[str, Any] = {
        "path": str(header.path),
        "size_bytes": header.file_size,
        "size_mb": round(header.file_size / 1e6, 1),
        "architecture": header.architecture,
        "parameters": params or None,
        "size_label": str(label) if isinstance(label, str) and label else (format_parameters(params) if params
                                                                            else ""),
        "quantization": header.quantization,
    }
    if isinstance(meta.get("general.name"), str):
        info["model_name"] = meta["general.name"]
    context = header.arch_value("context_length")
    if isinstance(context, int):
        info["trained_context"] = context
    layers = header.arch_value("block_count")
    if isinstance(layers, int):
        info["layers"] = layers
    template = meta.get("tokenizer.chat_template")
    template = template if isinstance(template, str) else ""
    info["chat_format"] = "chatml" if "<|im_start|>" in template or not template else "jinja template"
    return info


def _printable(text: str, limit: int = 40) -> str:
    """A header string fit for a one-line message (no control characters, bounded)."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


class _Reader:
    """Walks the header in the memory map; every length is checked before it is used."""

    def __init__(self, path: Path, mm: mmap.mmap, size: int) -> None:
        self.path, self.mm, self.size = path, mm, size
        self.pos = 4
        self.walked = 0  # string-array items walked so far

    def truncated(self) -> ModelError:
        return ModelError(f"truncated GGUF header: {self.path}")

    def corrupt(self, why: str) -> ModelError:
        return ModelError(f"corrupt GGUF header ({why}): {self.path}")

    def unpack(self, fmt: str) -> Any:
        n = struct.calcsize(fmt)
        if self.pos + n > self.size:
            raise self.truncated()
        value = struct.unpack_from(fmt, self.mm, self.pos)[0]
        self.pos += n
        return value

    def string(self, limit: int = MAX_KEPT_STRING) -> str | None:
        """A string; None (skipped, never decoded) when longer than ``limit``."""
        n = self.unpack("<Q")
        if n > self.size - self.pos:
            raise self.truncated()
        start, self.pos = self.pos, self.pos + n
        if n > limit:
            return None
        return self.mm[start:self.pos].decode("utf-8", "replace")

    def read(self, with_tensors: bool) -> Header:
        version = self.unpack("<I")
        if version not in VERSIONS:
            if version & 0xFFFF == 0 and (version >> 24) in VERSIONS:
                raise ModelError(f"big-endian GGUF files are not supported: {self.path}")
            raise ModelError(f"unsupported GGUF version {version} (recall reads versions 2 and 3): {self.path}")
        n_tensors, n_kv = self.unpack("<Q"), self.unpack("<Q")
        # each key/value takes at least 13 bytes, each tensor description at least 24
        if n_kv > MAX_KV:
            raise self.corrupt(f"{n_kv:,} metadata keys")
        if n_tensors > MAX_TENSORS:
            raise self.corrupt(f"{n_tensors:,} tensors")
        if n_kv * 13 + n_tensors * 24 > self.size - self.pos:
            raise self.truncated()
        header = Header(self.path, version, self.size)
        for _ in range(n_kv):
            key = self.string(limit=MAX_KEY)
            if key is None:
                raise self.corrupt("a key longer than 64 KiB")
            kind = self.unpack("<I")
            if kind == _ARRAY:
                item, count = self.unpack("<I"), self.unpack("<Q")
                self.skip_array(item, count, depth=1)
                header.arrays[key] = (item, count)
            else:
                value = self.value(kind)
                if value is not None:
                    header.metadata[key] = value
        if not with_tensors:
            return header
        for _ in range(n_tensors):
            name = self.string(limit=MAX_KEY) or ""
            dims = self.unpack("<I")
            if dims > MAX_DIMS:
                raise self.corrupt(f"a tensor with {dims} dimensions")
            shape = tuple(self.unpack("<Q") for _ in range(dims))
            kind, offset = self.unpack("<I"), self.unpack("<Q")
            if kind in GGML_TYPES and shape and shape[0] % GGML_TYPES[kind][1]:
                raise self.corrupt(f"tensor {_printable(name)} does not fill its blocks")
            header.tensors.append(Tensor(name, shape, kind, offset))
        alignment = header.metadata.get("general.alignment", 32)
        if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
            raise self.corrupt(f"alignment {alignment!r}")
        header.data_offset = -(-self.pos // alignment) * alignment
        return header

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        raise self.corrupt(f"value type {kind}")

    def skip_array(self, item: int, count: int, depth: int) -> None:
        """Step over an array without building it."""
        if depth > MAX_ARRAY_DEPTH:
            raise self.corrupt("arrays nested too deep")
        if count > MAX_ARRAY_ITEMS:
            raise self.corrupt(f"an array of {count:,} items")
        if item in _SCALARS:
            n = struct.calcsize(_SCALARS[item]) * count
            if n > self.size - self.pos:
                raise self.truncated()
            self.pos += n
            return
        if item == _STRING:
            if count * 8 > self.size - self.pos:
                raise self.truncated()
            self.walked += count
            if self.walked > MAX_STRING_ITEMS_WALKED:
                raise self.corrupt("too many strings in arrays")
            self._skip_strings(count)
            return
        if item == _ARRAY:
            for _ in range(count):
                inner, n = self.unpack("<I"), self.unpack("<Q")
                self.skip_array(inner, n, depth + 1)
            return
        raise self.corrupt(f"array item type {item}")

    def _skip_strings(self, count: int) -> None:
        # the hot loop of a header: a vocabulary is ~150k strings, so no method calls in it
        mm, size, pos = self.mm, self.size, self.pos
        length: Callable[[Any, int], tuple[Any, ...]] = struct.Struct("<Q").unpack_from
        for _ in range(count):
            if pos + 8 > size:
                raise self.truncated()
            pos += 8 + length(mm, pos)[0]
        if pos > size:
            raise self.truncated()
        self.pos = pos
