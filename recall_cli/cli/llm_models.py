"""`recall models`: which embedder and LLM recall uses, and switching the LLM.

Nothing here loads a model: GGUF facts come from the file's header.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import echo_json, service

models_app = typer.Typer(help="The embedding model and the local LLM (GGUF).", no_args_is_help=True)

def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


@models_app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The bundled models, the configured ones, and GGUF files in RECALL_HOME/models (* = in use)."""
    rows = service().list_models()
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        typer.echo(f"{mark} {row['role']:<8}  {row['name']}  {row['path']}")


@models_app.command("use")
def use(path: str = typer.Argument(..., help="A GGUF file, or 'bundled' for SmolLM2-135M-Instruct.")) -> None:
    """Use this GGUF as the LLM (its header is checked before the config is saved)."""
    svc = service()
    info = svc.use_model(path)  # ModelError naming the file when it is missing, not GGUF or truncated
    if info["bundled"]:
        typer.echo("Using the bundled SmolLM2-135M-Instruct.")
        return
    name = info.get("name") or Path(info["path"]).name
    typer.echo(f"Using {name} ({info['size_mb']} MB): {info['path']}")
    trained = info.get("trained_context")
    if trained and trained < svc.config.get("llm.context"):
        typer.echo(f"Note: the model was trained with a {trained}-token context; "
                   f"consider `recall config set llm.context {trained}`.", err=True)


@models_app.command("info")
def info(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The active LLM: file, size, architecture, quantization, and the settings it runs with."""
    data = service().model_info()
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
        typer.echo(f"{key}: {value}")
