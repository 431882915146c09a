"""One contract, every room store: the embedded memory store, Redis (a real server) and
Redis Cluster (three real masters)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from redis.asyncio.connection import Connection

from boards.store import (
    PRESENCE_MAX_STATES,
    START,
    Entry,
    PresenceChange,
    RoomStore,
    Snapshot,
    StoreBusy,
    Topic,
    parse_id,
)
from boards.store.memory import MemoryRoomStore
from boards.store.redis import RedisRoomStore, _resp
from tests.support.presence import publish

REDIS_KINDS = [
    pytest.param("redis", marks=pytest.mark.redis),
    pytest.param("cluster", marks=pytest.mark.redis),
]


def redis_store(
    request: pytest.FixtureRequest,
    kind: str,
    max_connections: int | None = None,
    wait_seconds: float | None = None,
) -> RedisRoomStore:
    """A Redis store on the test Redis or the test Redis Cluster, emptied first."""
    url = request.getfixturevalue("redis_url" if kind == "redis" else "redis_cluster_url")
    return RedisRoomStore(url, max_connections, wait_seconds)


@pytest.fixture(params=["memory", *REDIS_KINDS])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RoomStore]:
    if request.param == "memory":
        backend: RoomStore = MemoryRoomStore()
    else:
        backend = redis_store(request, request.param)
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


async def test_an_entry_keeps_the_digest_and_origin_its_writer_gave_it(store: RoomStore) -> None:
    plain = await store.append("r/board", b"one", "u1")
    noted = await store.append("r/board", b"two", "u1", digest=b"[[],[],[]]", origin="p1")
    assert (plain.digest, plain.origin) == (b"", "")
    assert (noted.digest, noted.origin) == (b"[[],[],[]]", "p1")
    assert await store.read("r/board") == [plain, noted]
    log = Topic("r/board", "log")
    assert [e for _, e in await store.listen({log: START}, 0.1)] == [plain, noted]


async def test_concurrent_appends_each_land_once_in_the_order_made(store: RoomStore) -> None:
    """Many sockets append at once (a Redis store sends them in batches of pipelined calls)."""
    entries = await asyncio.gather(
        *(store.append(f"r{i % 3}/board", bytes([i % 256]), f"u{i}") for i in range(600))
    )
    for room in range(3):
        made = [e for i, e in enumerate(entries) if i % 3 == room]
        assert await store.read(f"r{room}/board") == made
    assert sorted(await store.take_dirty()) == ["r0/board", "r1/board", "r2/board"]


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
    assert await store.snapshot_upto("r/board") is None
    await store.put_snapshot("r/board", Snapshot(b"state", "5-0"))
    assert await store.snapshot_upto("r/board") == "5-0"
    assert await store.load("r/board") == (Snapshot(b"state", "5-0"), [])


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


async def awareness_of(store: RoomStore, doc: str) -> list[Entry]:
    """Every entry the awareness channel of `doc` still holds."""
    return [entry for _, entry in await store.listen({Topic(doc, "awareness"): START}, 0.01)]


async def test_awareness_channel(store: RoomStore) -> None:
    topic = Topic("r/board", "awareness")
    entry = await publish(store, "r/board", b"hello")
    assert await store.listen({topic: START}, block=1) == [(topic, entry)]
    assert await store.read("r/board") == [], "awareness never enters the update log"


async def test_awareness_keeps_the_newest_256(store: RoomStore) -> None:
    published = [await publish(store, "r/board", b"%d" % i) for i in range(300)]
    assert await awareness_of(store, "r/board") == published[-256:]


async def test_dirty_documents_are_taken_once(store: RoomStore) -> None:
    await store.append("a/board", b"1", "u1")
    await store.append("b/chat", b"2", "u1")
    assert await store.take_dirty() == ["a/board", "b/chat"]
    assert await store.take_dirty() == []
    await store.mark_dirty("a/board")
    assert await store.take_dirty() == ["a/board"]


async def test_work_a_dead_taker_left_is_taken_again_after_its_lease(store: RoomStore) -> None:
    await store.append("a/board", b"1", "u1")
    await store.append("b/board", b"2", "u1")
    assert await store.take_dirty(lease_ms=100) == ["a/board", "b/board"]
    await store.finish_compaction("b/board")
    assert await store.take_dirty(lease_ms=100) == [], "leased work is not taken twice"
    await asyncio.sleep(0.15)  # the lease runs out: time passing is the event
    assert await store.take_dirty(lease_ms=100) == ["a/board"], "finished work is not retaken"


async def test_load_is_the_keyframe_and_every_entry_after_it(store: RoomStore) -> None:
    assert await store.load("r/board") == (None, [])
    entries = [await store.append("r/board", bytes([i]), "u1") for i in range(4)]
    assert await store.load("r/board") == (None, entries)
    await store.put_snapshot("r/board", Snapshot(b"state", entries[1].id))
    assert await store.load("r/board") == (Snapshot(b"state", entries[1].id), entries[2:])


async def test_spend_holds_a_limit_per_key_and_window(store: RoomStore) -> None:
    hour = 3_600_000  # one window for the whole test
    assert [await store.spend("r/chat/u1", 1, 3, hour) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert await store.spend("r/chat/u2", 3, 3, hour), "another key has its own counter"
    assert not await store.spend("r/chat/u2", 1, 3, hour)
    assert not await store.spend("r/bytes/u1", 5, 4, hour), "a refused spend costs nothing"
    assert await store.spend("r/bytes/u1", 4, 4, hour)


async def test_spend_is_forgotten_a_window_later(store: RoomStore) -> None:
    assert await store.spend("r/chat/u1", 2, 2, 50)
    await asyncio.sleep(0.11)  # two fixed windows end: time passing is the event
    assert await store.spend("r/chat/u1", 2, 2, 50)


async def test_spend_slides_so_a_burst_at_a_windows_edge_gets_no_second_limit(
    store: RoomStore,
) -> None:
    window = 200
    await asyncio.sleep((155 - time.time() * 1000) % window / 1000)  # 45 ms before an end
    assert await store.spend("r/chat/u1", 10, 10, window)
    accepted = 0
    started = time.monotonic()
    while time.monotonic() - started < 0.1:  # into the next window, by about 55 ms
        accepted += await store.spend("r/chat/u1", 1, 10, window)
        await asyncio.sleep(0.005)
    assert accepted <= 4, "about the share of the window that has slid past"


async def test_presence_snapshot(store: RoomStore) -> None:
    await publish(store, "r/board", states={1: b"one", 2: b"two"}, now_ms=10_000)
    await publish(store, "r/board", states={3: b"three"}, removed=(2,), now_ms=20_000)
    assert await store.load_presence("r/board", since_ms=0) == {1: b"one", 3: b"three"}
    assert await store.load_presence("r/board", since_ms=15_000) == {3: b"three"}
    assert await store.load_presence("r/board", since_ms=0) == {3: b"three"}, "stale ones go"
    assert await store.load_presence("other/board", since_ms=0) == {}


async def test_presence_drops_stale_and_keeps_the_newest_states(store: RoomStore) -> None:
    await publish(store, "r/board", states={0: b"old"}, now_ms=1_000)
    for i in range(1, PRESENCE_MAX_STATES + 6):
        await publish(store, "r/board", states={i: b"s%d" % i}, now_ms=100_000 + i)
    kept = await store.load_presence("r/board", since_ms=0)
    assert sorted(kept) == list(range(6, PRESENCE_MAX_STATES + 6))


async def test_listen_names_the_topic_of_any_document_name(store: RoomStore) -> None:
    log = Topic("r-1/private/u:7", "log")
    awareness = Topic("r-1/private/u:7", "awareness")
    entry = await store.append(log.doc, b"x", "u1")
    seen = await publish(store, awareness.doc, b"y")
    found = await store.listen({log: START, awareness: START}, block=1)
    assert found == [(log, entry), (awareness, seen)]


async def test_delete_documents_forgets_a_room(store: RoomStore) -> None:
    for name in ["gone/board", "gone/chat", "kept/board"]:
        await store.append(name, b"x", "u1")
        await store.put_snapshot(name, Snapshot(b"s", "1-0"))
        await publish(store, name, b"a", states={1: b"p"})
    await store.spend("gone/chat/u1", 1, 1, 60_000)
    await store.take_dirty()
    await store.mark_dirty("gone/board")
    await store.delete_documents("gone/")
    assert await store.load("gone/board") == (None, [])
    assert await awareness_of(store, "gone/chat") == []
    assert await store.load_presence("gone/chat", 0) == {}
    assert await store.spend("gone/chat/u1", 1, 1, 60_000), "its quotas start afresh"
    assert await store.take_dirty(lease_ms=0) == [], "no compaction work is left for it"
    assert (await store.load("kept/board"))[0] == Snapshot(b"s", "1-0")
    assert await store.load_presence("kept/board", 0) == {1: b"p"}


async def test_lock_is_exclusive(store: RoomStore) -> None:
    async with store.lock("compact:x", ttl=5) as first, store.lock("compact:x", ttl=5) as second:
        assert first and not second
    async with store.lock("compact:x", ttl=5) as again:
        assert again


async def test_presence_changes_of_many_documents_in_one_call(store: RoomStore) -> None:
    now = int(time.time() * 1000)
    before = await publish(store, "b/board", b"before", states={9: b"leaving"}, now_ms=now)
    published = await store.publish_presence(
        [
            PresenceChange("a/board", b"hello-a", "conn1", {1: b"one", 2: b"two"}, (), now),
            PresenceChange("b/board", b"hello-b", "conn2", {3: b"three"}, (9,), now),
            PresenceChange("a/board", b"again-a", "conn1", {}, (2,), now + 1),
        ]
    )
    assert [(e.payload, e.author) for e in published] == [
        (b"hello-a", "conn1"),
        (b"hello-b", "conn2"),
        (b"again-a", "conn1"),
    ]
    assert await awareness_of(store, "a/board") == [published[0], published[2]]
    assert await awareness_of(store, "b/board") == [before, published[1]]
    assert await store.load_presence("a/board", since_ms=0) == {1: b"one"}
    assert await store.load_presence("b/board", since_ms=0) == {3: b"three"}
    assert await store.publish_presence([]) == []


@pytest.mark.parametrize("kind", REDIS_KINDS)
async def test_callers_beyond_the_pool_wait_for_a_connection(
    request: pytest.FixtureRequest, kind: str
) -> None:
    store = redis_store(request, kind, max_connections=4)
    try:
        appended = await asyncio.wait_for(
            asyncio.gather(*(store.append("r/board", b"%d" % i, "u1") for i in range(300))), 30
        )
        assert len({entry.id for entry in appended}) == 300
        assert len(await store.read("r/board")) == 300
    finally:
        await store.close()


@asynccontextmanager
async def every_connection_held(store: RedisRoomStore) -> AsyncIterator[None]:
    """Keep the store's only connection (or, in a cluster, its only turn) busy."""
    if store._gate is not None:
        async with store._turn():
            yield
        return
    connection = await store._redis.connection_pool.get_connection()
    try:
        yield
    finally:
        await store._redis.connection_pool.release(connection)


