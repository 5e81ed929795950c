"""The SQLite store: the source of truth."""

from .db import Store, open_store

__all__ = ["Store", "open_store"]
