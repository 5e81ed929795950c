"""SQLite across threads: sync tools on worker threads (own connection), async tools on the warm service."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from recall_cli.service import Recall
from tests.mcp.helpers import call, connect

pytestmark = pytest.mark.anyio


async def test_sync_tools_run_on_worker_threads_with_their_own_connection(make_server, svc, monkeypatch):
    from recall_cli import service as service_module

    svc.add("a note")
    opened, shown = [], []
    open_store, show = service_module.open_store, Recall.show

    def counting_open(path, **kwargs):
        store = open_store(path, **kwargs)
        opened.append((threading.get_ident(), store))
        return store

    def spy(self, ref, **kwargs):
        shown.append((threading.get_ident(), self.store))
        return show(self, ref, **kwargs)

    monkeypatch.setattr(service_module, "open_store", counting_open)
    monkeypatch.setattr(Recall, "show", spy)
    server = make_server()
    async with connect(server) as client:
        await call(client, "search_memory", query="note")  # opens the warm service's connection
        await call(client, "get_memory", id="1")
        await call(client, "list_recent")
        await call(client, "get_memory", id="1")
    loop_thread = threading.get_ident()
    warm = server.backend.service.store
    assert [s for _, s in opened].count(warm) == 1 and len(opened) == 4  # warm + one per sync call
    assert all(thread != loop_thread for thread, _ in opened + shown)
    assert len(shown) == 2 and all(store is not warm for _, store in shown)
    assert shown[0][1] is not shown[1][1]
    assert all(_closed(s) for _, s in opened if s is not warm)


def _closed(store) -> bool:
    import sqlite3

    try:
        store._db.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


async def test_async_tools_share_one_warm_service_one_call_at_a_time(make_server, svc, monkeypatch):
    svc.add("a note about tea")
    active, overlaps, threads = [0], [], set()
    search = Recall.search

    def slow(self, *args, **kwargs):
        active[0] += 1
        overlaps.append(active[0])
        threads.add(threading.get_ident())
        time.sleep(0.05)
        try:
            return search(self, *args, **kwargs)
        finally:
            active[0] -= 1

    monkeypatch.setattr(Recall, "search", slow)
    server = make_server()
    async with connect(server) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(lambda: call(client, "search_memory", query="tea"))
    assert max(overlaps) == 1  # serialised on the warm service
    assert threading.get_ident() not in threads  # never on the event loop


async def test_a_slow_search_does_not_block_sync_reads(make_server, svc, monkeypatch):
    svc.add("a note about tea")
    search = Recall.search
    release = threading.Event()

    def stuck(self, *args, **kwargs):
        release.wait(10)
        return search(self, *args, **kwargs)

    monkeypatch.setattr(Recall, "search", stuck)
    order = []
    async with connect(make_server()) as client:
        async def searching():
            await call(client, "search_memory", query="tea")
            order.append("search")

        async def reading():
            await anyio.sleep(0.05)
            out = await call(client, "list_recent")
            order.append("list_recent")
            assert out["count"] == 1
            out = await call(client, "get_memory", id="1")
            order.append("get_memory")
            release.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(searching)
            tg.start_soon(reading)
    assert order == ["list_recent", "get_memory", "search"]


async def test_many_concurrent_writes_and_reads_all_land(make_server, store):
    results: dict[str, list] = {"remember": [], "read": []}
    async with connect(make_server(), name="stress") as client:
        async def writer(i: int):
            kind = "semantic" if i % 3 == 0 else "note"
            results["remember"].append(await call(client, "remember", text=f"fact number {i}", kind=kind))

        async def reader(i: int):
            results["read"].append(await call(client, "list_recent", limit=5))
            results["read"].append(await call(client, "search_memory", query=f"fact {i}"))

        async with anyio.create_task_group() as tg:
            for i in range(24):
                tg.start_soon(writer, i)
                tg.start_soon(reader, i)
        for item in results["remember"]:
            if "memory" in item:
                got = await call(client, "get_memory", id=item["memory"]["id"])
                assert got["sources"][0]["id"] == item["id"]
    assert len(results["remember"]) == 24 and len(results["read"]) == 48
    assert store.store.count_events() == 24
    assert store.store._db.execute("SELECT count(*) FROM memories").fetchone()[0] == 8
    assert {e.meta["client"] for e in store.store.recent_events(100)} == {"stress"}
