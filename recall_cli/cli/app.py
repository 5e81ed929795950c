"""Building the typer app: built-in command groups plus plugins' register_commands."""

from __future__ import annotations

import typer

from .. import __version__


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recall {__version__}")
        raise typer.Exit()


# Each module has register(app). Order is the order of `recall --help`.
COMMAND_MODULES = (
    "capture", "shell", "screen", "search", "memories", "ask", "llm_models",
    "admin", "serve", "mcp", "bench", "perfbench", "tui",
)


def build_app() -> typer.Typer:
    """The whole CLI; one factory for the console script, tests and man pages."""
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

    get_plugins().call_each("register_commands", app=app)
    return app
