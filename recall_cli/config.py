"""Configuration: RECALL_HOME, config.toml and RECALL_* environment overrides.

Precedence, lowest first: built-in defaults, ``$RECALL_HOME/config.toml``, environment
variables named ``RECALL_<SECTION>_<KEY>`` (for example ``RECALL_SEARCH_LIMIT=20``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import home as _home
from .errors import ConfigError

# key -> (default, help). The type of the default is the type of the key.
DEFAULTS: dict[str, tuple[Any, str]] = {
    "embed.model": ("", "sentence-transformers model directory; empty = bundled all-MiniLM-L6-v2"),
    "embed.batch_size": (32, "texts per embedding batch (torch; the ONNX graph batches by word pieces)"),
    "embed.backend": ("onnx-int8", "what embeds bulk batches (imports, backlogs): onnx-int8, onnx (ONNX Runtime "
                                   "graphs cached under RECALL_HOME/models/embed) or torch"),
    "embed.quantize": (False, "with embed.backend torch: int8 weights for batch embedding on the CPU"),
    "embed.device": ("cpu", "torch device for the embedder"),
    "search.limit": (10, "results shown by default"),
    "search.candidates": (200, "candidates taken from each retriever before fusion"),
    "search.dense_weight": (1.0, "weight of the dense retriever's standardised score in fusion"),
    "search.bm25_weight": (0.5, "weight of the BM25 retriever's standardised score in fusion"),
    "search.neighbour_weight": (0.4, "share of the best neighbouring turn's score an event gets"),
    "search.question_penalty": (1.5, "taken off a chat message that only asks the other person something"),
    "search.speaker_boost": (1.5, "added to events of the one speaker a query names; 0 = off"),
    "search.min_score": (0.5, "results that share no word with the query and score less are left out (0 = keep all)"),
    "index.ef_construction": (200, "HNSW build quality"),
    "index.m": (16, "HNSW graph degree"),
    "index.ef_search": (200, "HNSW query breadth"),
    "import.max_bytes": (512 * 1024 * 1024, "largest file `recall import` accepts"),
    "llm.model": ("", "GGUF file; empty = bundled SmolLM2-135M-Instruct"),
    "llm.threads": (0, "CPU threads for the LLM; 0 = the cores not already busy"),
    "llm.context": (4096, "LLM context window in tokens"),
    "llm.gpu_layers": (0, "layers offloaded to a GPU"),
    "llm.prompt_cache": (True, "keep the evaluated stable prompt prefix in RECALL_HOME/cache/kv for the next process"),
    "ask.evidence": (8, "evidence items `recall ask` retrieves and gives the LLM"),
    "ask.max_tokens": (64, "longest answer `recall ask` generates, in tokens"),
    "ask.date_answers": (True, "answer 'when' questions with the date the best evidence names, not the LLM"),
    "ask.model_answers": ("auto", "who words other answers: always the LLM, never (the evidence's own words) or "
                                  "auto (the LLM when it has 1B parameters or more)"),
    "consolidate.model_proposes": ("auto", "who proposes memories: always the LLM, never (the zero-LLM path only) "
                                           "or auto (the LLM when it has 1B parameters or more)"),
    "consolidate.model_summarises": ("never", "who writes an episode's summary: always the LLM (checked), never (the "
                                              "zero-LLM summary of who and what it was about) or auto (the LLM when "
                                              "it has 1B parameters or more). Measured with a 1.5B model on fresh "
                                              "notes and chats, half its summaries mixed up who did what"),
    "ask.model_abstains": (False, "say 'Not mentioned' when the LLM says it does not know (else answer with the "
                                  "evidence's own words)"),
    "ask.min_support": (0.3, "abstain without the LLM when no evidence item holds this share of the question's "
                             "key words"),
    "episode.chat_gap_minutes": (120.0, "a chat session splits into episodes at gaps longer than this"),
    "episode.shell_gap_minutes": (30.0, "shell commands in one directory split at gaps longer than this"),
    "episode.file_gap_minutes": (60.0, "edits to one file split at gaps longer than this"),
    "episode.other_gap_minutes": (60.0, "other sources split at gaps longer than this"),
    "serve.socket": ("", "Unix socket of `recall serve`; empty = RECALL_HOME/recall.sock"),
    "serve.job_interval": (2.0, "seconds between the daemon's background job runs (spool ingest etc.)"),
    "serve.consolidate_idle": (300.0, "consolidate after this many idle seconds; 0 = never"),
    "serve.consolidate_batch": (20, "episodes consolidated per idle run"),
    "serve.log_max_bytes": (1_000_000, "daemon log size before rotation"),
    "serve.log_backups": (3, "rotated daemon logs kept"),
    "sync.dir": ("", "a folder a sync tool keeps in step between devices; `recall sync` and the daemon use it"),
    "sync.interval_minutes": (5.0, "how often the daemon syncs through sync.dir; 0 = never"),
    "sync.passphrase_cmd": ("", "a command that prints the passphrase sealing sync segments (AES-GCM); empty = plain"),
    "decay.initial_days": (7.0, "strength S (days) of an importance-5 memory; scales with importance"),
    "decay.growth": (2.0, "on reinforcement S *= 1 + growth * (1 - R)"),
    "decay.min_factor": (1.2, "S grows at least by this factor on reinforcement"),
    "decay.fading_below": (0.5, "retention under which a memory is fading"),
    "decay.dormant_below": (0.1, "retention under which a memory is dormant (hidden by default)"),
    "decay.rank_floor": (0.3, "ranking multiplies relevance by floor + (1 - floor) * R"),
    "capture.ignore_patterns": ("", "shell commands never recorded: globs or 're:REGEX', comma-separated"),
    "capture.ignore_dirs": ("", "directories whose shell commands are never recorded; comma-separated"),
    "capture.max_command_bytes": (65536, "longer shell commands are cut to this many bytes"),
    "events.max_chars": (20_000, "longer texts are stored as linked parts of at most this many characters"),
    "events.max_parts": (50, "parts kept of one long text; the rest is left out with a marker and reported"),
    "ingest.batch_size": (500, "spool records per transaction and embedding batch in `recall ingest`"),
    "watch.dirs": ("", "directories `recall watch` watches; comma-separated (see --add/--remove)"),
    "watch.globs": ("*.md,*.txt,*.org,*.rst", "file names the watcher reads; comma-separated globs"),
    "watch.ignore_dirs": (".git,node_modules,.hg,.svn,__pycache__,.venv,venv,.tox,.cache",
                          "directory names the watcher never enters; comma-separated globs"),
    "watch.debounce_ms": (500, "the watcher reads a file once it has been quiet this long"),
    "watch.max_file_bytes": (1048576, "larger files are not read by the watcher"),
    "tui.keymap": ("", "rebind TUI keys: 'binding-id=key,...', e.g. 'app-help=f2,search-tab=ctrl+f' (the ids are "
                       "in the help screen)"),
    "screen.enabled": (False, "`recall serve` records focus spans of the active window (X11, macOS, Windows)"),
    "screen.poll_seconds": (2.0, "seconds between two looks at the active window"),
    "screen.min_seconds": (5.0, "shorter focus spans are not recorded"),
    "screen.exclude_apps": ("keepassxc,keepass,1password,bitwarden,lastpass,seahorse,gnome-keyring,enpass,"
                            "dashlane,pass",
                            "applications (WM_CLASS or process name) never recorded; comma-separated, globs "
                            "or 're:REGEX'"),
    "screen.exclude_titles": ("private browsing,incognito,inprivate,password,1password,bitwarden",
                              "windows whose title contains one of these are never recorded; comma-separated, "
                              "globs or 're:REGEX'"),
    "screen.ocr": (False, "read the active window's text with the recall-ocr plugin (tesseract)"),
}


def default_home() -> Path:
    """The platform's user data directory for recall."""
    return Path(_home.default_home())


