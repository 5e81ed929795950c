"""`recall serve`: a long-lived process that keeps the embedder, index and LLM warm.

It listens on a Unix socket (mode 0600) in RECALL_HOME, ingests the spool, runs the
configured watchers, and consolidates when idle. The CLI uses it when it runs and works
in-process when it does not, with the same output.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import RecallError, UsageError
from ..home import lock_file
from .protocol import MAX_REQUEST, OtherHome, encode, error_to_dict, home_id, search_result_to_dict, settings_id

if TYPE_CHECKING:  # `recall serve --status` and `--stop` must not load the service
    from ..capture.screen import ScreenWatcher
    from ..capture.watch import FileWatcher
    from ..service import Recall

Send = Callable[[dict[str, Any]], None]  # streams a message (a token) to the client before the reply

BACKLOG = 128  # pending connections the kernel holds while the daemon is busy
IO_TIMEOUT = 30.0  # seconds a connection may sit idle while reading a request or writing a reply
SOCKET_MAX = 107  # sun_path is 108 bytes on Linux, including the NUL
log = logging.getLogger("recall.daemon")


def socket_path(config: Config) -> Path:
    return config.socket_path


def pid_path(config: Config) -> Path:
    return config.home / "recall.pid"


def check_socket_path(path: Path) -> None:
    if len(os.fsencode(str(path))) > SOCKET_MAX:
        raise UsageError(
            f"socket path is {len(os.fsencode(str(path)))} bytes, over the limit of {SOCKET_MAX}: "
            f"set serve.socket to a shorter path (e.g. /tmp/recall-$USER.sock)"
        )


def _alive(pid: int) -> bool:
    try:
        # reap it if it is our own child (a detached daemon started by this process)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a process that has exited but whose parent has not reaped it yet is gone
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _pid_file(config: Config) -> tuple[int | None, str | None]:
    """(the daemon's pid, the home it serves) from its pid file's two lines; the home is None
    in a file written before it was kept. A home copied with its pid file names the home it
    was copied from."""
    try:
        lines = [line.strip() for line in pid_path(config).read_text().split("\n")]
    except OSError:
        return None, None
    try:
        pid = int(lines[0])
    except ValueError:
        pid = None
    return pid, (lines[1] if len(lines) > 1 and lines[1] else None)


def read_pid(config: Config) -> int | None:
    """The daemon's pid from its pid file, or None."""
    return _pid_file(config)[0]


def hello(path: Path, timeout: float = 1.0) -> dict[str, Any] | None:
    """What a daemon answering on the socket says of itself ({"pid", "home", "settings"}),
    or None when none answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(encode({"op": "ping"}))
            reply = json.loads(sock.makefile("rb").readline())
    except (OSError, ValueError):
        return None
    if not isinstance(reply, dict) or reply.get("ok") is not True:
        return None
    result = reply.get("result")
    return result if isinstance(result, dict) else {}


def ping(path: Path, timeout: float = 1.0) -> bool:
    """True when a daemon answers on the socket (of whichever home)."""
    return hello(path, timeout) is not None


def serves(info: dict[str, Any] | None, config: Config) -> bool:
    """Whether the daemon that said ``info`` (``hello``) serves this home."""
    return info is not None and info.get("home") == home_id(config.home)


def socket_clash(config: Config, served_by: dict[str, Any]) -> str:
    """One line naming the daemon of another home that holds this home's socket (two homes
    given the same serve.socket, or RECALL_SERVE_SOCKET exported for both)."""
    return (f"{socket_path(config)} is served by the recall serve of another home ({served_by.get('home') or '?'}, "
            f"pid {served_by.get('pid')}): give this home its own serve.socket (or RECALL_SERVE_SOCKET)")


def _ours(pid: int, config: Config) -> bool:
    """Whether ``pid`` is this home's recall daemon: a pid file outlives its process, the
    number can be reused by another, and a home copied with its pid file names another home's
    daemon. True where the system does not say what the process is."""
    home = _pid_file(config)[1]
    if home is not None and home != str(config.home):
        return False
    try:
        return b"recall" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def _running(pid: int | None, config: Config) -> bool:
    return pid is not None and _alive(pid) and _ours(pid, config)


def status(config: Config) -> dict[str, Any]:
    """Whether the daemon's process runs (``running``) and whether it answers on its socket
    (``answering``): a stopped or wedged daemon runs without answering, and a second one
    must not start beside it."""
    pid = read_pid(config)
    path = socket_path(config)
    running = _running(pid, config)
    info = hello(path) if running or path.exists() else None
    answering = running and serves(info, config)  # (never another home's daemon on a shared socket)
    served_by = None if info is None or serves(info, config) else \
        {"home": info.get("home"), "pid": info.get("pid")}
    return {"running": running, "answering": answering, "pid": pid if running else None, "socket": str(path),
            "stale_pid_file": pid is not None and not running, "served_by": served_by}


def clean_stale(config: Config) -> list[str]:
    """Remove a pid file or socket left by a daemon that is gone; returns what was removed."""
    removed = []
    pid = read_pid(config)
    path = socket_path(config)
    if pid is not None and not _running(pid, config):
        pid_path(config).unlink(missing_ok=True)
        removed.append(str(pid_path(config)))
    if path.exists() and not ping(path, timeout=0.5):
        if not _running(pid, config):
            path.unlink(missing_ok=True)
            removed.append(str(path))
    return removed


def stop(config: Config, timeout: float = 30.0) -> bool:
    """SIGTERM the daemon and wait for it to exit; False when none was running."""
    pid = read_pid(config)
    if not _running(pid, config):  # never a signal to a process that is not this home's daemon
        clean_stale(config)
        return False
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    os.kill(pid, signal.SIGCONT)  # a stopped (^Z, SIGSTOP) daemon handles SIGTERM only once it runs
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        raise RecallError(f"daemon (pid {pid}) did not stop within {timeout:.0f} s")
    clean_stale(config)
    return True


def unit_file(config: Config) -> str:
    """A systemd user unit that runs the daemon."""
    return "\n".join([
        "[Unit]",
        "Description=recall: local-first personal memory daemon",
        "",
        "[Service]",
        f"ExecStart={sys.executable} -m recall_cli serve",
        f"Environment=RECALL_HOME={config.home}",
        "Environment=HF_HUB_OFFLINE=1",
        "Restart=on-failure",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


def setup_logging(config: Config) -> None:
    logs = config.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        logs / "daemon.log", maxBytes=config.get("serve.log_max_bytes"), backupCount=config.get("serve.log_backups"),
        encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger("recall")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def checked(fn: Callable[..., Any], args: dict[str, Any]) -> dict[str, Any]:
    """``args`` when ``fn`` takes them, else a UsageError naming what it does not take."""
    import inspect

    try:
        inspect.signature(fn).bind(**args)
    except TypeError as exc:
        raise UsageError(f"bad request: {exc}") from None
    return args


class Daemon:
    """The server: one warm service, requests serialised by a lock, background jobs."""

    def __init__(self, config: Config, service_factory: Callable[[], Recall]) -> None:
        self.config = config
        self.home = home_id(config.home)  # what it says it serves: a client of another home leaves it
        self.settings = settings_id(config)  # a client whose settings differ works in-process
        self.service = service_factory()
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.last_request = time.monotonic()
        self.server: socketserver.ThreadingUnixStreamServer | None = None
        self.jobs: dict[str, Callable[[], None]] = {}
        self.unlocked_jobs: set[str] = set()  # jobs that take the lock themselves, a step at a time
        self.watchers: list[FileWatcher | ScreenWatcher] = []
        self.problems: dict[str, str] = {}  # watcher -> why it is not running ("screen": "no X display")

    # -- requests -----------------------------------------------------------------------
    def handle(self, request: object, send: Send) -> dict[str, Any]:
        """Run one request's ``op_<name>`` under the lock; its result is the reply's payload."""
        if not isinstance(request, dict):
            raise UsageError(f"bad request: expected a JSON object, got {type(request).__name__}")
        op = request.get("op")
        args = request.get("args") or {}
        if not isinstance(op, str):
            raise UsageError("bad request: 'op' must be a string")
        if not isinstance(args, dict):
            raise UsageError(f"bad request: 'args' must be an object, got {type(args).__name__}")
        home = request.get("home")
        if op == "ping":
            return {"pid": os.getpid(), "home": self.home, "settings": self.settings}
        if home is not None and home != self.home:  # two homes given one socket: never answer from this one
            raise OtherHome(f"this daemon serves {self.home}, not {home}")
        handler = getattr(self, f"op_{op}", None)
        if handler is None:
            raise UsageError(f"unknown daemon operation '{op}'")
        self.last_request = time.monotonic()
        with self.lock:
            return handler(args, send)

    def op_search(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """``Recall.search`` with the client's arguments; the result as the wire dict."""
        return search_result_to_dict(self.service.search(**checked(self.service.search, args)))

    def op_search_text(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """`recall search` rendered here, for the CLI's fast path (which then imports nothing)."""
        from ..render import search_output

        if args.get("tz") != os.environ.get("TZ"):
            return {}  # dates would print in this process's time zone: the client renders
        if not self._same_settings(args.get("env")):
            return {}  # a one-off RECALL_SEARCH_LIMIT=3, or config.toml changed since the start: the client searches
        text = search_output(
            self.service, args.get("query", ""), limit=args.get("limit"), since=args.get("since"),
            until=args.get("until"), source=args.get("source"), now=args.get("now"),
            time_phrases=not args.get("no_time_phrases"), as_json=bool(args.get("json")), columns=args.get("columns"),
            wide=bool(args.get("wide")),
        )
        return {"text": text}

    def _same_settings(self, environ: object) -> bool:
        """Whether a client with this environment (its RECALL_* variables) has the settings
        this daemon started with, config.toml as it is now included."""
        from ..config import load_config

        if not isinstance(environ, dict) or not all(isinstance(v, str) for v in environ.values()):
            return False
        try:
            return settings_id(load_config(self.config.home, environ=environ)) == self.settings
        except RecallError:  # a config the client cannot load: it says so itself
            return False

    def op_add(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """``Recall.add``, embedded at once while the model is warm."""
        event = self.service.add(**checked(self.service.add, args))
        if event.id is not None:  # a stored event always has one
            self.service.embed_pending([event.id])
        data = event.to_dict()
        return data

    def op_remember(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """``Recall.remember``, embedded at once; the event, the memory and whether it was known."""
        done = self.service.remember(**checked(self.service.remember, args))
        assert done.event.id is not None
        self.service.embed_pending([done.event.id])
        return {"event": done.event.to_dict(), "memory": done.memory.to_dict() if done.memory else None,
                "already_known": done.already_known}

    ASK_ARGS = frozenset({"question", "use_llm", "limit", "reference", "history", "since", "until"})

    def op_ask(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """``Recall.ask`` with the warm model and its evaluated prompt prefix. The answer's text
        goes out as ``{"token": ...}`` lines as the service releases it (only once it has been
        checked against the evidence), then the whole Answer as the reply."""
        unknown = sorted(set(args) - self.ASK_ARGS)
        if unknown:
            raise UsageError(f"bad request: ask() got unexpected arguments {', '.join(unknown)}")
        history = args.get("history") or []
        if not isinstance(history, list) or not all(isinstance(t, list) and len(t) == 2 for t in history):
            raise UsageError("bad request: 'history' must be a list of [question, answer] pairs")
        kwargs = {k: v for k, v in args.items() if k not in {"question", "history"}}
        answer = self.service.ask(str(args.get("question") or ""), on_token=lambda piece: send({"token": piece}),
                                  history=[(str(q), str(a)) for q, a in history], **kwargs)
        return answer.to_dict()

    def op_status(self, args: dict[str, Any], send: Send) -> dict[str, Any]:
        """The daemon's pid, home, jobs and number of watchers."""
        from ..capture.screen import ScreenWatcher

        return {"pid": os.getpid(), "home": str(self.config.home), "jobs": sorted(self.jobs),
                "watchers": len(self.watchers), "screen": any(isinstance(w, ScreenWatcher) for w in self.watchers),
                "problems": dict(self.problems)}

    # -- lifecycle ------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the embedder and the index now, so the first request is fast."""
        with self.lock:
            try:
                self.service.search("warm up", limit=1)
            except RecallError as exc:
                log.warning("warm-up search failed: %s", exc.message)

    def warm_up_llm(self) -> None:
        """Load the LLM and evaluate its stable prompt prefix, so the first `recall ask` only
        evaluates its own question. Runs once the socket listens: searches need not wait for it.
        A model that does not load is logged; `ask` then reports the error itself."""
        with self.lock:
            try:
                self.service.warm_up_llm()
            except Exception as exc:  # noqa: BLE001 - a broken model must not stop the daemon
                log.warning("LLM not warmed up: %s", exc.message if isinstance(exc, RecallError) else exc)

    def run_jobs(self, interval: float) -> None:
        while not self.stopping.wait(interval):
            for name, job in list(self.jobs.items()):
                try:
                    if name in self.unlocked_jobs:
                        job()
                        continue
                    with self.lock:
                        job()
                except Exception as exc:  # a failing job is logged, the daemon keeps serving
                    log.exception("job %s failed: %s", name, exc)

    def serve_forever(self) -> None:
        path = socket_path(self.config)
        check_socket_path(path)
        daemon = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                # a client that connects and never writes (or stops reading) costs one thread
                # for at most IO_TIMEOUT, never the daemon
                self.request.settimeout(IO_TIMEOUT)
                try:
                    line = self.rfile.readline(MAX_REQUEST + 1)
                except OSError:
                    return
                if not line:
                    return

                def send(message: dict[str, Any]) -> None:
                    self.wfile.write(encode(message))
                    self.wfile.flush()

                try:
                    if len(line) > MAX_REQUEST:
                        raise UsageError(f"bad request: larger than {MAX_REQUEST // 1024} KiB")
                    try:
                        request = json.loads(line)
                    except (ValueError, RecursionError) as exc:
                        raise UsageError(f"bad request: not JSON ({exc})") from None
                    result = daemon.handle(request, send)
                    send({"ok": True, "result": result})
                except OSError:  # the client went away or stopped reading
                    return
                except Exception as exc:
                    if not isinstance(exc, RecallError):
                        log.exception("request failed")
                    try:
                        send({"ok": False, "error": error_to_dict(exc)})
                    except OSError:
                        pass

        class Server(socketserver.ThreadingUnixStreamServer):
            daemon_threads = True
            request_queue_size = BACKLOG

        old_umask = os.umask(0o177)
        try:
            self.server = Server(str(path), Handler)
        finally:
            os.umask(old_umask)
        os.chmod(path, 0o600)
        log.info("listening on %s (pid %s)", path, os.getpid())
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.stopping.set()
        for watcher in self.watchers:
            try:
                watcher.stop()
            except Exception:
                log.exception("watcher stop failed")
        if self.server is not None:
            self.server.shutdown()


def run(config: Config, service_factory: Callable[[], Recall], *, ready: Callable[[], None] | None = None) -> int:
    """Run the daemon in the foreground until SIGTERM/SIGINT."""
    config.home.mkdir(parents=True, exist_ok=True)
    path = socket_path(config)
    check_socket_path(path)
    # one daemon per home: two started at once both saw "not running", and the one that lost
    # the socket removed the winner's socket and pid file as it exited (held until we exit)
    lock = lock_file(config.home / "serve.lock", wait=False)
    current = status(config)
    if lock is None or current["running"]:
        pid = current["pid"] or read_pid(config)
        if lock is not None:
            os.close(lock)
        raise UsageError(f"recall serve is already running{f' (pid {pid})' if pid else ''}; "
                         "`recall serve --stop` stops it")
    if current["served_by"]:  # another home's daemon: never take its socket over
        os.close(lock)
        raise UsageError(socket_clash(config, current["served_by"]))
    clean_stale(config)
    if path.exists():
        path.unlink()
    setup_logging(config)
    pid_file = pid_path(config)
    pid_file.write_text(f"{os.getpid()}\n{config.home}\n")  # the home too: a copied home is not served
    daemon = Daemon(config, service_factory)
    from .jobs import install_jobs

    install_jobs(daemon)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: shutting down", signum)
        threading.Thread(target=daemon.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    daemon.warm_up()
    jobs = threading.Thread(target=daemon.run_jobs, args=(config.get("serve.job_interval"),), daemon=True)
    jobs.start()
    if ready:
        threading.Thread(target=_notify_when_listening, args=(path, ready), daemon=True).start()
    threading.Thread(target=daemon.warm_up_llm, daemon=True).start()
    try:
        daemon.serve_forever()
    finally:
        daemon.stopping.set()
        path.unlink(missing_ok=True)
        if read_pid(config) == os.getpid():
            pid_file.unlink(missing_ok=True)
        daemon.service.close()
        log.info("stopped")
    return 0


def _notify_when_listening(path: Path, ready: Callable[[], None]) -> None:
    for _ in range(600):
        if ping(path, timeout=0.5):
            ready()
            return
        time.sleep(0.05)


def _lock_held(config: Config) -> bool:
    """Whether a daemon of this home holds its serve lock (one that is starting holds it
    before it writes its pid file)."""
    lock = lock_file(config.home / "serve.lock", wait=False)
    if lock is None:
        return True
    os.close(lock)
    return False


def start_detached(config: Config, timeout: float = 120.0) -> tuple[int, bool]:
    """Start `recall serve` in the background and wait until it answers: (its pid, whether
    it was running already). Of several started at once one serves; the others wait for it to
    answer and say it was running already."""
    import subprocess

    path = socket_path(config)
    check_socket_path(path)
    current = status(config)
    if current["answering"]:
        return current["pid"], True
    if current["running"] and path.exists() and not serves(hello(path), config):
        # (its socket is bound once it has warmed up: a daemon that is starting has none yet)
        raise UsageError(f"recall serve is already running (pid {current['pid']}) but not answering; "
                         "`recall serve --stop` ends it")
    if current["served_by"]:
        raise UsageError(socket_clash(config, current["served_by"]))
    logs = config.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    proc = None
    if not current["running"]:
        with open(logs / "serve-stderr.log", "ab") as err:
            proc = subprocess.Popen(serve_command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, start_new_session=True,
                                    env={**os.environ, "RECALL_HOME": str(config.home)})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = hello(path, timeout=0.5)
        if serves(info, config):
            # the one that answers: another start at the same moment may have won the home's lock
            assert info is not None
            pid = int(info.get("pid") or read_pid(config) or 0)
            return pid, proc is None or pid != proc.pid
        if (proc is None or proc.poll() is not None) and not (status(config)["running"] or _lock_held(config)):
            # gone, and no other start at the same moment holds the home (that one is waited for)
            how = "before it answered" if proc is None else f"with code {proc.returncode}"
            raise RecallError(f"recall serve exited {how}; see {logs / 'serve-stderr.log'}")
        time.sleep(0.1)
    raise RecallError(f"recall serve did not answer within {timeout:.0f} s")


def serve_command() -> list[str]:
    """The command line of a detached daemon (tests start one with a stand-in embedder)."""
    return [sys.executable, "-m", "recall_cli", "serve"]
