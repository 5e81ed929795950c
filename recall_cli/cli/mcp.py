"""`recall mcp` (the MCP tool server on stdio) and `recall mcp config` (how to register it)."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import typer

from ..errors import UsageError

CLIENTS = ("claude-code", "claude-desktop", "cursor", "codex")

# Where each client keeps the snippet (printed on stderr, so stdout stays pasteable).
WHERE = {
    "claude-code": "Run this command once (user scope: every project):",
    "claude-desktop": ("Merge this into claude_desktop_config.json (macOS: ~/Library/Application Support/Claude/, "
                       "Windows: %APPDATA%\\Claude\\), then restart Claude Desktop:"),
    "cursor": ("Merge this into ~/.cursor/mcp.json (every project) or .cursor/mcp.json (one project), "
               "then enable the server under Settings > MCP:"),
    "codex": "Add this to ~/.codex/config.toml (or .codex/config.toml in a trusted project):",
}


HELP = (
    "Serve recall to coding agents over MCP (stdio), or print how to register it.\n\n"
    "With no subcommand, serve recall's memory tools on stdin/stdout; MCP clients start this themselves "
    "(`recall mcp config --client ...` prints how to register it). Tools: search_memory, ask, get_memory, "
    "list_recent, shell_history and, unless --read-only, remember, pin, forget and consolidate; "
    "resource recall://profile. "
    "Searches use the warm models of `recall serve` when it runs. Writes are recorded with source mcp and the "
    "client's name. Only protocol messages go to stdout; logs go to stderr and RECALL_HOME/logs/mcp.log."
)


def register(app: typer.Typer) -> None:
    mcp = typer.Typer(name="mcp", invoke_without_command=True, help=HELP)
    mcp.callback()(serve)
    mcp.command("config")(config)
    app.add_typer(mcp, name="mcp")


def serve(
    ctx: typer.Context,
    read_only: bool = typer.Option(False, "--read-only",
                                   help="Hide the tools that write (remember, pin, forget, consolidate)."),
    client_name: str = typer.Option(None, "--client-name",
                                    help="Name recorded with writes (default: the name the client sends)."),
) -> None:
    """Serve recall's memory tools over MCP on stdin/stdout (see HELP)."""
    if ctx.invoked_subcommand is not None:
        return
    if sys.stdin.isatty():
        typer.echo("recall mcp speaks MCP on stdin/stdout; an MCP client starts it. "
                   "See `recall mcp config --help` to register it (Ctrl-D to quit).", err=True)
    from ..mcp.server import serve_stdio

    serve_stdio(read_only=read_only, client_name=client_name)


def launcher() -> list[str]:
    """The absolute command that starts this very recall: its console script, else python -m."""
    script = Path(sys.executable).parent / ("recall.exe" if os.name == "nt" else "recall")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "recall_cli"]


def snippet(client: str, *, name: str = "recall", read_only: bool = False, command: list[str] | None = None,
            home: str | None = None) -> str:
    """The exact text that registers recall with ``client``."""
    argv = [*(command or launcher()), "mcp", *(["--read-only"] if read_only else [])]
    env = {"RECALL_HOME": home} if home else {}
    if client == "claude-code":
        parts = ["claude", "mcp", "add", "--transport", "stdio", "--scope", "user"]
        for key, value in env.items():
            parts += ["--env", f"{key}={value}"]
        return shlex.join([*parts, name, "--", *argv])
    if client in ("claude-desktop", "cursor"):
        entry: dict[str, object] = {"command": argv[0], "args": argv[1:]}
        if env:
            entry["env"] = env
        return json.dumps({"mcpServers": {name: entry}}, indent=2, ensure_ascii=False)
    if client == "codex":
        lines = [f"[mcp_servers.{_toml_key(name)}]", f"command = {_toml(argv[0])}",
                 f"args = [{', '.join(_toml(a) for a in argv[1:])}]"]
        if env:
            lines.append("env = { " + ", ".join(f"{k} = {_toml(v)}" for k, v in env.items()) + " }")
        return "\n".join(lines)
    raise UsageError(f"unknown client '{client}' (choose {', '.join(CLIENTS)})")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() and name.isascii() else _toml(name)


def config(
    client: str = typer.Option(..., "--client", "-c", help="claude-code, claude-desktop, cursor or codex."),
    read_only: bool = typer.Option(False, "--read-only", help="Register the server with --read-only."),
    name: str = typer.Option("recall", "--name", help="The server's name in the client."),
) -> None:
    """Print the exact command or config snippet that registers `recall mcp` with a client.

    Uses the absolute path of this recall and passes RECALL_HOME on when set; where to put it goes to stderr."""
    if client not in CLIENTS:
        raise UsageError(f"unknown client '{client}' (choose {', '.join(CLIENTS)})")
    if not name.strip():
        raise UsageError("--name must not be empty")
    home = os.environ.get("RECALL_HOME")
    text = snippet(client, name=name, read_only=read_only,
                   home=str(Path(home).expanduser().absolute()) if home else None)
    typer.echo(WHERE[client], err=True)
    typer.echo(text)