def recall_home() -> Path:
    """RECALL_HOME if set, else the platform default."""
    return Path(_home.recall_home())


# settings that name a folder or file: `config set` stores them as full paths (a relative
# serve.socket left the daemon unreachable, "stuck", from any other folder)
ABSOLUTE_PATHS = ("sync.dir", "serve.socket")
# keys whose value must be one of a few words
TRUST = ("auto", "always", "never")  # who does a job: the LLM by its size, always, or never
CHOICES: dict[str, tuple[str, ...]] = {
    "embed.backend": ("onnx-int8", "onnx", "torch"),
    "ask.model_answers": TRUST,
    "consolidate.model_proposes": TRUST,
    "consolidate.model_summarises": TRUST,
}

# numeric keys -> (least, most) they may be (None: no bound): a value outside breaks what reads
# it later ("search.limit 0" made every search fail with an error about a flag never given)
RANGES: dict[str, tuple[float | None, float | None]] = {
    "embed.batch_size": (1, None), "search.limit": (1, None), "search.candidates": (1, None),
    "search.dense_weight": (0, None), "search.bm25_weight": (0, None), "search.neighbour_weight": (0, None),
    "search.question_penalty": (0, None), "search.speaker_boost": (0, None), "search.min_score": (0, 0.999),
    "index.ef_construction": (1, None),
    "index.m": (2, None), "index.ef_search": (1, None), "import.max_bytes": (1, None), "llm.threads": (0, None),
    "llm.context": (512, 131072), "llm.gpu_layers": (0, None), "ask.evidence": (1, None), "ask.max_tokens": (1, None),
    "ask.min_support": (0, 1), "episode.chat_gap_minutes": (0.01, None), "episode.shell_gap_minutes": (0.01, None),
    "episode.file_gap_minutes": (0.01, None), "episode.other_gap_minutes": (0.01, None),
    "serve.job_interval": (0.05, None), "serve.consolidate_idle": (0, None), "serve.consolidate_batch": (1, None),
    "serve.log_max_bytes": (1024, None), "serve.log_backups": (0, None), "sync.interval_minutes": (0, None),
    "decay.initial_days": (0.01, None), "decay.growth": (0, None), "decay.min_factor": (1, None),
    "decay.fading_below": (0, 1), "decay.dormant_below": (0, 1), "decay.rank_floor": (0, 1),
    "capture.max_command_bytes": (1, None), "events.max_chars": (100, None), "events.max_parts": (1, None),
    "ingest.batch_size": (1, None), "watch.debounce_ms": (0, None), "watch.max_file_bytes": (1, None),
    "screen.poll_seconds": (0.05, None), "screen.min_seconds": (0, None),
}


