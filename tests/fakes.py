"""Deterministic fakes for fast unit tests (never the only test of a feature)."""

from __future__ import annotations

import hashlib
import re

import numpy as np


class FakeEmbedder:
    """Bag-of-words hashed into a small vector: shared words mean similar vectors."""

    def __init__(self, dim: int = 64, model_id: str = "fake-bow") -> None:
        self._dim = dim
        self.model_id = f"{model_id}-{dim}"
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self._dim] += 1.0 if (h >> 8) % 2 else -1.0
            norm = np.linalg.norm(out[row])
            if norm == 0:
                out[row, 0] = 1.0
            else:
                out[row] /= norm
        return out


class ScriptedLLM:
    """Replays scripted outputs (one per call) and records the prompts it was given."""

    def __init__(self, outputs: list[str], context_size: int = 2048, default: str = "") -> None:
        from recall_cli.llm.model import Usage

        self.outputs = list(outputs)
        self.default = default  # what it says once the script has run out
        self.prompts: list = []
        self.schemas: list = []
        self.model_id = "scripted"
        self.context_size = context_size
        self.last_usage = Usage()

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def stream(self, chat, *, max_tokens: int = 256, json_schema=None, temperature: float = 0.0):
        from recall_cli.llm.model import Usage

        self.prompts.append(chat)
        self.schemas.append(json_schema)
        text = self.outputs.pop(0) if self.outputs else self.default
        if isinstance(text, Exception):
            raise text
        self.last_usage = Usage(prompt_tokens=self.count_tokens(chat.system + chat.user),
                                completion_tokens=len(text.split()), ttft_ms=1.0, total_ms=2.0)
        import re

        yield from re.findall(r"\s*\S+", text)


EMPTY_EXTRACTION = '{"memories": [], "summary": ""}'


def extraction_llm() -> ScriptedLLM:
    """An LLM whose every extraction is valid and proposes nothing (consolidation then keeps
    the zero-LLM candidates); its ``prompts`` show it was asked."""
    return ScriptedLLM([], default=EMPTY_EXTRACTION)
