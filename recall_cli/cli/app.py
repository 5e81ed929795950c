"""Building the typer app: built-in command groups plus plugins' register_commands."""

from __future__ import annotations

import re

import typer

from .. import __version__


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recall {__version__}")
        raise typer.Exit()


# Each module has register(app). Order is the order of `recall --help`.
COMMAND_MODULES = (
    "capture", "shell", "history", "screen", "search", "memories", "ask", "llm_models",
    "sync", "admin", "serve", "mcp", "bench", "perfbench", "tui",
)


def _flags_without_types() -> None:
    """`recall --help` shows a type beside each option; for a plain flag typer prints
    "<bool>", which reads as if the flag took a value: show nothing there instead. A
    repeatable option shows "<str>…" rather than "<list[str]>"."""
    from typer.core import TyperArgument, TyperOption

    if getattr(TyperOption.display_type_rich, "_recall", False):
        return
    shown = TyperOption.display_type_rich
    shown_argument = TyperArgument.display_type_rich

    def display_type_rich(self: TyperOption, ctx: typer.Context) -> str | None:
        if self.is_flag and self.metavar is None:
            return None
        return _one_value(shown(self, ctx))

    def argument_type_rich(self: TyperArgument, ctx: typer.Context) -> str | None:
        return _one_value(shown_argument(self, ctx))

    display_type_rich._recall = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign,assignment]
    TyperArgument.display_type_rich = argument_type_rich  # type: ignore[method-assign,assignment]


def _one_value(text: str | None) -> str | None:
    """A repeatable parameter reads "<list[str]>"; say what one value is, and that it repeats."""
    match = re.fullmatch(r"<list\[(\w+)\]>", text or "")
    return f"<{match[1]}>…" if match else text


def build_app() -> typer.Typer:
    """The whole CLI; one factory for the console script, tests and man pages."""
    _flags_without_types()
    app = typer.Typer(
        name="recall", no_args_is_help=True, add_completion=False,
        help="recall: a local-first personal memory for the terminal. Nothing leaves this machine.",
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                     help="Print the version and exit."),
    ) -> None:
        """recall: a local-first personal memory for the terminal."""

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"recall_cli.cli.{name}").register(app)
    from ..plugins.manager import get_plugins

    get_plugins().add_commands(app)
    _attach_examples(app)
    return app


def _attach_examples(app: typer.Typer, path: tuple[str, ...] = ()) -> None:
    """Every command's --help ends with its examples (from cli/examples.py, as the man pages)."""
    from .examples import epilog

    if app.info.epilog is None:
        app.info.epilog = epilog(path)
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")
        if command.epilog is None:
            command.epilog = epilog((*path, name))
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = unwrapped(command.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None and group.name:
            if group.epilog is None:
                group.epilog = epilog((*path, group.name))
            _attach_examples(group.typer_instance, (*path, group.name))


def unwrapped(doc: str) -> str:
    """A docstring as help text: its paragraphs kept, the line breaks inside each joined, so
    the terminal wraps them (typer keeps a docstring's breaks: "written\n(names ..." showed
    as a half-empty line)."""
    import inspect

    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(doc))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)