# (lower, upper): keys whose values must keep an order (a memory turns dormant only after
# it has faded: with dormant_below over fading_below, the fading zone would be empty)
BELOW: tuple[tuple[str, str], ...] = (("decay.dormant_below", "decay.fading_below"),)


def _check_order(values: dict[str, Any], changed: str) -> None:
    """ConfigError when ``values`` break an order in BELOW; named after ``changed``."""
    for low, high in BELOW:
        if values[low] < values[high]:
            continue
        if changed == high:
            raise ConfigError(f"config key '{high}' must be above {low} ({values[low]:g}), got {values[high]:g} "
                              f"(lower {low} first)", key=high)
        raise ConfigError(f"config key '{low}' must be below {high} ({values[high]:g}), got {values[low]:g} "
                          f"(raise {high} first)", key=low)


def nearest_key(key: str) -> str | None:
    """The known key a mistyped one most likely means ("search.limt", "serach.limit")."""
    import difflib

    found = difflib.get_close_matches(key, list(DEFAULTS), n=1, cutoff=0.6)
    return found[0] if found else None


def _unknown(key: str) -> str:
    near = nearest_key(key)
    return f"unknown config key '{key}' (" + (f"did you mean '{near}'? " if near else "") + "see `recall config show`)"


def unknown_key(key: str) -> str:
    """How `config show` and `doctor` name a key of config.toml that recall does not know."""
    near = nearest_key(key)
    return f"unknown key '{key}'" + (f" (did you mean '{near}'?)" if near else "")


