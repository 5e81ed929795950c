"""A NumPy forward pass for BERT-family sentence encoders (all-MiniLM-L6-v2 and kin).

Importing sentence-transformers costs about 8 s of a CLI call (torch, transformers,
scikit-learn); this needs only NumPy, the `tokenizers` library and safetensors, so
`recall search` starts in well under a second. It computes what sentence-transformers
computes for these models — BERT, mean pooling over the attention mask, L2 norm — and a
test checks the vectors agree with sentence-transformers to 1e-5.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from ..errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    # methods below bind the numpy module to a local ``np``; nested functions name the
    # array type through this alias, which that local cannot shadow
    Array: TypeAlias = np.ndarray


def word_pieces(text: str, cap: int = 256) -> int:
    """About how many word pieces the tokenizer makes of ``text`` (one per four characters),
    at most ``cap``: cheap enough to plan batches before tokenising."""
    return min(cap, len(text) // 4 + 2)


def supports(path: Path) -> bool:
    """True for a BERT model with mean pooling that this module can run."""
    try:
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and pooling.get("pooling_mode_mean_tokens") is True
        and not pooling.get("pooling_mode_cls_token")
        and not pooling.get("pooling_mode_max_tokens")
        and (path / "model.safetensors").exists()
        and (path / "tokenizer.json").exists()
    )


class BertEncoder:
    """Tokenising, length-sorted batching, mean pooling and L2 norm for a BERT sentence
    encoder; subclasses supply the forward pass (NumPy here, ONNX Runtime in graph.py)."""

    def __init__(self, path: Path, max_length: int | None = None) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        self.np = np
        try:
            self.config = json.loads((path / "config.json").read_text())
            st_config = path / "sentence_bert_config.json"
            seq = json.loads(st_config.read_text()).get("max_seq_length", 256) if st_config.exists() else 256
            tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as exc:
            raise ModelError(f"cannot load embedding model {path}: {exc}") from None
        self.max_length = max_length or seq
        tokenizer.enable_truncation(self.max_length)
        tokenizer.enable_padding(pad_id=self.config.get("pad_token_id", 0), pad_token="[PAD]")
        self.tokenizer = tokenizer
        self.dim: int = self.config["hidden_size"]
        self._blas: Any = None  # threadpoolctl's controller, made on first use
        self.token_budget: int | None = None  # word pieces per batch (None: batch_size texts)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """(n, dim) float32, mean-pooled and L2-normalised."""
        if len(texts) == 1:
            # one short query: BLAS threads cost more than they bring, and a single thread
            # leaves the other core to the keyword search running beside it
            with self._one_thread():
                return self._encode(texts, batch_size)
        return self._encode(texts, batch_size)

    def _one_thread(self):
        import contextlib

        if self._blas is None:
            try:
                from threadpoolctl import ThreadpoolController

                self._blas = ThreadpoolController()
            except Exception:  # noqa: BLE001 - not installed or no BLAS found: leave threads alone
                self._blas = False
        return self._blas.limit(limits=1, user_api="blas") if self._blas else contextlib.nullcontext()

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = self.np.zeros((len(texts), self.dim), dtype=self.np.float32)
        batches = list(self._batches(texts, batch_size))
        embedded = self._embed_batches([[texts[i] for i in idx] for idx in batches])
        for idx, vectors in zip(batches, embedded, strict=True):
            out[idx] = vectors
        return out

    def _embed_batches(self, groups: list[list[str]]) -> Iterable[np.ndarray]:
        """Each group's vectors, in order (one after another here)."""
        return map(self._embed_batch, groups)

    def features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token ids, attention mask (float32) and token types of ``texts``, padded to the longest."""
        np = self.np
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        return ids, mask, types

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Pooled, normalised vectors of one batch."""
        np = self.np
        ids, mask, types = self.features(texts)
        hidden = self._forward(ids, mask, types)
        summed = (hidden * mask[:, :, None]).sum(1)
        pooled = summed / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled

    def _batches(self, texts: list[str], batch_size: int) -> Iterator[list[int]]:
        """Indices of ``texts`` in batches, shortest texts first so each batch pads little;
        with a token budget, a batch holds as many texts as fit it (many short commands, a
        few long notes), else ``batch_size``."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        if not self.token_budget:
            for start in range(0, len(order), batch_size):
                yield order[start : start + batch_size]
            return
        batch: list[int] = []
        for i in order:
            longest = word_pieces(texts[i], self.max_length)  # sorted: the batch's longest so far
            if batch and (len(batch) + 1) * longest > self.token_budget:
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        """Token states (batch, length, dim) for one padded batch."""
        raise NotImplementedError


class NumpyBert(BertEncoder):
    """Mean-pooled, normalised BERT sentence embeddings with NumPy."""

    def __init__(self, path: Path, max_length: int | None = None) -> None:
        super().__init__(path, max_length)
        np = self.np
        from safetensors.numpy import load_file

        try:
            weights = load_file(str(path / "model.safetensors"))
        except Exception as exc:
            raise ModelError(f"cannot load embedding model {path}: {exc}") from None
        self.heads = self.config["num_attention_heads"]
        self.layers = self.config["num_hidden_layers"]
        self.eps = self.config.get("layer_norm_eps", 1e-12)
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k.removeprefix(prefix): v for k, v in weights.items()}
        # weights are stored (out, in): transpose once for x @ W
        for name in list(self.w):
            if name.endswith(".weight") and self.w[name].ndim == 2 and "embeddings" not in name:
                self.w[name] = np.ascontiguousarray(self.w[name].T)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self.np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _gelu(self, x: np.ndarray) -> np.ndarray:
        # exact (erf) GELU, as BERT uses; math.erf vectorised through a float64 detour is slow,
        # so use the Abramowitz-Stegun erf approximation (max error 1.5e-7)
        np = self.np
        z = x / np.float32(1.4142135623730951)
        sign = np.sign(z)
        a = np.abs(z)
        t = 1.0 / (1.0 + 0.3275911 * a)
        poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        erf = sign * (1.0 - poly * np.exp(-a * a))
        return 0.5 * x * (1.0 + erf)

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        np, w = self.np, self.w
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None, :, :]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = self._norm(x, "embeddings.LayerNorm")
        head_dim = self.dim // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            flat = x.reshape(batch * length, self.dim)

            def proj(name: str, _flat: Array = flat, _p: str = p) -> Array:
                out = _flat @ w[f"{_p}{name}.weight"] + w[f"{_p}{name}.bias"]
                return out.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3)

            q, k, v = proj("attention.self.query"), proj("attention.self.key"), proj("attention.self.value")
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.dim)
            attn = ctx @ w[f"{p}attention.output.dense.weight"] + w[f"{p}attention.output.dense.bias"]
            x = self._norm(attn.reshape(batch, length, self.dim) + x, f"{p}attention.output.LayerNorm")
            flat = x.reshape(batch * length, self.dim)
            hidden = self._gelu(flat @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"])
            out = hidden @ w[f"{p}output.dense.weight"] + w[f"{p}output.dense.bias"]
            x = self._norm(out.reshape(batch, length, self.dim) + x, f"{p}output.LayerNorm")
        return x

