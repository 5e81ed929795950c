"""Segment files: how one device's changes sit in a sync folder.

A segment is JSON lines: a header (format, device, number), the records, and a trailer with
the record count and the sha256 of everything before it. A file without a valid trailer is
not complete (a sync tool may still be copying it): it is skipped and read on a later run.
Files are written to a temporary name and renamed, so this device never leaves a half
file under a segment's name. With a passphrase the whole file is sealed with AES-GCM under
a key derived by scrypt (the ``cryptography`` package): a wrong passphrase, a cut-off file
and tampering all fail the same authentication check.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, InputError
from .records import FORMAT

SEALED = b"RECALL-SYNC-SEALED-1\n"
NAME = re.compile(r"^seg-(\d{8})\.jsonl$")
SALT, NONCE = 16, 12


class Incomplete(InputError):
    """A segment that is not (yet) whole: skipped now, read when the sync tool finishes it."""


@dataclass
class Segment:
    device: str
    number: int
    records: list[dict[str, Any]]
    format: int = FORMAT


def segment_name(number: int) -> str:
    return f"seg-{number:08d}.jsonl"


def encode(segment: Segment) -> bytes:
    """The file's bytes (before sealing)."""
    header = {"recall_sync": segment.format, "device": segment.device, "segment": segment.number}
    body = b"".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                    for item in [header, *segment.records])
    trailer = {"end": len(segment.records), "sha256": hashlib.sha256(body).hexdigest()}
    return body + json.dumps(trailer).encode() + b"\n"


def decode(data: bytes, where: str) -> Segment:
    """The segment in ``data``; Incomplete without a valid trailer, InputError when malformed."""
    if not data.endswith(b"\n"):
        raise Incomplete("segment not complete yet (no trailer)", where)
    body, _, last = data[:-1].rpartition(b"\n")
    body += b"\n"
    try:
        trailer = json.loads(last)
    except ValueError:
        raise Incomplete("segment not complete yet (no trailer)", where) from None
    if not (isinstance(trailer, dict) and trailer.get("sha256") == hashlib.sha256(body).hexdigest()):
        raise Incomplete("segment incomplete or corrupt (its checksum does not match)", where)
    lines = body.splitlines()
    try:
        header = json.loads(lines[0])
        records = [json.loads(line) for line in lines[1:]]
    except (ValueError, IndexError) as exc:
        raise InputError(f"malformed segment ({exc})", where) from None
    if not isinstance(header, dict) or not isinstance(header.get("recall_sync"), int):
        raise InputError("not a recall sync segment", where)
    if trailer.get("end") != len(records) or not all(isinstance(r, dict) for r in records):
        raise InputError("malformed segment (record count)", where)
    return Segment(str(header.get("device")), int(header.get("segment") or 0), records, header["recall_sync"])




# -- sealing -----------------------------------------------------------------------------------
def passphrase(command: str) -> bytes:
    """The passphrase ``sync.passphrase_cmd`` prints (for example from a password manager)."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"sync.passphrase_cmd failed: {exc}") from None
    secret = done.stdout.strip()
    if done.returncode != 0 or not secret:
        raise ConfigError(f"sync.passphrase_cmd printed no passphrase (exit {done.returncode})")
    return secret


def _key(secret: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(secret)


def seal(data: bytes, secret: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(SALT), os.urandom(NONCE)
    return SEALED + salt + nonce + AESGCM(_key(secret, salt)).encrypt(nonce, data, SEALED)


def is_sealed(data: bytes) -> bool:
    return data.startswith(SEALED)


def unseal(data: bytes, secret: bytes | None, where: str) -> bytes:
    """The plain bytes of a sealed segment; Incomplete when it does not authenticate."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if secret is None:
        raise InputError("segment is encrypted: set sync.passphrase_cmd to read it", where)
    start = len(SEALED)
    salt, nonce = data[start:start + SALT], data[start + SALT:start + SALT + NONCE]
    try:
        return AESGCM(_key(secret, salt)).decrypt(nonce, data[start + SALT + NONCE:], SEALED)
    except (InvalidTag, ValueError):
        raise Incomplete("encrypted segment does not open: incomplete, or another passphrase", where) from None