def _in_range(key: str, value: float) -> float:
    """``value`` when it is a finite number within the key's range, else a ConfigError."""
    import math

    least, most = RANGES.get(key, (None, None))
    if most is None and isinstance(value, int):
        most = 2**63 - 1  # what SQLite can hold: a larger search.limit broke every search
    if not math.isfinite(value):
        raise ConfigError(f"config key '{key}' needs a finite number, got {value!r}", key=key)
    if least is not None and value < least:
        raise ConfigError(f"config key '{key}' must be at least {least:g}, got {value:g}", key=key)
    if most is not None and value > most:
        shown = f"{most:,}, got {value:,}" if isinstance(value, int) else f"{most:g}, got {value:g}"
        raise ConfigError(f"config key '{key}' must be at most {shown}", key=key)
    return value


def env_name(key: str) -> str:
    """The environment variable that overrides a config key."""
    return "RECALL_" + key.replace(".", "_").upper()


def _check_patterns(text: str) -> None:
    """ConfigError naming a 're:' pattern of capture.ignore_patterns that is no regular
    expression (capture would match it literally, and leave the commands it meant recorded)."""
    import re

    from .capture.filters import parse_list

    for pattern in parse_list(text):
        if pattern.startswith("re:"):
            try:
                re.compile(pattern[3:])
            except re.error as exc:
                raise ConfigError(f"config key 'capture.ignore_patterns': {pattern!r} is not a regular expression "
                                  f"({exc})", key="capture.ignore_patterns") from None


def _kind(default: Any) -> str:
    """What a key with this default needs, in the words of its error."""
    return {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text in quotes"}.get(
        type(default).__name__, f"a {type(default).__name__}")


