"""One contract, every room store: the embedded memory store and Redis (a real server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from boards.store import START, RoomStore, Snapshot, Topic, parse_id
from boards.store.memory import MemoryRoomStore
from boards.store.redis import RedisRoomStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RoomStore]:
    if request.param == "memory":
        backend: RoomStore = MemoryRoomStore()
    else:
        backend = RedisRoomStore(request.getfixturevalue("redis_url"))
    yield backend
    await backend.close()


async def test_append_then_read_keeps_order_author_and_time(store: RoomStore) -> None:
    first = await store.append("r/board", b"one", "u1")
    second = await store.append("r/board", b"two", "u2")
    assert parse_id(second.id) > parse_id(first.id)
    entries = await store.read("r/board")
    assert [(e.payload, e.author) for e in entries] == [(b"one", "u1"), (b"two", "u2")]
    assert entries[0].time_ms > 1_600_000_000_000
    assert await store.read("r/board", after=first.id) == [second]
    assert await store.read("r/board", limit=1) == [first]
    assert await store.read("other/board") == []


async def test_last_id(store: RoomStore) -> None:
    log = Topic("r/board", "log")
    assert await store.last_id(log) == START
    entry = await store.append("r/board", b"x", "u1")
    assert await store.last_id(log) == entry.id


async def test_trim_drops_only_up_to_the_given_entry(store: RoomStore) -> None:
    entries = [await store.append("r/board", bytes([i]), "u1") for i in range(4)]
    await store.trim("r/board", entries[1].id)
    assert await store.read("r/board") == entries[2:]


async def test_snapshots(store: RoomStore) -> None:
    assert await store.get_snapshot("r/board") is None
    await store.put_snapshot("r/board", Snapshot(b"state", "5-0"))
    assert await store.get_snapshot("r/board") == Snapshot(b"state", "5-0")


async def test_listen_returns_entries_after_the_cursors(store: RoomStore) -> None:
    log = Topic("r/board", "log")
    before = await store.append("r/board", b"old", "u1")
    waiting = asyncio.create_task(store.listen({log: before.id}, block=5))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    fresh = await store.append("r/board", b"new", "u2")
    found = await asyncio.wait_for(waiting, 5)
    assert found == [(log, fresh)]


async def test_listen_times_out_empty_and_wake_interrupts(store: RoomStore) -> None:
    log = Topic("r/board", "log")
    assert await store.listen({log: START}, block=0.05) == []
    waiting = asyncio.create_task(store.listen({log: START}, block=10))
    await asyncio.sleep(0.05)
    await store.wake()
    assert await asyncio.wait_for(waiting, 2) == []


async def test_awareness_channel(store: RoomStore) -> None:
    topic = Topic("r/board", "awareness")
    entry = await store.publish_awareness("r/board", b"hello", "conn1")
    assert await store.listen({topic: START}, block=1) == [(topic, entry)]
    assert await store.recent_awareness("r/board", entry.time_ms - 1000) == [entry]
    assert await store.recent_awareness("r/board", entry.time_ms + 1000) == []
    assert await store.read("r/board") == [], "awareness never enters the update log"


async def test_dirty_documents_are_taken_once(store: RoomStore) -> None:
    await store.append("a/board", b"1", "u1")
    await store.append("b/chat", b"2", "u1")
    assert await store.take_dirty() == ["a/board", "b/chat"]
    assert await store.take_dirty() == []
    await store.mark_dirty("a/board")
    assert await store.take_dirty() == ["a/board"]


async def test_lock_is_exclusive(store: RoomStore) -> None:
    async with store.lock("compact:x", ttl=5) as first, store.lock("compact:x", ttl=5) as second:
        assert first and not second
    async with store.lock("compact:x", ttl=5) as again:
        assert again
