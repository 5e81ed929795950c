"""`recall search --wide` adds where each hit happened: a shell command's directory, a file's
path and line."""

from __future__ import annotations

from recall_cli.models import Event


def test_wide_search_shows_the_directory_of_shell_hits_and_the_path_of_file_hits(cli, svc):
    svc.store_events([
        Event("docker compose up -d", 1_700_000_000, source="shell", kind="command", actor="ana",
              meta={"cwd": "/srv/photos", "exit_code": 0}),
        Event("docker volumes live on the backup disk", 1_700_000_600, source="file", kind="paragraph",
              actor="ana", meta={"path": "/home/ana/notes/server.md", "line_start": 12, "line_end": 12}),
        Event("docker talk on Thursday", 1_700_001_200, source="chat", kind="message", actor="Ben"),
    ])
    svc.close()
    code, out, err = cli("search", "docker", "--wide", "--no-time-phrases")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "source", "speaker", "score", "where", "text"]
    where_at = lines[0].index("where")
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["1"][where_at:].startswith("/srv/photos  ") and rows["1"].endswith("docker compose up -d")
    assert rows["2"][where_at:].startswith("/home/ana/notes/server.md:12  ")
    assert rows["3"][where_at:].startswith(" " * len("/home/ana/notes/server.md:12  ") + "docker talk")


def test_without_wide_the_table_keeps_its_columns(cli, svc):
    svc.store_events([Event("make deploy", 1_700_000_000, source="shell", kind="command", meta={"cwd": "/src"})])
    svc.close()
    header = cli("search", "deploy")[1].splitlines()[0]
    assert header.split() == ["id", "date", "source", "speaker", "score", "text"]
