"""`recall models`: which embedder and LLM recall uses, finding, switching and downloading LLMs.

Nothing here loads a model: GGUF facts come from the file's header.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import typer

from ..errors import ModelError
from .common import daemon_note, echo_json, progress, service, table

models_app = typer.Typer(help="The embedding model and the local LLM (GGUF).", no_args_is_help=True)

USE_HELP = ("'bundled', a catalogue name (qwen2.5-1.5b, see `recall models pull`), ollama:NAME[:TAG], "
            "hf:ORG/REPO/FILE.gguf, lmstudio:PUBLISHER/REPO/FILE.gguf, or a path to a GGUF file.")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


def _params(row: dict[str, Any]) -> str:
    return str(row.get("size_label") or "")


def _size(row: dict[str, Any]) -> str:
    size = row.get("size_bytes")
    if not size:
        return ""
    if size >= 1e9:
        return f"{size / 1e9:.1f} GB"
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB"


@models_app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The bundled LLM, the configured one and GGUF models found on this machine (RECALL_HOME/models,
    Ollama, LM Studio, the Hugging Face cache), with the name `recall models use` takes (* = in use)."""
    rows = service().list_models()
    if as_json:
        echo_json(rows)
        return
    llms = [r for r in rows if r["role"] == "llm"]
    table([["*" if r["active"] else "", r["name"], r.get("source", ""), r.get("architecture", ""), _params(r),
            r.get("quantization", ""), str(r.get("trained_context") or ""), _size(r),
            f"({r['problem']}) {r['path']}" if r.get("problem") else r["path"]] for r in llms],
          ["", "NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "CONTEXT", "SIZE", "PATH"])
    for r in rows:
        if r["role"] == "embedder" and r["active"]:
            typer.echo(f"\nembedder: {r['name']}  {r['path']}")
    missing = [r for r in rows if r["role"] == "catalogue"]
    if missing:
        typer.echo("to download (`recall models pull NAME`): "
                   + ", ".join(f"{c['name']} ({c['parameters']}, {c['size_bytes'] / 1e9:.1f} GB)" for c in missing))


def _use_message(info: dict[str, Any], context: int) -> None:
    if info["bundled"]:
        typer.echo("Using the bundled SmolLM2-135M-Instruct.")
        return
    facts = ", ".join(x for x in (info.get("size_label"), info.get("quantization"), _size(info)) if x)
    typer.echo(f"Using {info['name']} ({facts}): {info['path']}")
    trained = info.get("trained_context")
    if trained and trained < context:
        typer.echo(f"Note: the model was trained with a {trained}-token context; "
                   f"consider `recall config set llm.context {trained}`.", err=True)


@models_app.command("use")
def use(name: str = typer.Argument(..., help=USE_HELP)) -> None:
    """Use this model as the LLM. Its GGUF header is checked first (a complete file, an architecture
    llama.cpp loads); a bad name or file leaves the configured model unchanged."""
    svc = service()
    info = svc.use_model(name)  # one-line ModelError/NotFoundError: nothing saved
    _use_message(info, svc.config.get("llm.context"))
    daemon_note(svc.config, "llm.model")


@contextlib.contextmanager
def _phased_progress() -> Iterator[Callable[[str, int, int], None]]:
    """One progress bar per phase (download, then verify), on a terminal only."""
    labels = {"download": "Downloading", "verify": "Verifying"}
    with contextlib.ExitStack() as stack:
        state: dict[str, Any] = {"phase": None, "update": None}

        def report(phase: str, done: int, total: int) -> None:
            if phase != state["phase"]:
                stack.close()
                state["phase"] = phase
                state["update"] = stack.enter_context(progress(labels.get(phase, phase)))
            state["update"](done, total)

        yield report


@models_app.command("pull")
def pull(name: str = typer.Argument(..., help="A catalogue name; `recall models list` shows the ones not yet "
                                               "downloaded."),
         then_use: bool = typer.Option(False, "--use", help="Use the model once it is downloaded."),
         as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Download a small instruct GGUF from the built-in catalogue into RECALL_HOME/models, from the
    Hugging Face hub (HF_ENDPOINT), with resume and sha256 verification. Runs only when asked."""
    svc = service()
    with _phased_progress() as report:
        info = svc.pull_model(name, progress=report)
    if then_use:
        info = {**info, **svc.use_model(name)}
    if as_json:
        echo_json(info)
        return
    typer.echo(f"Downloaded {name} ({info.get('size_label', '')} {info.get('quantization', '')}, "
               f"{info['licence']}): {info['path']}")
    if then_use:
        _use_message(info, svc.config.get("llm.context"))
    else:
        typer.echo(f"Use it with `recall models use {name}`.")


@models_app.command("info")
def info(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The active LLM: name, file, parameters, quantization, trained context, and the settings it runs with."""
    data = service().model_info()
    if as_json:
        echo_json(data)
    else:
        for key, value in data.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
            typer.echo(f"{key}: {value}")
    if data.get("problem"):  # its header reads, but the model cannot be used: that is the news, and the exit
        raise ModelError(f"the configured model cannot be used: {data['problem']}: {data['path']}")
