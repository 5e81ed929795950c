"""`recall models pull`: a short catalogue of small instruct GGUFs, and downloading one.

Only ever on the user's command. The transfer goes through huggingface_hub (its URL scheme,
authentication, redirects to the CDN, and its downloader with HTTP Range resume), into
RECALL_HOME/models/.partial/, and a file reaches RECALL_HOME/models only after its sha256
matched the catalogue: a partial or corrupt download is never used as a model. An interrupted
transfer leaves its partial file for the next `pull` to resume; a wrong checksum removes it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..errors import ModelError, NotFoundError
from ..home import create_private_file, make_private_dir

Progress = Callable[[str, int, int], None]  # (phase, done, total): "download" or "verify"

PARTIAL_DIR = ".partial"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Entry:
    """One downloadable model. ``sha256`` is the file's (the hub's LFS oid); None would mean
    "not verified yet": the hub's own LFS sha256 is then the one the download must match."""

    name: str
    repo: str
    file: str
    size: int
    sha256: str | None
    licence: str
    parameters: str
    revision: str = "main"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.parameters}, {self.size / 1e9:.1f} GB, {self.licence})"


# Sizes and sha256 are the hub's LFS metadata of these files (checked against several
# independent records); a file that changes upstream fails verification instead of loading.
CATALOGUE: dict[str, Entry] = {e.name: e for e in (
    Entry("qwen2.5-1.5b", "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf", 1_117_320_736,
          "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e", "Apache-2.0", "1.5B"),
    Entry("qwen2.5-3b", "Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen2.5-3b-instruct-q4_k_m.gguf", 2_104_932_768,
          "626b4a6678b86442240e33df819e00132d3ba7dddfe1cdc4fbb18e0a9615c62d", "Qwen Research License", "3B"),
    Entry("llama3.2-1b", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf", 807_694_464,
          "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83", "Llama 3.2 Community License", "1.2B"),
    Entry("llama3.2-3b", "bartowski/Llama-3.2-3B-Instruct-GGUF", "Llama-3.2-3B-Instruct-Q4_K_M.gguf", 2_019_377_696,
          "6c1a2b41161032677be168d354123594c0e6e67d2b9227c84f296ad037c728ff", "Llama 3.2 Community License", "3.2B"),
    Entry("smollm2-1.7b", "bartowski/SmolLM2-1.7B-Instruct-GGUF", "SmolLM2-1.7B-Instruct-Q4_K_M.gguf",
          1_055_609_824, "77665ea4815999596525c636fbeb56ba8b080b46ae85efef4f0d986a139834d7", "Apache-2.0", "1.7B"),
)}


class PullInterrupted(ModelError):
    """Ctrl-C during a download: the partial file stays for the next pull to resume."""

    exit_code = 130


def entry(name: str) -> Entry:
    """The catalogue entry called ``name``; NotFoundError listing the names otherwise."""
    found = CATALOGUE.get(name)
    if found is None:
        raise NotFoundError(f"no model called '{name}' in the catalogue; choose one of: {', '.join(CATALOGUE)}")
    return found


def partial_path(models_dir: Path, item: Entry) -> Path:
    """Where the unfinished download of ``item`` is kept (never a name `list` or `use` pick up)."""
    return models_dir / PARTIAL_DIR / f"{item.file}.part"


def free_bytes(folder: Path) -> int:
    """Free space on the file system holding ``folder`` (tests replace this)."""
    return shutil.disk_usage(folder).free


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    """The file's sha256, reported as the "verify" phase."""
    digest = hashlib.sha256()
    total, done = path.stat().st_size, 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress("verify", done, total)
    return digest.hexdigest()


