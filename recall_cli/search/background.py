"""A computation started on a thread now and collected later (the query's vectors beside the keyword search)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """Run ``fn`` on a thread now; ``result()`` waits for it (and re-raises its error)."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._value: list[T] = []  # a box: empty until fn returns (its value may itself be None)
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="recall-query-embed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._value.append(self._fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc
        self.seconds = time.perf_counter() - started

    def result(self) -> T:
        """``fn``'s value, once it is done; its exception, raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value[0]