def _spelled(value: Any) -> str:
    """A wrong value as an error shows it: text quoted as Python does ('ten'), any other TOML
    value as config.toml spells it (true, 150.9, ["pass", "show"])."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool | int | float | list):
        return toml_value(value)
    return str(value)


def _check_toml_type(key: str, value: Any) -> None:
    """ConfigError unless a config.toml value has a TOML type that fits the key (an int for
    a float key is fine). Converting instead made ``limit = true`` a 1 and a list the text
    "['pass', 'show']" that sync would run as a shell command."""
    default = DEFAULTS[key][0]
    if isinstance(value, str) and not isinstance(default, str):
        return  # text is read as the key's type ("20", "yes"), as from the environment: a file may say it so
    if isinstance(default, bool):
        fits = isinstance(value, bool)
    elif isinstance(default, int):
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        fits = isinstance(value, str)
    if not fits:
        raise ConfigError(f"config key '{key}' needs {_kind(default)}, got {_spelled(value)}", key=key)


def coerce(key: str, value: Any, *, from_toml: bool = False) -> Any:
    """Convert a raw value (string from env/CLI or TOML value) to the key's type. ``from_toml``:
    the value was parsed from config.toml, so its TOML type must already fit the key."""
    if key not in DEFAULTS:
        raise ConfigError(_unknown(key))
    default = DEFAULTS[key][0]
    if from_toml:
        _check_toml_type(key, value)
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if isinstance(default, int):
            number = int(value)
            _in_range(key, number)
            return number
        if isinstance(default, float):
            return _in_range(key, float(value))
        text = str(value)
        if key == "capture.ignore_patterns":
            _check_patterns(text)
        if key in CHOICES and text.strip().lower() not in CHOICES[key]:
            raise ConfigError(f"config key '{key}' must be one of {', '.join(CHOICES[key])}, got {value!r}", key=key)
        return text.strip().lower() if key in CHOICES else text
    except (TypeError, ValueError):
        raise ConfigError(f"config key '{key}' needs {_kind(default)}, got {_spelled(value)}", key=key) from None


# the advice a bad environment value comes with (`config set` writes config.toml, which the
# variable would still override)
ENV_ADVICE = "fix or unset the variable: it overrides config.toml"


def _from_env(exc: ConfigError, name: str) -> ConfigError:
    """``exc`` about a value taken from the environment variable ``name``: named, with advice that works."""
    return ConfigError(f"{exc.message} from {name} ({ENV_ADVICE})", key=exc.key, env=name)


def env_value(key: str, environ: Mapping[str, str] | None = None) -> Any:
    """The typed value of the key's environment variable (None when it is not set); a
    ConfigError naming the variable when its value does not fit the key."""
    raw = (os.environ if environ is None else environ).get(env_name(key))
    if raw is None:
        return None
    try:
        return coerce(key, raw)
    except ConfigError as exc:
        raise _from_env(exc, env_name(key)) from None


@dataclass
class Config:
    """Resolved configuration for one RECALL_HOME."""

    home: Path
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # values a lenient load left at their default
    unknown: list[str] = field(default_factory=list)  # keys in config.toml recall does not know (typos): ignored

    @property
    def path(self) -> Path:
        return self.home / "config.toml"

    @property
    def db_path(self) -> Path:
        return self.home / "recall.db"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def kv_dir(self) -> Path:
        """Where the LLM's evaluated prompt prefixes are saved (a cache)."""
        return self.home / "cache" / "kv"

    @property
    def socket_path(self) -> Path:
        """The Unix socket of `recall serve`."""
        configured = self.get("serve.socket")
        return Path(configured).expanduser() if configured else self.home / "recall.sock"

    def get(self, key: str) -> Any:
        """The effective value of a key."""
        if key not in DEFAULTS:
            raise ConfigError(_unknown(key))
        return self.values[key]

    def set(self, key: str, value: Any) -> Any:
        """Persist a value to config.toml and return it, typed (the value in force differs
        when the key's environment variable is set: see ``sources``)."""
        typed = coerce(key, value)
        if key in ABSOLUTE_PATHS and typed:  # read later from any folder: fixed to where it was set
            typed = os.path.abspath(os.path.expanduser(typed))
        _check_order({**self.values, key: typed}, key)
        env_value(key)  # a bad variable fails here, before the file changes, not after
        stored = _read_toml(self.path)
        section, name = key.split(".", 1)
        stored.setdefault(section, {})[name] = typed
        self._write(stored)
        self.values[key] = typed
        self.sources[key] = "config.toml"
        self._apply_env(key)
        return typed

    def unset(self, key: str) -> bool:
        """Remove a key from config.toml (a known key goes back to its default); whether the
        file had it. A key recall does not know can be removed too (a typo)."""
        stored = _read_toml(self.path)
        section, _, name = key.partition(".")
        body = stored.get(section)
        # a key written above every [section] is top-level: nothing reads it, but it can go
        present = (isinstance(body, dict) and name in body) if name else \
            (section in stored and not isinstance(body, dict))
        if key not in DEFAULTS and not present:
            raise ConfigError(_unknown(key))
        if key in DEFAULTS:
            _check_order({**self.values, key: DEFAULTS[key][0]}, key)
            env_value(key)  # a bad variable fails here, before the file changes, not after
        if present:
            if isinstance(body, dict):
                del body[name]
            if not isinstance(body, dict) or not body:
                del stored[section]
            self._write(stored)
        if key in DEFAULTS:
            self.values[key], self.sources[key] = DEFAULTS[key][0], "default"
            self._apply_env(key)
        return present

    def stored(self, key: str) -> Any:
        """The value config.toml holds for a key (None when it holds none), whatever overrides it."""
        section, _, name = key.partition(".")
        body = _read_toml(self.path).get(section)
        return body.get(name) if isinstance(body, dict) else None

    def _apply_env(self, key: str) -> None:
        value = env_value(key)
        if value is not None:
            self.values[key] = value
            self.sources[key] = f"env {env_name(key)}"

    def _write(self, stored: dict[str, Any]) -> None:
        _home.make_private_dir(self.home)
        tmp = self.path.with_suffix(".toml.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _home.PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_dump_toml(stored))
        os.chmod(tmp, _home.PRIVATE_FILE)  # an existing temp file keeps its old mode otherwise
        os.replace(tmp, self.path)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: `recall search` through the daemon skips it

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # `config set` rewrites the file from what it parsed, so only an editor can repair this
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix it in an editor") from None


# a TOML basic string takes no raw control character: a newline written as is (from
# `config set sync.passphrase_cmd "$(...)"`) left a file no later command could read
_TOML_ESCAPES: dict[int, str] = {**{code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)},
                                 **{ord(c): e for c, e in (("\b", "\\b"), ("\t", "\\t"), ("\n", "\\n"),
                                                           ("\f", "\\f"), ("\r", "\\r"), ('"', '\\"'),
                                                           ("\\", "\\\\"))}}