def pull(item: Entry, models_dir: Path, progress: Progress | None = None) -> Path:
    """Download ``item`` into ``models_dir`` (resuming a partial download), verify its sha256,
    and return its path. Every failure is one-line ModelError; see the module docstring."""
    dest = models_dir / item.file
    if dest.is_file() and dest.stat().st_size == item.size and item.sha256 \
            and sha256_of(dest, progress) == item.sha256:
        return dest
    make_private_dir(models_dir)
    make_private_dir(models_dir / PARTIAL_DIR)
    part = partial_path(models_dir, item)
    with _exclusive(part):
        with _network_allowed():
            url, expected, headers = _locate(item)
            _keep_only_matching_partial(part, item, expected)
            have = part.stat().st_size
            free = free_bytes(models_dir)
            if free < item.size - have:
                raise ModelError(f"not enough disk space in {models_dir}: {item.file} needs "
                                 f"{(item.size - have) / 1e6:,.0f} MB more, {free / 1e6:,.0f} MB free")
            _transfer(item, url, headers, part, have, progress)
        got = sha256_of(part, progress)
        if got != expected:
            part.unlink(missing_ok=True)
            _meta(part).unlink(missing_ok=True)
            raise ModelError(f"checksum mismatch for {item.file} (sha256 {got[:12]}…, expected {expected[:12]}…): "
                             "the download was removed; run the pull again")
        os.replace(part, dest)
        _meta(part).unlink(missing_ok=True)
    return dest


