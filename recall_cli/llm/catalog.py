"""Which models recall can use: the bundled ones, the configured ones, GGUF files in
RECALL_HOME/models, and what a GGUF's header says about itself. Nothing here loads a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import ModelError
from ..search.embed import bundled_model_path
from .model import bundled_gguf, gguf_metadata, model_path

FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
              12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
              32: "BF16"}


def gguf_info(path: Path) -> dict[str, Any]:
    """Name, size, architecture, quantisation and context of a GGUF, from its header."""
    meta = gguf_metadata(path)
    info: dict[str, Any] = {"path": str(path), "size_mb": round(path.stat().st_size / 1e6, 1)}
    for key in ("general.name", "general.architecture", "general.size_label"):
        if key in meta:
            info[key.split(".", 1)[1]] = meta[key]
    if "general.file_type" in meta:
        info["quantization"] = FILE_TYPES.get(int(meta["general.file_type"]), str(meta["general.file_type"]))
    arch = meta.get("general.architecture", "")
    if f"{arch}.context_length" in meta:
        info["trained_context"] = int(meta[f"{arch}.context_length"])
    if f"{arch}.block_count" in meta:
        info["layers"] = int(meta[f"{arch}.block_count"])
    template = meta.get("tokenizer.chat_template") or ""
    info["chat_format"] = "chatml" if "<|im_start|>" in template or not template else "jinja template"
    return info


def list_models(config: Config) -> list[dict[str, Any]]:
    """The bundled embedder and LLM, the configured ones, and GGUFs in RECALL_HOME/models."""
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
    seen: set[str] = set()
    try:
        bundled = bundled_gguf()
        rows.append({"role": "llm", "name": f"{bundled.name} (bundled)", "path": str(bundled),
                     "active": not configured})
        seen.add(str(bundled))
    except ModelError as exc:
        rows.append({"role": "llm", "name": "bundled (missing)", "path": exc.message, "active": False})
    if configured:
        path = Path(configured).expanduser()
        state = "" if path.is_file() else " (missing)"
        rows.append({"role": "llm", "name": path.name + state, "path": str(path), "active": True})
        seen.add(str(path))
    folder = config.home / "models"
    if folder.is_dir():
        for extra in sorted(folder.glob("*.gguf")):
            if str(extra) not in seen:
                rows.append({"role": "llm", "name": extra.name, "path": str(extra), "active": False})
    return rows


def use_model(config: Config, path: str) -> dict[str, Any]:
    """Make a GGUF (or 'bundled') the configured LLM, after checking its header; returns its info."""
    if path == "bundled":
        config.set("llm.model", "")
        return {"bundled": True, "name": "SmolLM2-135M-Instruct"}
    resolved = Path(path).expanduser().resolve()
    info = gguf_info(resolved)  # ModelError naming the file when it is missing, not GGUF or truncated
    config.set("llm.model", str(resolved))
    info["bundled"] = False
    return info


def model_info(config: Config) -> dict[str, Any]:
    """The active LLM: file, size, architecture, quantisation, and the settings it runs with."""
    path = model_path(config)
    data = gguf_info(path)
    try:
        data["bundled"] = path == bundled_gguf()
    except ModelError:
        data["bundled"] = False
    data.update({"context": config.get("llm.context"), "threads": config.get("llm.threads") or "all cores",
                 "gpu_layers": config.get("llm.gpu_layers"), "prompt_cache": config.get("llm.prompt_cache")})
    cache = config.home / "cache" / "kv"
    if cache.is_dir():
        files = list(cache.glob("prefix-*.kv"))
        data["prompt_cache_files"] = len(files)
        data["prompt_cache_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 1)
    return data
