"""`recall serve`: the warm daemon."""

from __future__ import annotations

import typer

from ..config import load_config
from ..errors import UsageError
from .common import echo_json, service


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    action: str | None = typer.Argument(None, metavar="[start|stop|status]",
                                        help="The same as --detach, --stop or --status."),
    show_status: bool = typer.Option(False, "--status", help="Say whether the daemon runs, and its pid."),
    stop_it: bool = typer.Option(False, "--stop", help="Stop the running daemon (SIGTERM) and wait."),
    detach: bool = typer.Option(False, "--detach", "-d",
                                help="Start in the background; return when it answers (at once if it runs)."),
    unit: bool = typer.Option(False, "--unit", help="Print a systemd user unit that runs the daemon."),
    as_json: bool = typer.Option(False, "--json", help="Print status as JSON."),
) -> None:
    """Keep models and the index warm behind a Unix socket; ingest, watch and consolidate."""
    from ..serve import daemon
    from ..serve.client import daemon_problems

    asked = [flag for flag, on in (("--detach", detach), ("--stop", stop_it), ("--status", show_status),
                                   ("--unit", unit)) if on]
    if action is not None:
        if action not in ("start", "stop", "status"):
            raise UsageError(f"unknown serve action '{action}' (use start, stop or status)")
        asked.append(action)
        detach, stop_it, show_status = action == "start", action == "stop", action == "status"
    if len(asked) > 1:  # "serve --detach --stop" stopped it and said nothing of the start
        raise UsageError(f"{' and '.join(asked)} exclude each other: give one")
    if as_json and not show_status:
        raise UsageError("--json goes with status (recall serve status --json)")
    # status and stop need only the home (its pid file and socket): a config.toml broken by
    # hand must not leave a running daemon that cannot be looked at or stopped
    config = load_config(lenient=show_status or stop_it)
    for problem in config.problems if (show_status or stop_it) else ():
        typer.echo(f"warning: {problem}", err=True)
    if unit:
        typer.echo(daemon.unit_file(config), nl=False)
        return
    if show_status:
        data = daemon.status(config)
        data["problems"] = daemon_problems(config) if data["answering"] else {}
        if as_json:
            echo_json(data)
        elif data["answering"]:
            typer.echo(f"recall serve is running (pid {data['pid']}) on {data['socket']}")
            for why in data["problems"].values():
                typer.echo(f"  but: {why}")
        elif data["served_by"] and not data["running"]:
            typer.echo(f"recall serve is not running for this home: {daemon.socket_clash(config, data['served_by'])}")
        elif data["running"]:
            typer.echo(f"recall serve (pid {data['pid']}) is running but not answering on {data['socket']}: "
                       "stopped or stuck; `recall serve --stop` ends it")
        else:
            typer.echo("recall serve is not running" + (" (stale pid file)" if data["stale_pid_file"] else ""))
        raise typer.Exit(0 if data["answering"] else 1)
    if stop_it:
        if daemon.stop(config):
            typer.echo("Stopped recall serve.")
        else:
            typer.echo("recall serve was not running.")
        return
    if detach:
        # (idempotent: an rc file may start it each login, and two shells opened at once both do)
        pid, already = daemon.start_detached(config)
        typer.echo(f"recall serve is {'already ' if already else ''}running (pid {pid}) on "
                   f"{daemon.socket_path(config)}")
        return
    daemon.run(config, service, ready=lambda: print(
        f"recall serve listening on {daemon.socket_path(config)}", flush=True))
