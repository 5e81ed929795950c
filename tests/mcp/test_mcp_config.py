"""`recall mcp config --client ...` prints the exact snippet; `recall --help` never imports mcp."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from recall_cli.cli import mcp as mcp_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def launcher(monkeypatch, tmp_path):
    """A fake environment whose bin/ holds an executable `recall` next to python."""
    bin_dir = tmp_path / "env with space" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text("")
    recall = bin_dir / "recall"
    recall.write_text("#!/bin/sh\n")
    recall.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    return str(recall)


def test_claude_code_gets_the_command_to_run(cli, launcher, recall_home):
    code, out, err = cli("mcp", "config", "--client", "claude-code")
    assert code == 0 and "Run this command once" in err
    assert shlex.split(out) == ["claude", "mcp", "add", "--transport", "stdio", "--scope", "user",
                                "--env", f"RECALL_HOME={recall_home}", "recall", "--", launcher, "mcp"]


@pytest.mark.parametrize("client", ["claude-desktop", "cursor"])
def test_json_clients_get_an_mcp_servers_entry(cli, launcher, recall_home, client):
    code, out, err = cli("mcp", "config", "--client", client, "--read-only")
    assert code == 0 and "Merge this into" in err
    assert json.loads(out) == {"mcpServers": {"recall": {
        "command": launcher, "args": ["mcp", "--read-only"], "env": {"RECALL_HOME": str(recall_home)}}}}


def test_codex_gets_a_config_toml_table(cli, launcher, recall_home):
    code, out, err = cli("mcp", "config", "-c", "codex", "--name", "memory")
    assert code == 0 and "~/.codex/config.toml" in err
    assert tomllib.loads(out) == {"mcp_servers": {"memory": {
        "command": launcher, "args": ["mcp"], "env": {"RECALL_HOME": str(recall_home)}}}}


def test_without_recall_home_there_is_no_env(cli, launcher, monkeypatch):
    monkeypatch.delenv("RECALL_HOME")
    assert "RECALL_HOME" not in cli("mcp", "config", "--client", "codex")[1]
    assert "env" not in json.loads(cli("mcp", "config", "--client", "cursor")[1])["mcpServers"]["recall"]
    assert "--env" not in cli("mcp", "config", "--client", "claude-code")[1]


def test_a_relative_recall_home_becomes_absolute(cli, launcher, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECALL_HOME", "rel-home")
    entry = json.loads(cli("mcp", "config", "--client", "claude-desktop")[1])["mcpServers"]["recall"]
    assert entry["env"] == {"RECALL_HOME": str(tmp_path / "rel-home")}


def test_without_a_recall_script_it_runs_the_module_with_this_python(monkeypatch, tmp_path):
    python = tmp_path / "bin" / "python3"
    monkeypatch.setattr(sys, "executable", str(python))
    assert mcp_cli.launcher() == [str(python), "-m", "recall_cli"]
    text = mcp_cli.snippet("codex")
    assert tomllib.loads(text)["mcp_servers"]["recall"]["args"] == ["-m", "recall_cli", "mcp"]


def test_unusual_server_names_are_quoted(launcher):
    assert tomllib.loads(mcp_cli.snippet("codex", name="my memory"))["mcp_servers"]["my memory"]["args"] == ["mcp"]
    assert shlex.split(mcp_cli.snippet("claude-code", name="my memory"))[7] == "my memory"


def test_an_unknown_client_is_a_usage_error(cli):
    code, out, err = cli("mcp", "config", "--client", "vscode")
    assert code == 2 and out == ""
    assert err == "Error: unknown client 'vscode' (choose claude-code, claude-desktop, cursor, codex)\n"


def test_the_printed_command_really_starts_this_recall():
    argv = mcp_cli.launcher()
    assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK)
    done = subprocess.run([*argv, "mcp", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "--read-only" in done.stdout


def test_recall_help_does_not_import_mcp():
    code = ("import sys; from recall_cli.cli.main import main; main(['--help']); main(['mcp', '--help']); "
            "main(['mcp', 'config', '--client', 'codex']); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'anyio') "
            "or m == 'recall_cli.mcp.server')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("[]")
