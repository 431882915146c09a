"""Limits across processes, server writes after data loss, compaction that always goes on,
consistent loads, rooms that leave nothing behind, and a Redis restart nobody notices."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pycrdt
import pytest
import redis
from channels.db import database_sync_to_async
from pycrdt import Decoder

from boards.archive import archive_position
from boards.chat import ChatCommands
from boards.compaction import compact, run_compactor
from boards.connection import DocumentConnection, write_as_server
from boards.documents import load_document, verified
from boards.hub import Hub
from boards.models import DocumentKeyframe, DocumentUpdate
from boards.protocol import RunCommand
from boards.store import RoomStore, StoreBusy, Topic
from boards.store.base import COMPACT_LEASE_MS
from boards.store.memory import MemoryRoomStore
from boards.store.redis import RedisRoomStore
from rooms.models import Role, Room
from rooms.permissions import Access, Identity
from tests.support.presence import publish
from tests.support.servers import RedisServer

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 5.0


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    if request.param == "memory":
        store: RoomStore = MemoryRoomStore()
    else:
        store = RedisRoomStore(request.getfixturevalue("redis_url"))
    live = Hub(store, compact=False)
    yield live
    await live.close()


@dataclass
class ChatSocket:
    """What `ChatCommands` needs of a connection: the hub, the document, a way to reply."""

    hub: Hub
    doc_name: str = "lab/chat"
    replies: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, frame: bytes) -> None:
        decoder = Decoder(frame)
        decoder.read_var_uint()
        self.replies.append(json.loads(decoder.read_var_string()))


def participant(name: str = "ada") -> Access:
    return Access(Room(slug="lab", title="Lab"), Role.PARTICIPANT, Identity(f"u-{name}", name))


async def say(commands: ChatCommands, socket: ChatSocket, text: str) -> None:
    command = RunCommand("chat.send", {"text": text})
    await asyncio.wait_for(commands(cast(DocumentConnection, socket), command), WAIT)


def texts(doc: pycrdt.Doc) -> list[str]:
    return [m["text"] for m in doc.get("messages", type=pycrdt.Array).to_py() or []]


async def test_the_chat_rate_holds_across_a_persons_connections(hub: Hub, settings: Any) -> None:
    settings.CHAT_RATE = (5, 3600.0)  # one window for the whole test
    ada = participant()
    first, second = ChatSocket(hub), ChatSocket(hub)
    on_first, on_second = ChatCommands(ada), ChatCommands(ada)
    for i in range(4):
        await say(on_first, first, f"a{i}")
        await say(on_second, second, f"b{i}")
    refused = [r["code"] for r in first.replies + second.replies]
    assert refused == ["rate_limited"] * 3
    assert len(await hub.store.read("lab/chat")) == 5
    bob = ChatSocket(hub)
    await say(ChatCommands(participant("bob")), bob, "hi")
    assert bob.replies == [], "another person has a budget of their own"


async def test_the_live_chat_keeps_the_newest_messages(hub: Hub, settings: Any) -> None:
    settings.CHAT_KEEP_MESSAGES = 3
    socket, commands = ChatSocket(hub), ChatCommands(participant())
    for i in range(5):
        await say(commands, socket, f"m{i}")
    loaded = await load_document(hub.store, "lab/chat")
    assert texts(loaded.doc) == ["m2", "m3", "m4"]
    assert len(await hub.store.read("lab/chat")) == 5, "the log keeps every message"


@pytest.mark.redis
async def test_server_writes_after_redis_lost_data_reach_every_client(redis_url: str) -> None:
    hub = Hub(RedisRoomStore(redis_url), compact=False)
    connected = pycrdt.Doc()  # a client that kept every update it was sent

    async def post(text: str) -> None:
        def append(doc: pycrdt.Doc) -> None:
            doc.get("messages", type=pycrdt.Array).append({"text": text})

        entry = await asyncio.wait_for(write_as_server(hub, "lab/chat", "u1", append), WAIT)
        assert entry is not None
        connected.apply_update(entry.payload)

    await post("one")
    await post("two")
    await asyncio.wait_for(compact(hub.store, "lab/chat"), WAIT)  # these two reach SQL
    await post("three")
    await post("four")
    redis.Redis.from_url(redis_url).flushall()
    await post("five")
    assert sorted(texts(connected)) == ["five", "four", "one", "three", "two"]
    joiner = (await asyncio.wait_for(load_document(hub.store, "lab/chat"), WAIT)).doc
    assert sorted(texts(joiner)) == ["five", "one", "two"]
    joiner.apply_update(connected.get_update(joiner.get_state()))
    connected.apply_update(joiner.get_update(connected.get_state()))
    assert texts(joiner) == texts(connected)
    assert len(texts(joiner)) == 5
    await hub.close()


class TakeFailsOnce(MemoryRoomStore):
    """A store whose first `take_dirty` fails, and which tells when a compaction finished."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False
        self.finished = asyncio.Event()

    async def take_dirty(self, lease_ms: int = COMPACT_LEASE_MS) -> list[str]:
        if not self.failed:
            self.failed = True
            raise ConnectionError("the store is down")
        return await super().take_dirty(lease_ms)

    async def finish_compaction(self, doc: str) -> None:
        await super().finish_compaction(doc)
        self.finished.set()