@pytest.mark.parametrize("kind", REDIS_KINDS)
async def test_a_caller_that_waits_too_long_gets_store_busy(
    request: pytest.FixtureRequest, kind: str
) -> None:
    store = redis_store(request, kind, max_connections=1, wait_seconds=0.05)
    try:
        async with every_connection_held(store):
            with pytest.raises(StoreBusy):
                await asyncio.wait_for(store.read("r/board"), 5)
            if kind == "redis":  # appends have a connection of their own: nothing holds them up
                await asyncio.wait_for(store.append("r/board", b"x", "u1"), 5)
            else:
                with pytest.raises(StoreBusy):
                    await asyncio.wait_for(store.append("r/board", b"x", "u1"), 5)
        written = await asyncio.wait_for(store.read("r/board"), 5)
        assert [e.payload for e in written] == ([b"x"] if kind == "redis" else [])
    finally:
        await store.close()


def test_appends_are_written_in_the_protocol_redis_py_writes() -> None:
    commands = [
        ("XADD", "coworking:{lab}:log", "*", "u", b"\x00\x01\xff\r\n", "a", "ünï", "s", b"[]"),
        ("SADD", "coworking:{meta}:dirty", "lab/board", "lab/chat"),
    ]
    assert _resp(commands) == b"".join(Connection().pack_commands(commands))


