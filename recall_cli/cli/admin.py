"""Admin commands: config, index, doctor, plugins."""

from __future__ import annotations

from pathlib import Path

import typer

from ..config import DEFAULTS, ENV_ADVICE, env_name, load_config, toml_value, unknown_key
from ..errors import ConfigError
from ..render import plural
from .common import daemon_note, echo_json, progress, service

config_app = typer.Typer(help="Show and change configuration (config.toml under RECALL_HOME).",
                         no_args_is_help=True)
index_app = typer.Typer(help="The HNSW vector index (a cache of the vectors in SQLite).",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
    app.add_typer(index_app, name="index")
    app.command("doctor")(doctor)
    app.command("plugins")(plugins)


@config_app.command("show")
def config_show(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every setting with its value and where it comes from."""
    cfg = load_config(lenient=True)
    for problem in cfg.problems:  # shown, with its default, so it can be set right
        # a broken file needs an editor and a bad variable the shell (the message says so):
        # `config set` would repair neither
        fix = "it is fixed" if "not valid TOML" in problem or ENV_ADVICE in problem else \
            "it is fixed: `recall config set` or `recall config unset`"
        typer.echo(f"warning: {problem} (shown with its default here; other commands refuse to run until {fix})",
                   err=True)
    for key in cfg.unknown:  # a typo ignored without a word left the default in force
        typer.echo(f"warning: {cfg.path}: {unknown_key(key)} is ignored (`recall config unset {key}` removes it)",
                   err=True)
    if as_json:
        echo_json({k: {"value": cfg.values[k], "source": cfg.sources[k], "env": env_name(k),
                       "help": DEFAULTS[k][1]} for k in DEFAULTS})
        return
    typer.echo(f"# {cfg.path}")
    for key in DEFAULTS:
        typer.echo(f"{key} = {toml_value(cfg.values[key])}  # {cfg.sources[key]}")


@config_app.command("get")
def config_get(key: str = typer.Argument(..., help="A key such as search.limit.")) -> None:
    """Print one setting's value."""
    typer.echo(str(load_config().get(key)))


@config_app.command("set", context_settings={"ignore_unknown_options": True})  # "-5" is a value, not a flag
def config_set(
    key: str = typer.Argument(..., help="A key such as search.limit."),
    value: str = typer.Argument(..., help="The new value."),
) -> None:
    """Write a setting to config.toml (a value is checked first: llm.model as `recall models use` checks it)."""
    if key == "tui.keymap":
        _check_keymap(value)
    cfg = load_config(lenient=True)  # a bad value elsewhere in the file must not block this
    if key == "llm.model" and value.strip():
        from ..service import Recall

        # checked as `recall models use` checks it: a missing or non-GGUF file is refused, unsaved
        Recall(cfg).use_model(value)
        typed = cfg.stored(key)
    elif key == "embed.model" and value.strip():
        from ..service import Recall

        # refused now, unsaved, rather than by every search after it
        typed = cfg.set(key, Recall(cfg).check_embedder(value))
    else:
        typed = cfg.set(key, value)
    if cfg.sources[key].startswith("env "):  # written, but not what is in force while the variable is set
        typer.echo(f"{key} = {toml_value(cfg.values[key])}  # {cfg.sources[key]} (overrides {toml_value(typed)}, "
                   "written to config.toml)")
    else:
        typer.echo(f"{key} = {toml_value(typed)}")
    if key == "sync.dir" and typed:
        _check_sync_dir(Path(str(typed)))
    daemon_note(cfg, key)


def _check_sync_dir(folder: Path) -> None:
    """Warn (it is saved: a USB stick or share may be mounted later) when sync.dir names no
    folder: every `recall sync` and the daemon's syncs would fail until it does."""
    if folder.expanduser().is_dir():
        return
    what = "is a file, not a folder" if folder.expanduser().exists() else "does not exist (yet)"
    typer.echo(f"warning: {folder} {what}: `recall sync` and the daemon's syncs fail until it is the folder your "
               "devices share", err=True)


def _check_keymap(value: str) -> None:
    """A keymap names known binding ids, each once with a key a press can make (the TUI would
    leave the rest out, or move an action onto a key that never arrives)."""
    from textual.binding import Binding

    from ..tui.app import binding_classes, binding_ids  # (Textual loads only for this one key)
    from ..tui.keys import normal_key, read_keymap

    read = read_keymap(value, binding_ids())
    if read.unknown:
        raise ConfigError(f"config key 'tui.keymap' needs binding-id=key pieces with known ids, got "
                          f"{read.unknown[0]!r} (the ids are in the TUI's help, F1)", key="tui.keymap")
    if read.problems:
        raise ConfigError(f"config key 'tui.keymap': {read.problems[0]}", key="tui.keymap")
    wanted = read.keys
    # a key another binding of the same place keeps would take its place: "search-tab=a" hid Ask
    for cls in binding_classes():
        kept = {normal_key(k): b.id for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id
                and b.id not in wanted for k in b.key.split(",")}
        for name, key in wanted.items():
            if key in kept and any(isinstance(b, Binding) and b.id == name for b in getattr(cls, "BINDINGS", [])):
                raise ConfigError(f"config key 'tui.keymap': {key!r} is already the key of {kept[key]!r}; "
                                  f"rebind that one too, or choose another key for {name!r}", key="tui.keymap")


@config_app.command("unset")
def config_unset(key: str = typer.Argument(..., help="A key such as search.limit (or a mistyped one).")) -> None:
    """Remove a setting from config.toml: it goes back to its default (a key recall does not know is removed)."""
    cfg = load_config(lenient=True)
    present = cfg.unset(key)
    if key in DEFAULTS:
        typer.echo(f"{key} = {toml_value(cfg.values[key])}  # {cfg.sources[key]}")
    else:
        typer.echo(f"Removed {key} from {cfg.path}.")
    if not present:
        typer.echo(f"({key} was not set in {cfg.path})", err=True)
    elif key in DEFAULTS:
        daemon_note(cfg, key)


@config_app.command("path")
def config_path() -> None:
    """Print the path of config.toml."""
    typer.echo(str(load_config().path))


@index_app.command("rebuild")
def index_rebuild(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Embed anything missing and rebuild the index from SQLite."""
    with progress("Rebuilding index") as update:
        count, file = service().rebuild_index(progress=update)
    if as_json:
        echo_json({"vectors": count, "file": str(file)})
    else:
        typer.echo(f"Rebuilt the index with {plural(count, 'vector')}: {file}")


def doctor(
    fix: bool = typer.Option(False, "--fix", help="Repair what can be repaired: file modes, secrets stored "
                                                  "before the table knew them, missing vectors, the index, "
                                                  "temp files left by a crash."),
    no_llm: bool = typer.Option(False, "--no-llm", help="Do not load the LLM to check it answers."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Check the home's privacy, stored secrets, the store, vectors, index, models and config; exit non-zero
    unless all is well."""
    try:
        svc = service()
        _ = svc.config
    except ConfigError:
        # a bad value in config.toml is one of the checks (FAIL), not the end of the report
        from ..service import Recall

        svc = Recall(load_config(lenient=True))
    checks = svc.doctor(fix=fix, llm=not no_llm)
    if as_json:
        echo_json([c.__dict__ for c in checks])
    else:
        for c in checks:
            typer.echo(f"[{c.status:>4}] {c.name}: {c.detail}" + (f" (fixed: {c.fix})" if c.fix else ""))
    if any(c.status != "OK" for c in checks):
        raise typer.Exit(1)


def plugins(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List plugins (built-in and installed) and the hooks they implement."""
    rows, failures = service().plugin_listing()
    if as_json:
        echo_json({"plugins": rows, "failures": failures})
        return
    for row in rows:
        kind = "built-in" if row["builtin"] else (row["distribution"] or "plugin")
        typer.echo(f"{row['name']}  ({kind})  hooks: {', '.join(row['hooks'])}")
    for failure in failures:
        typer.echo(f"{failure['plugin']}  FAILED in {failure['hook']}: {failure['error']}")
