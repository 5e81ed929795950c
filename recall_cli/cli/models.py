"""`recall models`: which embedder and LLM recall uses, and switching the LLM."""

from __future__ import annotations

from pathlib import Path

import typer

from ..config import load_config
from ..errors import ModelError
from .common import echo_json

models_app = typer.Typer(help="The embedding model and the local LLM.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


def _gguf_info(path: Path) -> dict:
    from ..llm import gguf_metadata

    meta = gguf_metadata(path)
    info = {"path": str(path), "size_mb": round(path.stat().st_size / 1e6, 1)}
    for key in ("general.name", "general.architecture", "general.size_label", "general.file_type"):
        if key in meta:
            info[key.split(".", 1)[1]] = meta[key]
    arch = meta.get("general.architecture", "")
    if f"{arch}.context_length" in meta:
        info["trained_context"] = int(meta[f"{arch}.context_length"])
    return info


@models_app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The bundled models, the configured LLM, and GGUF files in RECALL_HOME/models."""
    from ..embed import bundled_model_path
    from ..llm import bundled_gguf

    config = load_config()
    rows = []
    try:
        rows.append({"role": "embedder", "name": "all-MiniLM-L6-v2 (bundled)", "path": str(bundled_model_path()),
                     "active": not config.get("embed.model")})
    except ModelError as exc:
        rows.append({"role": "embedder", "name": "bundled", "path": exc.message, "active": False})
    if config.get("embed.model"):
        rows.append({"role": "embedder", "name": config.get("embed.model"), "path": config.get("embed.model"),
                     "active": True})
    bundled = bundled_gguf()
    configured = config.get("llm.model")
    rows.append({"role": "llm", "name": f"{bundled.name} (bundled)", "path": str(bundled), "active": not configured})
    seen = {str(bundled)}
    if configured:
        rows.append({"role": "llm", "name": Path(configured).name, "path": configured, "active": True})
        seen.add(configured)
    for extra in sorted((config.home / "models").glob("*.gguf")):
        if str(extra) not in seen:
            rows.append({"role": "llm", "name": extra.name, "path": str(extra), "active": False})
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        typer.echo(f"{mark} {row['role']:<8}  {row['name']}  {row['path']}")


@models_app.command("use")
def use(path: Path = typer.Argument(..., help="A GGUF file, or 'bundled' for SmolLM2-135M.")) -> None:
    """Use this GGUF as the LLM (checked before it is saved to config)."""
    from ..llm import check_gguf

    config = load_config()
    if str(path) == "bundled":
        config.set("llm.model", "")
        typer.echo("Using the bundled SmolLM2-135M-Instruct.")
        return
    resolved = path.expanduser().resolve()
    check_gguf(resolved)
    config.set("llm.model", str(resolved))
    typer.echo(f"Using {resolved}.")


@models_app.command("info")
def info(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The active LLM's file, size, architecture and settings."""
    from ..llm import model_path

    config = load_config()
    data = _gguf_info(model_path(config))
    data.update({"context": config.get("llm.context"), "threads": config.get("llm.threads") or "all cores",
                 "gpu_layers": config.get("llm.gpu_layers")})
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        typer.echo(f"{key}: {value}")
