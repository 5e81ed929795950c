"""This device's identity and its hybrid logical clock, kept in the settings table.

A clock value is ``<milliseconds:013d>.<counter:06d>``: it sorts as text, never goes back
when the wall clock does, and moves past every clock value seen from another device, so
the order of changes is one order on every device whatever their clocks say (a device
hours ahead just makes everyone's later clocks larger).
"""

from __future__ import annotations

import os
import time
import uuid

from .base import StoreBase

DEVICE_KEY = "sync.device"
CLOCK_KEY = "sync.hlc"
COUNTER_MAX = 999_999


def parse_hlc(value: str) -> tuple[int, int]:
    """(milliseconds, counter) of a clock value; ValueError when it is not one."""
    ms, _, counter = value.partition(".")
    if not (ms.isdigit() and counter.isdigit()):
        raise ValueError(f"not a clock value: {value!r}")
    return int(ms), int(counter)


def format_hlc(ms: int, counter: int) -> str:
    return f"{ms:013d}.{counter:06d}"


def wall_ms() -> int:
    """The wall clock in milliseconds (RECALL_CLOCK_SKEW_MS shifts it, for tests of skew)."""
    return int(time.time() * 1000) + int(os.environ.get("RECALL_CLOCK_SKEW_MS", "0") or 0)


class ClockQueries(StoreBase):
    """Mixin for Store: the device id and the clock."""

    def device_id(self) -> str:
        """This store's device id, made on first use (a copied RECALL_HOME copies it too:
        sync notices and says so)."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [DEVICE_KEY]).fetchone()
        if row:
            return str(row[0])
        device = uuid.uuid4().hex[:12]
        self._db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [DEVICE_KEY, device])
        return str(self._db.execute("SELECT value FROM settings WHERE key = ?", [DEVICE_KEY]).fetchone()[0])

    def set_device_id(self, device: str) -> None:
        with self.transaction():
            self._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                             "SET value = excluded.value", [DEVICE_KEY, device])

    def next_hlc(self, seen: str | None = None) -> str:
        """A clock value later than every one this store has made or seen (``seen``: one from
        another device, which the clock must pass)."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [CLOCK_KEY]).fetchone()
        last = parse_hlc(row[0]) if row else (0, 0)
        if seen is not None:
            last = max(last, parse_hlc(seen))
        now = wall_ms()
        ms, counter = (now, 0) if now > last[0] else (last[0], last[1] + 1)
        if counter > COUNTER_MAX:
            ms, counter = ms + 1, 0
        value = format_hlc(ms, counter)
        self._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                         "SET value = excluded.value", [CLOCK_KEY, value])
        return value