def _meta(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _keep_only_matching_partial(part: Path, item: Entry, expected: str) -> None:
    """Resume only bytes of the very same file: a partial whose record names another sha256
    or size (the catalogue or the hub changed) is started again."""
    meta = _meta(part)
    record = {"repo": item.repo, "file": item.file, "size": item.size, "sha256": expected}
    try:
        old = json.loads(meta.read_text()) if meta.exists() else None
    except (OSError, ValueError):
        old = None
    if part.exists() and (old != record or part.stat().st_size > item.size):
        part.unlink()
    if not part.exists():
        create_private_file(part)
        meta.write_text(json.dumps(record))


def _locate(item: Entry) -> tuple[str, str, dict[str, str]]:
    """(download URL, sha256 to verify, request headers), from the hub's metadata of the file.

    HF_ENDPOINT is read now, not when huggingface_hub was imported, so it always applies."""
    try:
        from huggingface_hub import constants, get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers
    except ImportError:
        raise ModelError("downloading needs huggingface_hub: pip install huggingface_hub") from None

    endpoint = (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")
    url = hf_hub_url(item.repo, item.file, revision=item.revision, endpoint=endpoint)
    headers = build_hf_headers()
    try:
        meta = get_hf_file_metadata(url, headers=dict(headers), endpoint=endpoint, timeout=15)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line that says which
        raise ModelError(_why(exc, endpoint, item)) from None
    hub_sha = (meta.etag or "").strip('"').lower()
    expected = item.sha256 or (hub_sha if _SHA256.match(hub_sha) else "")
    if not expected:
        raise ModelError(f"{item.repo}/{item.file}: the hub gives no sha256 to verify the download against")
    if _SHA256.match(hub_sha) and hub_sha != expected:
        raise ModelError(f"{item.repo}/{item.file} on {endpoint} is not the catalogued file (sha256 "
                         f"{hub_sha[:12]}…, expected {expected[:12]}…); nothing was downloaded")
    if meta.size is not None and meta.size != item.size:
        raise ModelError(f"{item.repo}/{item.file} on {endpoint} has {meta.size:,} bytes, the catalogue "
                         f"{item.size:,}; nothing was downloaded")
    location = meta.location or url
    if urlparse(location).netloc != urlparse(url).netloc:
        headers.pop("authorization", None)  # a signed CDN URL: the token stays with the hub
    return location, expected, headers


def _transfer(item: Entry, url: str, headers: dict[str, str], part: Path, have: int,
              progress: Progress | None) -> None:
    """Append the rest of the file to ``part`` with huggingface_hub's downloader (a Range
    request from ``have``; it retries a dropped connection a few times by itself)."""
    from huggingface_hub.file_download import http_get

    bar: Any = _progress_class(progress)
    try:
        with part.open("ab") as fh:
            http_get(url, fh, resume_size=have, headers=headers, expected_size=item.size,
                     displayed_filename=item.file, tqdm_class=bar)
    except KeyboardInterrupt:
        raise PullInterrupted(f"download of {item.name} interrupted at {_mb(part)} of {item.size / 1e6:,.0f} MB; "
                              f"run `recall models pull {item.name}` again to resume") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ModelError(f"the disk filled up while downloading {item.name} ({_mb(part)} MB kept in "
                             f"{part.parent}); free some space and run the pull again to resume") from None
        raise ModelError(_interrupted(item, part, exc)) from None
    except Exception as exc:  # noqa: BLE001 - network and HTTP errors of the download
        raise ModelError(_interrupted(item, part, exc)) from None


def _interrupted(item: Entry, part: Path, exc: BaseException) -> str:
    return (f"download of {item.name} interrupted at {_mb(part)} of {item.size / 1e6:,.0f} MB "
            f"({_first_line(exc)}); run `recall models pull {item.name}` again to resume")


def _mb(path: Path) -> str:
    try:
        return f"{path.stat().st_size / 1e6:,.0f}"
    except OSError:
        return "0"


def _progress_class(progress: Progress | None) -> type:
    """A stand-in for the tqdm class huggingface_hub reports download progress to."""

    class Bar:
        def __init__(self, *, total: int | None = None, initial: int = 0, **_: Any) -> None:
            self.total, self.n = total or 0, initial
            self.update(0)

        def __enter__(self) -> Bar:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def update(self, n: int | float | None = 1) -> None:
            self.n += int(n or 0)
            if progress:
                progress("download", self.n, self.total)

    return Bar


@contextlib.contextmanager
def _exclusive(part: Path) -> Iterator[None]:
    """One pull of a file at a time: two would append to the same partial file."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the checksum still catches a mix-up
        yield
        return
    lock = part.with_name(part.name + ".lock")
    create_private_file(lock)
    with lock.open("r+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ModelError(f"another `recall models pull` is downloading {part.name[:-5]} right now") from None
        try:
            yield
        finally:
            if not part.exists():  # done (or given up): no partial file left for a lock to guard
                lock.unlink(missing_ok=True)
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _network_allowed() -> Iterator[None]:
    """Let this call reach the hub although HF_HUB_OFFLINE=1 keeps the rest of recall (the
    embedder) offline, and keep huggingface_hub's retry warnings off the terminal: the
    outcome is reported in one line."""
    try:
        from huggingface_hub import constants
    except ImportError:
        raise ModelError("downloading needs huggingface_hub: pip install huggingface_hub") from None
    offline, hub_log = constants.HF_HUB_OFFLINE, logging.getLogger("huggingface_hub")
    level = hub_log.level
    constants.HF_HUB_OFFLINE = False  # is_offline_mode() reads this at every request
    hub_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = offline
        hub_log.setLevel(level)


_NETWORK = {"ConnectError", "ConnectTimeout", "TimeoutException", "NetworkError", "ProxyError", "ReadError",
            "ReadTimeout", "RemoteProtocolError", "WriteError", "ConnectionError", "OfflineModeIsEnabled"}


def _is_network_error(exc: BaseException) -> bool:
    # by class name: huggingface_hub's HTTP client (httpx, httpx2, requests) changes with versions
    return any(cls.__name__ in _NETWORK for cls in type(exc).__mro__) or isinstance(exc, ConnectionError)


def _why(exc: BaseException, endpoint: str, item: Entry) -> str:
    """One line for a failed metadata request."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if _is_network_error(exc):
        return (f"cannot reach {endpoint} ({_first_line(exc)}): no network? Nothing was downloaded; "
                "check the connection (or HF_ENDPOINT) and run the pull again")
    if status in (401, 403, 404) or type(exc).__name__ in {"RepositoryNotFoundError", "RemoteEntryNotFoundError",
                                                           "EntryNotFoundError", "GatedRepoError"}:
        return f"{endpoint} has no {item.repo}/{item.file} (HTTP {status or '404'}); nothing was downloaded"
    return f"cannot download {item.repo}/{item.file} from {endpoint}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def catalogue_rows() -> list[dict[str, Any]]:
    """The catalogue as plain rows (for `list` and JSON)."""
    return [asdict(e) for e in CATALOGUE.values()]
