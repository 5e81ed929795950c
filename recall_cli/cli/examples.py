"""Examples for every command, in one table: `recall CMD --help`, the man pages and the
README's examples section all come from it (a test keeps the three equal)."""

from __future__ import annotations

# command path -> (command line, what it does)
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "": [("recall add \"Sam's spare key is under the blue pot\"", "remember a note"),
         ("recall search \"where is the spare key\"", "find it again, by words and by meaning"),
         ("recall ask \"when is the dentist?\"", "an answer with the evidence it came from")],
    "add": [("recall add \"Maya's birthday is 3 May\" --tag family", "a note with a tag"),
            ("pbpaste | recall add --source clipboard", "from standard input")],
    "import": [("recall import ~/Downloads/chatgpt-export.zip", "a ChatGPT or Claude export, zipped as it came"),
               ("recall import ~/Downloads/conversations.json", "a ChatGPT or Claude export"),
               ("recall import ~/notes", "every note in a folder, dated by headings or front matter (empty notes "
                "are passed over; a link out of the folder is not followed)"),
               ("recall import backup.jsonl", "a recall export, memories and history included")],
    "init": [("eval \"$(recall init bash)\"", "in ~/.bashrc: record commands, Ctrl-R searches them"),
             ("recall init fish --no-ctrl-r | source", "fish, keeping fish's own Ctrl-R")],
    "ingest": [("recall ingest", "move recorded commands and file changes into the store")],
    "watch": [("recall watch --add ~/notes", "watch a folder from now on"),
              ("recall watch --once ~/notes", "scan once and exit (for cron)")],
    "screen": [("recall config set screen.enabled true", "record window focus while `recall serve` runs")],
    "screen status": [("recall screen status", "which window source works here")],
    "screen watch": [("recall screen watch --once", "record the focused window once")],
    "search": [("recall search \"deploy staging\"", "hybrid search"),
               ("recall search \"what did I do last week\" --source shell", "a time phrase and a source"),
               ("recall search docker --since 2026-11-01 --json", "an explicit range, as JSON"),
               ("recall search pytest --source shell --wide", "with the folder each command ran in")],
    "show": [("recall show 42", "an event with everything its source recorded"),
             ("recall show m7", "a memory with its sources, history and strength")],
    "forget": [("recall forget 42 m7", "delete an event and a memory for real"),
               ("recall forget --source screen --before 2026-01-01 --yes", "everything older from one source"),
               ("recall forget --file ~/Downloads/conversations.json", "what one import brought in"),
               ("recall forget 120-180", "a range of event ids"),
               ("recall forget --since \"1 hour ago\"", "what the last hour captured")],
    "stats": [("recall stats", "what recall holds"), ("recall stats --shell", "top commands, busiest folders")],
    "memories": [("recall memories --kind procedural", "how-tos"),
                 ("recall memories --zone fading", "what is being forgotten")],
    "pin": [("recall pin m7", "never let it fade; always give it to the model")],
    "unpin": [("recall unpin m7", "let it fade again")],
    "edit": [("recall edit m7 --text \"Ana lives in Lisbon\"", "correct a memory (consolidation keeps your edit)")],
    "history": [("recall history --cwd . --failed", "commands that failed in this folder"),
                ("recall history --format '{ago} {command}' -n 5", "your own line format"),
                ("recall history m7", "every change to a memory")],
    "consolidate": [("recall consolidate", "distil pending episodes into memories"),
                    ("recall consolidate --dry-run --no-llm", "see what the zero-LLM path would store")],
    "ask": [("recall ask \"where did I park?\"", "an answer citing its evidence"),
            ("recall ask --no-llm \"which editor do I use?\"", "the ranked evidence only")],
    "chat": [("recall chat", "one question per line; the model stays warm; a follow-up that names someone "
                             "else (\"and Anna?\") or says \"it\" (\"who teaches it?\") asks what the last question "
                             "did about it; fed from a pipe, each answer follows `ask> ` and its question")],
    "models": [("recall models list", "the models recall can use")],
    "models list": [("recall models list --json", "as JSON")],
    "models use": [("recall models use ollama:qwen2.5:1.5b", "a model Ollama already downloaded"),
                   ("recall models use bundled", "back to the bundled SmolLM2-135M")],
    "models info": [("recall models info", "the active model's file, size and settings")],
    "models pull": [("recall models pull qwen2.5-1.5b --use", "download a stronger model and use it")],
    "export": [("recall export -o memory.jsonl", "everything, for `recall import` elsewhere"),
               ("recall export --format markdown -o ~/notes/recall", "a folder of readable files")],
    "backup": [("recall backup ~/backups/recall.db", "a consistent copy, even while the daemon runs"),
               ("recall backup ~/backups/recall.db --restore", "put a backup back (asks first; --yes in a script)")],
    "sync": [("recall sync ~/Sync/recall", "merge with your other machines through a synced folder"),
             ("recall sync --new-device", "after copying RECALL_HOME to a new machine")],
    "config": [("recall config show", "every setting and where it comes from")],
    "config show": [("recall config show --json", "as JSON")],
    "config get": [("recall config get search.limit", "one value")],
    "config set": [("recall config set sync.dir ~/Sync/recall", "change a setting")],
    "config unset": [("recall config unset search.limit", "back to the default"),
                     ("recall config unset search.limt", "remove a mistyped key `recall config show` warned of")],
    "config path": [("recall config path", "where config.toml is")],
    "index": [("recall index rebuild", "rebuild the vector index from SQLite")],
    "index rebuild": [("recall index rebuild --json", "and say how many vectors")],
    "doctor": [("recall doctor", "check privacy, store, vectors, index and models"),
               ("recall doctor --fix", "repair what can be repaired")],
    "plugins": [("recall plugins", "built-in and installed plugins, and their hooks")],
    "serve": [("recall serve --detach", "keep models and index warm in the background"),
              ("recall serve --unit > ~/.config/systemd/user/recall.service", "a systemd user unit")],
    "tui": [("recall tui", "browse the timeline, search, curate, ask")],
    "mcp": [("recall mcp", "an MCP tool server over stdio for coding agents")],
    "mcp config": [("recall mcp config --client claude-code", "the command to register recall with Claude Code")],
    "bench": [("recall bench locomo ../shared/bench/locomo/locomo-dev.json", "retrieval recall on LoCoMo")],
    "bench locomo": [("recall bench locomo locomo-dev.json --qa", "answer quality, per category")],
    "bench beam": [("recall bench beam ../shared/bench/beam/100K", "retrieval recall per BEAM ability")],
    "bench perf": [("recall bench perf", "ingest speed and search latency at 10k and 100k events")],
    "bench ask": [("recall bench ask", "time to first token, cold and warm")],
}


def for_command(path: tuple[str, ...]) -> list[tuple[str, str]]:
    """The examples of one command (``()`` is `recall` itself)."""
    return EXAMPLES.get(" ".join(path), [])


def epilog(path: tuple[str, ...]) -> str | None:
    """The examples as a --help epilog (paragraphs: typer keeps blank-line breaks)."""
    found = for_command(path)
    if not found:
        return None
    # the comment above its command: side by side, an 80-column terminal wraps the comment
    # onto a line of its own that reads like a command
    return "Examples:\n\n" + "\n\n".join(f"  # {what}\n  {line}" for line, what in found)


def markdown() -> str:
    """The README's examples section (between its markers)."""
    rows = ["| command | what it does |", "|---|---|"]
    for key in sorted(EXAMPLES, key=lambda k: (k != "", k)):
        for line, what in EXAMPLES[key]:
            rows.append(f"| `{line.replace('|', chr(92) + '|')}` | {what} |")
    return "\n".join(rows) + "\n"
