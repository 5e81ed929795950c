"""Which models recall can use and which one it uses: `recall models list/use/info/pull`.

Nothing here loads a model: what a GGUF is comes from its header (gguf.py), where models
are from discovery.py, downloads from pull.py. The configured model (``llm.model``) is a
path; it changes only after the new file's header passed every check, so a bad name or
file leaves the configuration as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import ModelError
from ..search.embed import bundled_model_path
from .discovery import Found, discover, resolve
from .gguf import check_model, complete_header, read_header, summary
from .model import bundled_gguf, model_path
from .pull import CATALOGUE, Progress, entry, pull

BUNDLED = "bundled"


def models_dir(config: Config) -> Path:
    """RECALL_HOME/models: where `pull` puts models."""
    return config.home / "models"


def gguf_info(path: Path) -> dict[str, Any]:
    """Name, size, architecture, parameters, quantisation and context of a GGUF, from its header."""
    return summary(read_header(path))


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def _row(found: Found, active: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"role": "llm", "name": found.name, "source": found.source, "path": str(found.path),
                           "active": active, "problem": found.problem}
    if not found.problem:
        try:  # the checks `use` makes, so the listing says which models `use` would refuse
            row.update(summary(check_model(found.path)))
            row["path"] = str(found.path)
        except ModelError as exc:
            row["problem"] = exc.message.rsplit(": ", 1)[0] if exc.message.endswith(str(found.path)) else exc.message
    return row


def list_models(config: Config) -> list[dict[str, Any]]:
    """The embedder, then the LLMs: bundled, configured, and every GGUF found on the machine
    (``active`` marks the ones in use; ``problem`` says why one cannot be used), then the
    catalogue models not downloaded yet (role ``catalogue``: `recall models pull NAME`)."""
    rows: list[dict[str, Any]] = []
    embed = config.get("embed.model")
    try:
        rows.append({"role": "embedder", "name": "all-MiniLM-L6-v2 (bundled)", "path": str(bundled_model_path()),
                     "active": not embed})
    except ModelError as exc:
        rows.append({"role": "embedder", "name": "bundled (missing)", "path": exc.message, "active": False})
    if embed:
        rows.append({"role": "embedder", "name": Path(embed).name or embed, "path": embed, "active": True})

    configured = config.get("llm.model")
    configured_path = Path(configured).expanduser() if configured else None
    found: list[Found] = []
    try:
        found.append(Found(BUNDLED, "bundled", bundled_gguf()))
    except ModelError as exc:
        rows.append({"role": "llm", "name": BUNDLED, "source": "bundled", "path": "", "active": not configured,
                     "problem": exc.message})
    found += discover(models_dir(config))
    matched = False
    for item in found:
        active = (configured_path is None and item.source == "bundled") or (
            configured_path is not None and _same(item.path, configured_path))
        matched = matched or (active and configured_path is not None)
        rows.append(_row(item, active))
    if configured_path is not None and not matched:
        rows.append(_row(Found(str(configured_path), "configured", configured_path,
                               "" if configured_path.is_file() else "file missing"), True))
    rows += [{"role": "catalogue", **c} for c in catalogue(config) if not c["downloaded"]]
    return rows


def name_of(config: Config, path: Path) -> str:
    """The name `use` takes for the model at ``path`` (the path itself when none fits)."""
    try:
        if _same(path, bundled_gguf()) and not config.get("llm.model"):
            return BUNDLED
    except ModelError:
        pass
    for item in discover(models_dir(config)):
        if _same(item.path, path):
            return item.name
    return str(path)


def use_model(config: Config, name: str) -> dict[str, Any]:
    """Make a model the configured LLM: 'bundled', a catalogue name, ollama:/hf:/lmstudio:
    names, or a path. The file's header is checked first (complete GGUF, an architecture
    llama.cpp loads); on any problem the configuration is left unchanged. Returns its facts."""
    if name.strip() == BUNDLED:
        path = bundled_gguf()
        info = summary(check_model(path))
        config.set("llm.model", "")
        info.update(name=BUNDLED, source="bundled", bundled=True)
        return info
    found = resolve(name, models_dir(config))
    info = summary(check_model(found.path))
    config.set("llm.model", str(found.path))
    info.update(name=found.name, source=found.source, bundled=False)
    return info


def pull_model(config: Config, name: str, progress: Progress | None = None) -> dict[str, Any]:
    """Download a catalogue model into RECALL_HOME/models (see pull.py); returns its facts."""
    item = entry(name)
    path = pull(item, models_dir(config), progress)
    info = summary(check_model(path))
    info.update(name=item.name, source="recall", repo=item.repo, file=item.file, licence=item.licence,
                sha256=item.sha256)
    return info


def catalogue(config: Config) -> list[dict[str, Any]]:
    """The catalogue, with whether each model is already downloaded."""
    folder = models_dir(config)
    return [{"name": e.name, "repo": e.repo, "file": e.file, "size_bytes": e.size, "parameters": e.parameters,
             "licence": e.licence, "downloaded": (folder / e.file).is_file()} for e in CATALOGUE.values()]


def model_info(config: Config) -> dict[str, Any]:
    """The active LLM: its name, file, what is wrong with it (``problem``: cut short), size,
    architecture, parameters, quantisation, trained context, and the settings it runs with."""
    path = model_path(config)
    facts = gguf_info(path)
    try:  # a file cut short since `models use` still has its header: say it cannot be used
        complete_header(path)
        problem = ""
    except ModelError as exc:
        problem = exc.message.removesuffix(f": {path}")
    try:
        bundled = _same(path, bundled_gguf()) and not config.get("llm.model")
    except ModelError:
        bundled = False
    data: dict[str, Any] = {"name": BUNDLED if bundled else name_of(config, path), "path": facts.pop("path"),
                            **({"problem": problem} if problem else {}), **facts, "bundled": bundled}
    data.update({"context": config.get("llm.context"), "threads": config.get("llm.threads") or "all cores",
                 "gpu_layers": config.get("llm.gpu_layers"), "prompt_cache": config.get("llm.prompt_cache")})
    cache = config.kv_dir
    if cache.is_dir():
        files = list(cache.glob("prefix-*.kv"))
        data["prompt_cache_files"] = len(files)
        data["prompt_cache_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 1)
    return data
