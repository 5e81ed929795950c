"""`recall models`: which embedder and LLM recall uses, and switching the LLM.

Nothing here loads a model: GGUF facts come from the file's header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..config import load_config
from ..errors import ModelError
from .common import echo_json

models_app = typer.Typer(help="The embedding model and the local LLM (GGUF).", no_args_is_help=True)

_FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
               12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
               32: "BF16"}


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


def _gguf_info(path: Path) -> dict[str, Any]:
    from ..llm import gguf_metadata

    meta = gguf_metadata(path)
    info: dict[str, Any] = {"path": str(path), "size_mb": round(path.stat().st_size / 1e6, 1)}
    for key in ("general.name", "general.architecture", "general.size_label"):
        if key in meta:
            info[key.split(".", 1)[1]] = meta[key]
    if "general.file_type" in meta:
        info["quantization"] = _FILE_TYPES.get(int(meta["general.file_type"]), str(meta["general.file_type"]))
    arch = meta.get("general.architecture", "")
    if f"{arch}.context_length" in meta:
        info["trained_context"] = int(meta[f"{arch}.context_length"])
    if f"{arch}.block_count" in meta:
        info["layers"] = int(meta[f"{arch}.block_count"])
    template = meta.get("tokenizer.chat_template") or ""
    info["chat_format"] = "chatml" if "<|im_start|>" in template or not template else "jinja template"
    return info


@models_app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The bundled models, the configured ones, and GGUF files in RECALL_HOME/models (* = in use)."""
    from ..embed import bundled_model_path
    from ..llm import bundled_gguf

    config = load_config()
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
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        typer.echo(f"{mark} {row['role']:<8}  {row['name']}  {row['path']}")


@models_app.command("use")
def use(path: str = typer.Argument(..., help="A GGUF file, or 'bundled' for SmolLM2-135M-Instruct.")) -> None:
    """Use this GGUF as the LLM (its header is checked before the config is saved)."""
    config = load_config()
    if path == "bundled":
        config.set("llm.model", "")
        typer.echo("Using the bundled SmolLM2-135M-Instruct.")
        return
    resolved = Path(path).expanduser().resolve()
    info = _gguf_info(resolved)  # ModelError naming the file when it is missing, not GGUF or truncated
    config.set("llm.model", str(resolved))
    name = info.get("name") or resolved.name
    typer.echo(f"Using {name} ({info['size_mb']} MB): {resolved}")
    trained = info.get("trained_context")
    if trained and trained < config.get("llm.context"):
        typer.echo(f"Note: the model was trained with a {trained}-token context; "
                   f"consider `recall config set llm.context {trained}`.", err=True)


@models_app.command("info")
def info(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The active LLM: file, size, architecture, quantization, and the settings it runs with."""
    from ..llm import bundled_gguf, model_path

    config = load_config()
    path = model_path(config)
    data = _gguf_info(path)
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
    if config.db_path.exists():
        from ..store import open_store
        from ..structured import failure_counts

        store = open_store(config.db_path)
        try:
            data["structured_output_failures"] = failure_counts(store)
        finally:
            store.close()
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
        typer.echo(f"{key}: {value}")