async def test_the_compactor_goes_on_after_a_store_error() -> None:
    store = TakeFailsOnce()
    entry = await store.append("lab/board", b"\x00\x00", "u1")
    compactor = asyncio.create_task(run_compactor(store, interval=0.01))
    try:
        await asyncio.wait_for(store.finished.wait(), WAIT)
    finally:
        compactor.cancel()
    assert store.failed
    assert (await archive_position("lab/board", None))[0] == entry.id


class FinishSignals(RedisRoomStore):
    """A Redis store that tells when it finished compacting a document."""

    finished: asyncio.Event

    async def finish_compaction(self, doc: str) -> None:
        await super().finish_compaction(doc)
        self.finished.set()


@pytest.mark.redis
async def test_work_a_dead_process_took_is_compacted_by_another(redis_url: str) -> None:
    dead = RedisRoomStore(redis_url)
    entry = await dead.append("lab/board", b"\x00\x00", "u1")
    assert await dead.take_dirty(lease_ms=200) == ["lab/board"]
    await dead.close()  # it dies before compacting
    survivor = FinishSignals(redis_url)
    survivor.finished = asyncio.Event()
    compactor = asyncio.create_task(run_compactor(survivor, interval=0.02))
    try:
        await asyncio.wait_for(survivor.finished.wait(), WAIT)
    finally:
        compactor.cancel()
        await survivor.close()
    assert (await archive_position("lab/board", None))[0] == entry.id


def change(key: str) -> bytes:
    doc = pycrdt.Doc()
    doc.get("objects", type=pycrdt.Map)[key] = 1
    return doc.get_update()


def compacting_between_reads(base: type[RoomStore]) -> type[RoomStore]:
    """`base`, except that two compactions land right after a keyframe is read."""

    class Racing(base):  # type: ignore[valid-type,misc]
        race = False
        written = 0

        async def snapshot_upto(self, doc: str) -> str | None:
            found = await super().snapshot_upto(doc)
            if self.race:
                self.race = False
                for _ in range(2):
                    await self.write(doc, 2)
                    await compact(self, doc)
            return found

        async def write(self, doc: str, count: int) -> None:
            for _ in range(count):
                await self.append(doc, change(f"k{self.written}"), "u1")
                self.written += 1

    return Racing


@pytest.mark.parametrize("backend", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def test_a_load_racing_two_compactions_misses_nothing(
    backend: str, request: pytest.FixtureRequest, settings: Any
) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 2}
    if backend == "memory":
        store: Any = compacting_between_reads(MemoryRoomStore)()
    else:
        store = compacting_between_reads(RedisRoomStore)(request.getfixturevalue("redis_url"))
    for _ in range(2):
        await store.write("lab/board", 2)
        await compact(store, "lab/board")
    store.race = True
    loaded = await asyncio.wait_for(load_document(store, "lab/board"), WAIT)
    newest = await store.last_id(Topic("lab/board", "log"))
    await store.close()
    keys = set(loaded.doc.get("objects", type=pycrdt.Map).to_py() or {})
    assert keys == {f"k{i}" for i in range(store.written)}
    assert loaded.upto == newest


def archived_rows(prefix: str) -> int:
    return (
        DocumentUpdate.objects.filter(doc__startswith=prefix).count()
        + DocumentKeyframe.objects.filter(doc__startswith=prefix).count()
    )