async def test_votes_hold_their_budget_and_per_target_limit_under_concurrent_casts(
    store: RoomStore,
) -> None:
    casts = [store.cast_vote("lab/v1", "u1", f"n{i % 3}", 1, 3, 2) for i in range(12)]
    landed = await asyncio.gather(*casts)
    mine = [result for result in landed if result is not None]
    assert len(mine) == 3, f"a budget of 3, whatever arrives at once: {landed}"
    final = max(mine, key=lambda votes: sum(votes.values()))  # the last to land
    assert sum(final.values()) == 3 and max(final.values()) <= 2
    assert await store.cast_vote("lab/v1", "u1", "n0", 1, 3, 2) is None
    assert await store.cast_vote("lab/v1", "u2", "n0", 1, 3, 2) == {"n0": 1}
    assert await store.cast_vote("lab/v1", "u2", "n0", 1, 3, 2) == {"n0": 2}
    assert await store.cast_vote("lab/v1", "u2", "n0", 1, 3, 2) is None, "two per note"
    assert await store.cast_vote("lab/v1", "u2", "n0", -1, 3, 2) == {"n0": 1}
    assert await store.cast_vote("lab/v1", "u2", "n9", -1, 3, 2) is None, "none to take back"
    results = await store.vote_results("lab/v1")
    assert sum(results.values()) == 4 and results["n0"] == final.get("n0", 0) + 1
    assert await store.vote_results("lab/v2") == {}
    await store.forget_vote("lab/v1")
    assert await store.vote_results("lab/v1") == {}
    assert await store.cast_vote("lab/v1", "u1", "n0", 1, 3, 2) == {"n0": 1}, "ballots gone"


async def test_the_logs_of_a_room_are_listed_by_prefix(store: RoomStore) -> None:
    for name in ("lab/private.u2", "lab/private.u1", "lab/board", "labs/private.u3"):
        await store.append(name, b"x", "u1")
    assert await store.logs("lab/private.") == ["lab/private.u1", "lab/private.u2"]
    assert await store.logs("other/") == []