def toml_value(value: Any) -> str:
    """A setting's value as config.toml spells it (true, "text"), so a line `config show`
    prints can be copied into the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).translate(_TOML_ESCAPES) + '"'


def _dump_toml(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for section in sorted(data):
        body = data[section]
        if not isinstance(body, dict):
            lines.append(f"{section} = {toml_value(body)}")
            continue
        lines.append(f"[{section}]")
        for name in sorted(body):
            lines.append(f"{name} = {toml_value(body[name])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def load_config(home: Path | None = None, *, lenient: bool = False,
                environ: Mapping[str, str] | None = None) -> Config:
    """Resolve defaults, config.toml and environment for a RECALL_HOME. ``lenient``: a value
    that is not valid keeps its default and is listed in ``problems`` instead of raising (so
    `config set` can repair it and `doctor` can report it among its checks). ``environ``:
    another process's environment instead of this one's (the daemon resolves a client's)."""
    environ = os.environ if environ is None else environ
    home = home or recall_home()
    cfg = Config(home=home)
    for key, (default, _help) in DEFAULTS.items():
        cfg.values[key] = default
        cfg.sources[key] = "default"

    def put(key: str, value: Any, source: str) -> None:
        try:
            if source == "config.toml":
                cfg.values[key] = coerce(key, value, from_toml=True)
            else:
                cfg.values[key] = env_value(key, environ)
            cfg.sources[key] = source
        except ConfigError as exc:
            if not lenient:
                raise
            cfg.problems.append(exc.message)

    try:
        stored = _read_toml(cfg.path)
    except ConfigError as exc:
        if not lenient:
            raise
        stored = {}
        cfg.problems.append(exc.message)
    for section, body in stored.items():
        if not isinstance(body, dict):  # a key above every [section]: nothing reads it
            cfg.unknown.append(section)
            continue
        for name, value in body.items():
            key = f"{section}.{name}"
            if key in DEFAULTS:
                put(key, value, "config.toml")
            else:  # a typo would otherwise leave the default in force without a word
                cfg.unknown.append(key)
    for key in DEFAULTS:
        raw = environ.get(env_name(key))
        if raw is not None:
            put(key, raw, f"env {env_name(key)}")
    for low, high in BELOW:
        try:
            _check_order(cfg.values, low)
        except ConfigError as exc:
            if not lenient:
                raise
            cfg.problems.append(exc.message)
            for key in (low, high):
                cfg.values[key], cfg.sources[key] = DEFAULTS[key][0], "default"
    return cfg