@pytest.mark.redis
async def test_a_deleted_room_leaves_no_documents_behind(redis_url: str, settings: Any) -> None:
    settings.ROOM_STORE = {
        "BACKEND": "boards.store.redis.RedisRoomStore",
        "URL": redis_url,
        "COMPACT_AFTER": 2,
    }
    room = await database_sync_to_async(Room.objects.create)(slug="gone", title="Gone")
    hub = Hub(RedisRoomStore(redis_url), compact=False)
    store = hub.store
    for i in range(3):
        await store.append("gone/board", change(f"n{i}"), "u1")
    commands, socket = ChatCommands(participant()), ChatSocket(hub, "gone/chat")
    for i in range(3):
        await say(commands, socket, f"m{i}")
    for name in ["gone/board", "gone/chat"]:
        await compact(store, name)
        await publish(store, name, states={1: b"\x00"}, now_ms=0)
    await store.take_dirty()
    await store.append("kept/board", change("x"), "u1")
    await database_sync_to_async(room.delete)()
    await database_sync_to_async(Room.objects.create)(slug="gone", title="Gone again")
    board = (await load_document(store, "gone/board")).doc
    chat = (await load_document(store, "gone/chat")).doc
    assert board.get("objects", type=pycrdt.Map).to_py() in (None, {})
    assert texts(chat) == []
    client: Any = redis.Redis.from_url(redis_url)
    assert client.keys("*{gone}*") == []
    assert not [n for n in client.smembers("coworking:{meta}:dirty") if n.startswith(b"gone/")]
    assert not [
        n for n in client.zrange("coworking:{meta}:compacting", 0, -1) if n.startswith(b"gone/")
    ]
    client.close()
    assert await database_sync_to_async(archived_rows)("gone/") == 0
    assert await store.read("kept/board") != [], "other rooms keep theirs"
    await hub.close()


@pytest.mark.redis
async def test_a_room_nobody_is_in_leaves_no_presence_behind(redis_url: str) -> None:
    store = RedisRoomStore(redis_url)
    await publish(store, "lab/board", states={1: b"\x00"})
    client: Any = redis.Redis.from_url(redis_url)
    keys = [k for k in client.keys("*{lab}*") if b"wake" not in k]
    assert len(keys) == 3
    assert all(0 < client.pttl(k) <= 60_000 for k in keys)
    client.close()
    await store.close()


@pytest.mark.redis
async def test_a_store_object_works_at_once_after_redis_restarts(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis").start()
    store = RedisRoomStore(server.url)
    try:
        first = await store.append("lab/board", b"one", "u1")
        assert await store.spend("lab/chat/u1", 1, 5, 60_000)
        assert await store.listen({Topic("lab/board", "log"): "0-0"}, block=0.1)
        server.stop()
        server.start()  # same port, same data folder: AOF brings the log back
        second = await asyncio.wait_for(store.append("lab/board", b"two", "u1"), WAIT)
        assert await asyncio.wait_for(store.read("lab/board"), WAIT) == [first, second]
        assert await asyncio.wait_for(store.spend("lab/chat/u1", 1, 5, 60_000), WAIT)
        log = Topic("lab/board", "log")
        assert await asyncio.wait_for(store.listen({log: first.id}, block=0.1), WAIT) == [
            (log, second)
        ]
    finally:
        await store.close()
        server.stop()


@pytest.mark.redis
async def test_appends_to_a_redis_that_stops_answering_get_store_busy(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis").start()
    store = RedisRoomStore(server.url, wait_seconds=0.3)
    assert server.process is not None
    try:
        first = await store.append("lab/board", b"one", "u1")
        server.process.send_signal(signal.SIGSTOP)
        try:
            with pytest.raises(StoreBusy):
                await asyncio.wait_for(store.append("lab/board", b"two", "u1"), WAIT)
        finally:
            server.process.send_signal(signal.SIGCONT)
        third = await asyncio.wait_for(store.append("lab/board", b"three", "u1"), WAIT)
        stored = await store.read("lab/board")
        assert stored[0] == first and stored[-1] == third  # "two" may or may not have landed
    finally:
        await store.close()
        server.stop()


async def test_a_document_made_anew_under_a_known_name_is_read_afresh() -> None:
    """A room deleted and made again, or a store that lost its state: the structure a
    process remembers of the old history is not taken for the new one."""
    old, new = MemoryRoomStore(), MemoryRoomStore()
    for i in range(2):
        doc = pycrdt.Doc()
        doc.get("objects", type=pycrdt.Map).update({f"old{i}a": 1, f"old{i}b": 2})
        await old.append("again/board", doc.get_update(), "u1")
    for i in range(3):
        await new.append("again/board", change(f"new{i}"), "u1")
    await load_document(old, "again/board")
    await load_document(new, "again/board")
    assert verified.take_structure("again/board").live_keys("objects") == 3
