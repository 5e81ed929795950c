"""`recall mcp` as a real subprocess over stdio, with the real bundled embedder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "RECALL_HOME": str(home), "HF_HUB_OFFLINE": "1", "RECALL_NO_DAEMON": "1",
            "PYTHONPATH": str(ROOT)}


async def test_the_sdk_client_talks_to_recall_mcp_over_stdio(recall_home, tmp_path):
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.types import Implementation

    # a command the shell hook recorded a moment ago: still in the spool, not yet stored
    subprocess.run([sys.executable, "-m", "recall_cli.capture.record", "--shell", "bash", "--status", "2",
                    "--cwd", "/src/app/api", "--session", "s1", "--duration-ms", "900"], input=b"make test",
                   env=_env(recall_home), check=True)
    params = StdioServerParameters(command=sys.executable, args=["-m", "recall_cli", "mcp"], env=_env(recall_home),
                                   cwd=str(tmp_path))
    with open(tmp_path / "stderr.txt", "w+") as errlog:
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, client_info=Implementation(name="stdio-test", version="1"),
                          read_timeout_seconds=120) as client:
            assert client.server_info.name == "recall"
            tools = {t.name for t in (await client.list_tools()).tools}
            assert tools == {"search_memory", "ask", "get_memory", "list_recent", "shell_history", "remember", "pin",
                             "forget", "consolidate"}

            fact = await client.call_tool("remember", {"text": "To release recall, run `make release` from a "
                                                                "clean main branch", "kind": "procedural",
                                                        "tags": ["recall"]})
            assert not fact.is_error, fact.content[0].text
            core = await client.call_tool("remember", {"text": "The user is Ada, a Python developer in Lisbon",
                                                       "kind": "core"})
            assert not core.is_error
            await client.call_tool("remember", {"text": "Lunch was a bifana at the corner cafe"})

            found = await client.call_tool("search_memory", {"query": "how do I publish a new version?", "limit": 3})
            assert not found.is_error, found.content[0].text
            ids = [r["id"] for r in found.structured_content["results"]]
            assert fact.structured_content["memory"]["id"] in ids or fact.structured_content["id"] in ids
            assert all(r["time"] for r in found.structured_content["results"])

            profile = (await client.read_resource("recall://profile")).contents[0].text
            assert "Ada, a Python developer in Lisbon" in profile
            assert core.structured_content["memory"]["id"] in profile

            bad = await client.call_tool("get_memory", {"id": "m999"})
            assert bad.is_error and "no memory with id m999" in bad.content[0].text
            failed = await client.call_tool("shell_history", {"cwd": "/src/app", "failed": True})
            assert not failed.is_error, failed.content[0].text
            assert [(r["command"], r["exit_code"], r["cwd"]) for r in failed.structured_content["results"]] == [
                ("make test", 2, "/src/app/api")]
            again = await client.call_tool("list_recent", {"limit": 2})
            assert [r["text"][:5] for r in again.structured_content["results"]] == ["Lunch", "The u"]
        errlog.seek(0)
        stderr = errlog.read()
    assert "Traceback" not in stderr, stderr
    log = (recall_home / "logs" / "mcp.log").read_text()
    assert "recall mcp" in log and "starting" in log


def test_stdout_carries_only_protocol_messages(recall_home, tmp_path):
    """Raw JSON-RPC over the pipes: every stdout line is a JSON-RPC message, even while the model loads."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw-test", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "remember", "arguments": {"text": "the spare key is in the blue pot"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "search_memory", "arguments": {"query": "where is the key", "limit": 10_000_000}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
            "name": "search_memory", "arguments": {"query": "where is the key"}}},
        # json.dumps writes the lone surrogate as the escape "\\ud800", which the SDK's parser refuses
        {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {
            "name": "search_memory", "arguments": {"query": "caf\ud800e key"}}},
    ]
    proc = subprocess.Popen([sys.executable, "-m", "recall_cli", "mcp", "--read-only"], cwd=tmp_path,
                            env=_env(recall_home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    replies = {}
    watchdog = threading.Timer(180, proc.kill)  # a request that gets no reply fails the test, not CI
    watchdog.start()
    try:
        for message in messages:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
            if "id" not in message:
                continue
            while message["id"] not in replies:  # every line must be a JSON-RPC message
                line = proc.stdout.readline()
                assert line, proc.stderr.read()
                reply = json.loads(line)
                assert reply["jsonrpc"] == "2.0"
                if "id" in reply:
                    replies[reply["id"]] = reply
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert proc.stdout.read() == ""
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert replies[1]["result"]["serverInfo"]["name"] == "recall"
    assert replies[2]["result"]["isError"] is True  # read-only
    assert "read-only" in replies[2]["result"]["content"][0]["text"]
    assert replies[3]["result"]["isError"] is True
    assert "'limit' must be from 1 to 50" in replies[3]["result"]["content"][0]["text"]
    assert replies[4]["result"]["isError"] is False
    assert replies[4]["result"]["structuredContent"]["results"] == []
    assert replies[5]["result"]["isError"] is False  # answered, not dropped


def test_a_recall_home_that_is_a_file_fails_the_server_at_its_start_in_one_line(tmp_path):
    home = tmp_path / "notadir"
    home.write_text("")
    done = subprocess.run([sys.executable, "-m", "recall_cli", "mcp"], input="", capture_output=True, text=True,
                          env=_env(home), cwd=str(tmp_path), timeout=60)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr == (f"Error: RECALL_HOME {home} is a file, not a folder: fix RECALL_HOME in your MCP "
                           "client's config (or leave it out for the default)\n")
