"""The websocket consumer in-process, on the embedded memory store: access, bad input, chat."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import pycrdt
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client
from pycrdt import Decoder

from asgi import application
from boards.compaction import compact
from boards.connection import DocumentConnection
from boards.documents import load_document
from boards.hub import Hub, install_hub
from boards.protocol import (
    CloseCode,
    MessageType,
    SyncStep,
    sync_step1_message,
    sync_step2_message,
    update_message,
)
from boards.store import Entry, Snapshot, StoreBusy, Topic
from boards.store.memory import MemoryRoomStore
from boards.transport import Frame
from rooms.invites import create_invite
from rooms.models import Membership, Role, Room

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    live = Hub(MemoryRoomStore(), compact=False)
    install_hub(live)
    yield live
    await live.close()


def member(slug: str, role: Role, username: str = "ada") -> bytes:
    """Create a room member and return the session cookie header of a signed-in browser."""
    room, _ = Room.objects.get_or_create(slug=slug, defaults={"title": slug.title(), "kind": "lab"})
    user = User.objects.create_user(
        username, password="pw-Long-enough-1", first_name=username.title()
    )
    Membership.objects.create(room=room, user=user, role=role)
    browser = Client()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


class Peer:
    """One in-process websocket to a document, with a pycrdt replica of it."""

    def __init__(self, path: str, cookie: bytes | None = None, origin: tuple = ORIGIN) -> None:
        headers = [origin] + ([(b"cookie", cookie)] if cookie else [])
        self.socket = WebsocketCommunicator(application, path, headers=headers)
        self.doc = pycrdt.Doc()
        self.denied: list[str] = []
        self.replies: list[dict[str, Any]] = []

    async def join(self) -> Peer:
        connected, _ = await self.socket.connect(timeout=5)
        assert connected
        await self.socket.send_to(bytes_data=sync_step1_message(self.doc.get_state()))
        await self.pump(until_step2=True)
        return self

    async def pump(self, until_step2: bool = False, frames: int = 0) -> None:
        """Read frames into the replica: until the server's step 2, or `frames` of them."""
        seen = 0
        while True:
            message = await self.socket.receive_output(timeout=5)
            assert message["type"] == "websocket.send", message
            decoder = Decoder(message["bytes"])
            kind = decoder.read_var_uint()
            seen += 1
            if kind == MessageType.SYNC:
                step = decoder.read_var_uint()
                payload = decoder.read_message() or b""
                if step != SyncStep.STEP1:
                    self.doc.apply_update(payload)
                if step == SyncStep.STEP2 and until_step2:
                    return
            elif kind == MessageType.AUTH:
                decoder.read_var_uint()
                self.denied.append(decoder.read_var_string())
            elif kind == MessageType.APP:
                self.replies.append(json.loads(decoder.read_var_string()))
            if not until_step2 and seen >= frames:
                return

    async def closed_with(self) -> int:
        message = await self.socket.receive_output(timeout=5)
        while message["type"] == "websocket.send":
            message = await self.socket.receive_output(timeout=5)
        assert message["type"] == "websocket.close"
        return int(message["code"])


def note_update(text: str = "idea") -> bytes:
    doc = pycrdt.Doc()
    doc["objects"] = objects = pycrdt.Map()
    objects["n1"] = pycrdt.Map({"type": "note", "text": pycrdt.Text(text)})
    return doc.get_update()


async def test_two_members_edit_one_board(hub: Hub) -> None:
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    bob = await sync_to_async(member)("lab", Role.FACILITATOR, "bob")
    first = await Peer("/ws/rooms/lab/board", ada).join()
    second = await Peer("/ws/rooms/lab/board", bob).join()
    await first.socket.send_to(bytes_data=update_message(note_update("shared idea")))
    await second.pump(frames=1)
    assert str(second.doc.get("objects", type=pycrdt.Map)["n1"]["text"]) == "shared idea"
    [entry] = await hub.store.read("lab/board")
    assert entry.author.startswith("u")


async def test_a_writer_who_joins_has_the_structure_ready_before_writing(hub: Hub) -> None:
    """Its first update does not wait for the document to be read for its structure."""
    ada = await sync_to_async(member)("lab", Role.OBSERVER, "ada")
    await Peer("/ws/rooms/lab/board", ada).join()
    await asyncio.sleep(0.05)
    assert "lab/board" not in hub._structures, "an observer writes nothing"
    bob = await sync_to_async(member)("lab", Role.PARTICIPANT, "bob")
    await Peer("/ws/rooms/lab/board", bob).join()
    await until(lambda: "lab/board" in hub._structures)


async def test_the_board_counts_each_object_once_whoever_wrote_it(hub: Hub) -> None:
    """Writers record their own updates; the reader records the others' (those of other
    processes, or written before the structure was built)."""
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    bob = await sync_to_async(member)("lab", Role.PARTICIPANT, "bob")
    peers = [await Peer("/ws/rooms/lab/board", who).join() for who in (ada, bob)]
    for i in range(4):
        for index, peer in enumerate(peers):
            doc = pycrdt.Doc()
            doc["objects"] = objects = pycrdt.Map()
            objects[f"n{index}-{i}"] = pycrdt.Map({"type": "note"})
            await peer.socket.send_to(bytes_data=update_message(doc.get_update()))

    async def everyone_sees(count: int) -> None:
        for peer in peers:
            while len(peer.doc.get("objects", type=pycrdt.Map)) < count:
                await peer.pump(frames=1)

    await everyone_sees(8)
    elsewhere = pycrdt.Doc()  # then another process's writer
    elsewhere["objects"] = objects = pycrdt.Map()
    objects["from-elsewhere"] = pycrdt.Map({"type": "note"})
    await hub.store.append("lab/board", elsewhere.get_update(), "u-elsewhere")
    await everyone_sees(9)
    structure = await hub.structure("lab/board")
    await asyncio.sleep(0.05)  # the reader's last tick
    assert structure.live_keys("objects") == 9


@pytest.mark.parametrize(
    ("path", "who", "code"),
    [
        ("/ws/rooms/lab/board", None, CloseCode.UNAUTHENTICATED),
        ("/ws/rooms/elsewhere/board", "ada", CloseCode.NOT_FOUND),
        ("/ws/rooms/lab/secret", "ada", CloseCode.NOT_FOUND),
        ("/ws/rooms/other/board", "ada", CloseCode.FORBIDDEN),
        ("/ws/rooms/lab/board?token=forged", None, CloseCode.FORBIDDEN),
    ],
)
async def test_refused_sockets_are_closed_before_any_document_data(
    hub: Hub, path: str, who: str | None, code: int
) -> None:
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    await sync_to_async(Room.objects.create)(slug="other", title="Other")
    peer = Peer(path, cookie if who else None)
    connected, _ = await peer.socket.connect(timeout=5)
    assert connected
    first = await peer.socket.receive_output(timeout=5)
    assert first == {"type": "websocket.close", "code": code}


async def test_cross_origin_sockets_are_refused(hub: Hub) -> None:
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT)
    peer = Peer("/ws/rooms/lab/board", cookie, origin=(b"origin", b"https://evil.example"))
    connected, _ = await peer.socket.connect(timeout=5)
    assert not connected


async def test_invite_token_opens_a_socket_without_a_session(hub: Hub) -> None:
    room = await sync_to_async(Room.objects.create)(slug="open", title="Open")
    _, token = await sync_to_async(create_invite)(room, Role.OBSERVER)
    peer = await Peer(f"/ws/rooms/open/board?token={token}").join()
    await peer.socket.send_to(bytes_data=update_message(note_update()))
    await peer.pump(frames=1)
    assert peer.denied and await hub.store.read("open/board") == []


async def test_malformed_frame_closes_only_its_socket_and_persists_nothing(hub: Hub) -> None:
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    bob = await sync_to_async(member)("lab", Role.PARTICIPANT, "bob")
    bad = await Peer("/ws/rooms/lab/board", ada).join()
    good = await Peer("/ws/rooms/lab/board", bob).join()
    await bad.socket.send_to(bytes_data=b"\x00\x02\x06\xff\xff\xff\xff\xff\xff")
    assert await bad.closed_with() == CloseCode.MALFORMED
    assert await hub.store.read("lab/board") == []
    await good.socket.send_to(bytes_data=update_message(note_update("still fine")))
    await good.pump(frames=1)
    assert len(await hub.store.read("lab/board")) == 1


async def test_observer_writes_are_dropped_with_permission_denied(hub: Hub) -> None:
    cookie = await sync_to_async(member)("lab", Role.OBSERVER)
    peer = await Peer("/ws/rooms/lab/board", cookie).join()
    await peer.socket.send_to(bytes_data=sync_step2_message(note_update()))
    await peer.pump(frames=1)
    assert peer.denied == ["read-only: this change was not saved"]
    assert await hub.store.read("lab/board") == []


async def test_oversized_frames_and_floods_are_refused(hub: Hub, settings: Any) -> None:
    settings.WS_MAX_FRAME_BYTES = 64
    settings.WS_RATE_BURST = 5
    settings.WS_RATE_PER_SECOND = 1
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT)
    big = await Peer("/ws/rooms/lab/board", cookie).join()
    await big.socket.send_to(bytes_data=update_message(note_update("x" * 100)))
    assert await big.closed_with() == CloseCode.TOO_LARGE
    flood = await Peer("/ws/rooms/lab/board", cookie).join()
    for _ in range(6):
        await flood.socket.send_to(bytes_data=bytes([MessageType.QUERY_AWARENESS]))
    assert await flood.closed_with() == CloseCode.RATE_LIMITED


async def test_chat_is_written_by_the_server_only(hub: Hub) -> None:
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    peer = await Peer("/ws/rooms/lab/chat", cookie).join()
    await peer.socket.send_to(
        text_data=json.dumps({"type": "chat.send", "text": "Hello <b>all</b>"})
    )
    await peer.pump(frames=1)
    [message] = peer.doc.get("messages", type=pycrdt.Array).to_py()
    assert message["text"] == "Hello <b>all</b>" and message["author"] == "Ada"
    forged = pycrdt.Doc()
    forged.get("messages", type=pycrdt.Array).append({"author": "Bob", "text": "I owe Ada 100"})
    await peer.socket.send_to(bytes_data=update_message(forged.get_update()))
    await peer.pump(frames=1)
    assert peer.denied
    for text, code in [("   ", "empty"), ("x" * 2001, "too_long")]:
        await peer.socket.send_to(text_data=json.dumps({"type": "chat.send", "text": text}))
        await peer.pump(frames=1)
        assert peer.replies[-1]["code"] == code
    await peer.socket.send_to(text_data=json.dumps({"type": "chat.shout"}))
    await peer.pump(frames=1)
    assert peer.replies[-1]["code"] == "bad_command"
    assert len(await hub.store.read("lab/chat")) == 1


async def test_chat_rate_limit_and_observers(hub: Hub) -> None:
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    peer = await Peer("/ws/rooms/lab/chat", cookie).join()
    for i in range(6):
        await peer.socket.send_to(text_data=json.dumps({"type": "chat.send", "text": f"m{i}"}))
        await peer.pump(frames=1)
    assert peer.replies[-1]["code"] == "rate_limited"
    watcher = await sync_to_async(member)("lab", Role.OBSERVER, "obs")
    quiet = await Peer("/ws/rooms/lab/chat", watcher).join()
    await quiet.socket.send_to(text_data=json.dumps({"type": "chat.send", "text": "hi"}))
    await quiet.pump(frames=1)
    assert quiet.replies[-1]["code"] == "forbidden"


async def test_removed_member_is_disconnected(hub: Hub) -> None:
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    peer = await Peer("/ws/rooms/lab/board", cookie).join()
    await sync_to_async(Membership.objects.filter(user__username="ada").delete)()
    assert await peer.closed_with() == CloseCode.FORBIDDEN


async def test_history_survives_compaction_and_a_store_that_lost_everything(
    hub: Hub, settings: Any
) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 3}
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    peer = await Peer("/ws/rooms/lab/board", cookie).join()
    for i in range(5):
        doc = pycrdt.Doc()
        doc.get("objects", type=pycrdt.Map)[f"n{i}"] = i
        await peer.socket.send_to(bytes_data=update_message(doc.get_update()))
        await peer.pump(frames=1)
    await compact(hub.store, "lab/board")
    assert await hub.store.snapshot_upto("lab/board") is not None
    await peer.socket.disconnect()
    install_hub(Hub(MemoryRoomStore(), compact=False))  # the store lost everything
    fresh = await Peer("/ws/rooms/lab/board", cookie).join()
    assert fresh.doc.get("objects", type=pycrdt.Map).to_py() == {f"n{i}": i for i in range(5)}


async def test_a_reconnecting_clients_sync_reply_is_not_logged(hub: Hub) -> None:
    """The log is the recording: a sync reply that adds nothing enters it not at all."""
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    first = await Peer("/ws/rooms/lab/board", ada).join()
    await first.socket.send_to(bytes_data=update_message(note_update("gone soon")))
    await first.pump(frames=1)
    removal = pycrdt.Doc()
    removal.apply_update(first.doc.get_update())
    before = removal.get_state()
    del removal.get("objects", type=pycrdt.Map)["n1"]
    await first.socket.send_to(bytes_data=update_message(removal.get_update(before)))
    await first.pump(frames=1)
    again = await Peer("/ws/rooms/lab/board", ada).join()
    await again.socket.send_to(bytes_data=sync_step2_message(again.doc.get_update()))
    await first.socket.send_to(bytes_data=update_message(note_update("new")))
    await first.pump(frames=1)
    entries = await hub.store.read("lab/board")
    assert len(entries) == 3  # the note, its removal and the new note; not the sync reply


class SaturatedStore(MemoryRoomStore):
    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        raise StoreBusy("no connection free")


async def test_a_saturated_store_sheds_sockets_with_a_transient_code() -> None:
    saturated = Hub(SaturatedStore(), compact=False)
    install_hub(saturated)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    peer = Peer("/ws/rooms/lab/board", ada)
    connected, _ = await peer.socket.connect(timeout=5)
    assert connected
    assert await peer.closed_with() == CloseCode.BUSY == 4503
    await saturated.close()


class CountingSpends(MemoryRoomStore):
    """Counts quota calls, which wait while `answering` is clear."""

    def __init__(self) -> None:
        super().__init__()
        self.spends = 0
        self.answering = asyncio.Event()
        self.answering.set()

    async def spend(self, key: str, amount: int, limit: int, window_ms: int) -> bool:
        self.spends += 1
        await self.answering.wait()
        return await super().spend(key, amount, limit, window_ms)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110  (state of a store, not an event)
            await asyncio.sleep(0.01)


class GatedAppends(MemoryRoomStore):
    """Appends that wait until the test lets them through, noting what reached the store."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.arrived: list[bytes] = []
        self.fail = False

    async def append(
        self, doc: str, payload: bytes, author: str, digest: bytes = b"", origin: str = ""
    ) -> Entry:
        self.arrived.append(payload)
        await self.gate.wait()
        if self.fail:
            raise StoreBusy("Redis did not take the updates in time")
        return await super().append(doc, payload, author, digest, origin)


async def test_a_writers_updates_travel_together_in_order_and_boundedly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("boards.connection.APPENDS_IN_FLIGHT", 3)
    store = GatedAppends()
    gated = Hub(store, compact=False)
    install_hub(gated)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    writer = await Peer("/ws/rooms/lab/board", ada).join()
    updates = [note_update(f"idea {i}") for i in range(5)]
    for update in updates:
        await writer.socket.send_to(bytes_data=update_message(update))
    await until(lambda: len(store.arrived) == 3)
    await asyncio.sleep(0.05)
    assert store.arrived == updates[:3], "three under way while the store holds them back"
    store.gate.set()
    await until(lambda: len(store._streams[Topic("lab/board", "log")]) == 5)
    assert [e.payload for e in await store.read("lab/board")] == updates
    await gated.close()


async def test_an_update_the_store_fails_after_the_socket_read_on_closes_it() -> None:
    store = GatedAppends()
    store.fail = True
    gated = Hub(store, compact=False)
    install_hub(gated)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    writer = await Peer("/ws/rooms/lab/board", ada).join()
    await writer.socket.send_to(bytes_data=update_message(note_update("lost?")))
    await until(lambda: bool(store.arrived))
    store.gate.set()
    assert await writer.closed_with() == CloseCode.BUSY
    await gated.close()


async def test_small_writes_draw_on_a_quota_reserve() -> None:
    store = CountingSpends()
    counted = Hub(store, compact=False)
    install_hub(counted)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    writer = await Peer("/ws/rooms/lab/board", ada).join()
    for i in range(20):
        await writer.socket.send_to(bytes_data=update_message(note_update(f"idea {i}")))
        await writer.pump(frames=1)
    assert len(await store.read("lab/board")) == 20
    assert store.spends == 1, "a chunk of quota (kept for a few seconds) covers them"
    await counted.close()


async def test_a_writer_never_waits_for_the_quota_store_while_its_reserve_lasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Quota is taken when a writer joins and renewed in the background before the reserve
    runs out: with the store's answer held up, updates go on until the reserve is spent."""
    monkeypatch.setattr("boards.connection.QUOTA_CHUNK", 4096)
    monkeypatch.setattr("boards.connection.QUOTA_RENEW_BYTES", 1024)
    store = CountingSpends()
    counted = Hub(store, compact=False)
    install_hub(counted)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    writer = await Peer("/ws/rooms/lab/board", ada).join()
    await until(lambda: store.spends == 1)
    store.answering.clear()
    updates = [note_update(f"{i}" * 500) for i in range(8)]
    for update in updates:
        await writer.socket.send_to(bytes_data=update_message(update))
    await until(lambda: len(store._streams[Topic("lab/board", "log")]) == 7)
    await asyncio.sleep(0.05)
    assert len(await store.read("lab/board")) == 7, "the eighth waits for the renewal"
    assert store.spends == 2, "renewing since the reserve ran low, in the background"
    store.answering.set()
    await until(lambda: len(store._streams[Topic("lab/board", "log")]) == 8)
    assert store.spends == 2
    await counted.close()


async def test_write_quota_renewals_stop_at_the_limit(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr("boards.connection.QUOTA_CHUNK", 4096)
    settings.WRITE_BYTES_PER_MINUTE = 10_000
    store = CountingSpends()
    counted = Hub(store, compact=False)
    install_hub(counted)
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    writer = await Peer("/ws/rooms/lab/board", ada).join()
    for i in range(30):
        await writer.socket.send_to(bytes_data=update_message(note_update(f"{i}" * 500)))
        await writer.pump(frames=1)
        if refusals := [r["code"] for r in writer.replies if r["type"] == "board.error"]:
            break
    assert refusals == ["write_quota"]
    written = sum(len(entry.payload) for entry in await store.read("lab/board"))
    assert 10_000 - 2 * len(note_update("0" * 500)) < written <= 10_000
    await counted.close()


async def test_a_caught_up_socket_is_written_at_once_and_any_other_takes_the_full_path() -> None:
    written: list[Frame] = []
    ready = True

    def write_now(frame: Frame) -> bool:
        if ready:
            written.append(frame)
        return ready

    async def write(frame: Frame) -> None:
        raise AssertionError("not on this path")

    connection = DocumentConnection(
        Hub(MemoryRoomStore(), compact=False),
        "lab/board",
        cast(Any, None),
        "u1",
        write,
        write_now=write_now,
    )
    frame = Frame(b"update")
    assert not connection.deliver_now((5, 0), (6, 0), frame), "still joining"
    connection.cursor = (5, 0)
    assert not connection.deliver_now((5, 0), (6, 0), frame), "behind: it has the first entry"
    assert connection.deliver_now((5, 1), (6, 0), frame)
    assert written == [frame] and connection.cursor == (6, 0)
    ready = False
    assert not connection.deliver_now((7, 0), (8, 0), frame), "its writer cannot take it now"
    assert connection.cursor == (6, 0)


def room_map(peer: Peer) -> dict[str, Any]:
    return peer.doc.get("room", type=pycrdt.Map).to_py() or {}


async def room_sockets() -> tuple[Peer, Peer, Peer]:
    """Room-document sockets of a facilitator, a participant and an observer of room `lab`."""
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    participant = await sync_to_async(member)("lab", Role.PARTICIPANT, "pat")
    observer = await sync_to_async(member)("lab", Role.OBSERVER, "oli")
    return (
        await Peer("/ws/rooms/lab/room", facilitator).join(),
        await Peer("/ws/rooms/lab/room", participant).join(),
        await Peer("/ws/rooms/lab/room", observer).join(),
    )


async def test_room_commands_are_server_stamped_and_refused_with_a_code(hub: Hub) -> None:
    host, guest, watcher = await room_sockets()
    await host.socket.send_to(text_data=json.dumps({"type": "timer.start", "seconds": 90}))
    await guest.pump(frames=1)
    timer = room_map(guest)["timer"]
    assert timer["running"] is True and timer["durationMs"] == 90_000
    await guest.socket.send_to(text_data=json.dumps({"type": "board.lock", "locked": True}))
    while not guest.replies:
        await guest.pump(frames=1)
    assert guest.replies[-1]["type"] == "room.error"
    assert guest.replies[-1]["code"] == "forbidden"
    await guest.socket.send_to(text_data=json.dumps({"type": "hand.raise"}))
    while "hands" not in room_map(watcher):
        await watcher.pump(frames=1)
    pat = await sync_to_async(User.objects.get)(username="pat")
    assert list(room_map(watcher)["hands"]) == [f"u{pat.pk}"]
    await watcher.socket.send_to(text_data=json.dumps({"type": "hand.raise"}))
    while not watcher.replies:
        await watcher.pump(frames=1)
    assert watcher.replies[-1]["code"] == "forbidden"
    await host.socket.send_to(text_data=json.dumps({"type": "timer.start", "seconds": "soon"}))
    while not host.replies:
        await host.pump(frames=1)
    assert host.replies[-1]["code"] == "invalid"
    forged = pycrdt.Doc()
    forged.get("room", type=pycrdt.Map)["locked"] = True
    await guest.socket.send_to(bytes_data=update_message(forged.get_update()))
    while not guest.denied:
        await guest.pump(frames=1)
    entries = await hub.store.read("lab/room")
    assert len(entries) == 2, "the timer and the hand; not the forged lock"


async def test_a_locked_board_refuses_participants_and_keeps_facilitators_editing(
    hub: Hub,
) -> None:
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    participant = await sync_to_async(member)("lab", Role.PARTICIPANT, "pat")
    control = await Peer("/ws/rooms/lab/room", facilitator).join()
    host = await Peer("/ws/rooms/lab/board", facilitator).join()
    guest = await Peer("/ws/rooms/lab/board", participant).join()
    await control.socket.send_to(text_data=json.dumps({"type": "board.lock", "locked": True}))
    await control.pump(frames=1)
    await until(lambda: bool(hub.values("lab/room", "room").get("locked")))
    await guest.socket.send_to(bytes_data=update_message(note_update("sneaky")))
    await guest.pump(frames=2)
    assert guest.denied and guest.replies[-1] == {
        "type": "board.error",
        "code": "locked",
        "message": "The facilitator has locked the board for now: your change was not kept.",
    }
    assert await hub.store.read("lab/board") == [], "never stored, so never relayed"
    await host.socket.send_to(bytes_data=update_message(note_update("scaffold")))
    await guest.pump(frames=1)
    assert str(guest.doc.get("objects", type=pycrdt.Map)["n1"]["text"]) == "scaffold"
    await control.socket.send_to(text_data=json.dumps({"type": "board.lock", "locked": False}))
    await control.pump(frames=1)
    await until(lambda: not hub.values("lab/room", "room").get("locked"))
    await guest.socket.send_to(bytes_data=update_message(note_update("open again")))
    store = hub.store
    assert isinstance(store, MemoryRoomStore)
    await until(lambda: len(store._streams[Topic("lab/board", "log")]) == 2)


async def command(peer: Peer, body: dict[str, Any]) -> dict[str, Any]:
    """Send a room command and return the next type-100 reply to it."""
    replies = len(peer.replies)
    await peer.socket.send_to(text_data=json.dumps(body))
    while len(peer.replies) == replies:
        await peer.pump(frames=1)
    return peer.replies[-1]


async def test_dot_votes_stay_private_until_the_results(hub: Hub) -> None:
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    participant = await sync_to_async(member)("lab", Role.PARTICIPANT, "pat")
    host = await Peer("/ws/rooms/lab/room", facilitator).join()
    voter = await Peer("/ws/rooms/lab/room", participant).join()
    board = await Peer("/ws/rooms/lab/board", facilitator).join()
    await board.socket.send_to(bytes_data=update_message(private_note("a")))
    await until(lambda: bool(hub.entry("lab/board", "objects", "note-a")))
    await host.socket.send_to(text_data=json.dumps({"type": "vote.start", "budget": 2}))
    while not room_map(voter).get("vote"):
        await voter.pump(frames=1)
    vote = room_map(voter)["vote"]
    assert vote["open"] is True and vote["results"] is None
    cast = {"type": "vote.cast", "objectId": "note-a"}
    missing = await command(voter, {**cast, "objectId": "note-gone"})
    assert missing["message"] == "There is no such object on the board."
    assert await command(voter, cast) == {"type": "vote.mine", "votes": {"note-a": 1}, "left": 1}
    assert (await command(voter, cast))["left"] == 0
    assert (await command(voter, cast))["code"] == "over_budget"
    retract = {"type": "vote.retract", "objectId": "note-a"}
    assert await command(voter, retract) == {"type": "vote.mine", "votes": {"note-a": 1}, "left": 1}
    assert (await command(voter, {**retract, "objectId": "note-b"}))["code"] == "invalid"
    assert "note-a" not in json.dumps(room_map(voter)), "no shared document holds a vote"
    again = Peer("/ws/rooms/lab/room", participant)
    await again.join()
    while not again.replies:
        await again.pump(frames=1)
    assert again.replies[-1] == {"type": "vote.mine", "votes": {"note-a": 1}, "left": 1}
    await host.socket.send_to(text_data=json.dumps({"type": "vote.end"}))
    while room_map(voter)["vote"]["open"]:
        await voter.pump(frames=1)
    assert room_map(voter)["vote"]["results"] == {"note-a": 1}
    assert await hub.store.vote_results(f"lab/{vote['id']}") == {}, "no record of who voted"
    assert (await command(voter, cast))["code"] == "closed"


async def test_observers_cannot_celebrate_and_follow_me_is_a_boolean(hub: Hub) -> None:
    host, guest, watcher = await room_sockets()
    assert (await command(watcher, {"type": "celebrate"}))["code"] == "forbidden"
    view = {"x": 10, "y": 20, "zoom": 1}
    summon = {"type": "spotlight.summon", "view": view, "follow": "please"}
    assert (await command(host, summon))["code"] == "invalid"
    await guest.socket.send_to(text_data=json.dumps({"type": "celebrate"}))
    await host.socket.send_to(text_data=json.dumps({**summon, "follow": True}))
    while not {"celebration", "spotlight"} <= set(room_map(watcher)):
        await watcher.pump(frames=1)
    pat = await sync_to_async(lambda: f"u{User.objects.get(username='pat').pk}")()
    assert room_map(watcher)["celebration"]["by"] == pat
    assert room_map(watcher)["spotlight"]["follow"] is True
    assert len(await hub.store.read("lab/room")) == 2, "nothing of the refused commands"


def objects(peer: Peer) -> dict[str, Any]:
    return peer.doc.get("objects", type=pycrdt.Map).to_py() or {}


def private_note(text: str) -> bytes:
    doc = pycrdt.Doc()
    doc["objects"] = notes = pycrdt.Map()
    notes[f"note-{text}"] = pycrdt.Map(
        {"type": "note", "x": 5.0, "y": 6.0, "text": pycrdt.Text(text), "author": text.title()}
    )
    return doc.get_update()


@pytest.mark.parametrize("anonymous", [False, True])
async def test_private_notes_reach_nobody_until_the_reveal_moves_them_onto_the_board(
    hub: Hub, anonymous: bool
) -> None:
    await sync_to_async(Room.objects.create)(
        slug="lab", title="Lab", kind="lab", anonymous=anonymous
    )
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    bob = await sync_to_async(member)("lab", Role.PARTICIPANT, "bob")
    control = await Peer("/ws/rooms/lab/room", facilitator).join()
    board = await Peer("/ws/rooms/lab/board", facilitator).join()
    await control.socket.send_to(text_data=json.dumps({"type": "private.start"}))
    while not room_map(control).get("private"):
        await control.pump(frames=1)
    ada_private = await Peer("/ws/rooms/lab/private", ada).join()
    bob_private = await Peer("/ws/rooms/lab/private", bob).join()
    await ada_private.socket.send_to(bytes_data=update_message(private_note("ada")))
    await bob_private.socket.send_to(bytes_data=update_message(private_note("bob")))
    ada_id, bob_id = [
        await sync_to_async(lambda who=who: f"u{User.objects.get(username=who).pk}")()
        for who in ("ada", "bob")
    ]
    store = hub.store
    assert isinstance(store, MemoryRoomStore)

    def wrote(person: str) -> Callable[[], bool]:
        return lambda: bool(store._streams.get(Topic(f"lab/private.{person}", "log")))

    for person in (ada_id, bob_id):
        await until(wrote(person))
    assert set(objects(ada_private)) <= {"note-ada"} and "note-bob" not in objects(ada_private)
    spy = await Peer("/ws/rooms/lab/private", facilitator).join()
    assert objects(spy) == {} and objects(board) == {}, "nobody else reads a private note"
    ada_control = await Peer("/ws/rooms/lab/room", ada).join()
    refused = await command(ada_control, {"type": "private.reveal"})
    assert refused["code"] == "forbidden"
    stored = await load_document(hub.store, "lab/board")
    assert stored.doc.get("objects", type=pycrdt.Map).to_py() == {}, "a participant reveals nothing"
    kept = await load_document(hub.store, f"lab/private.{ada_id}")
    assert "note-ada" in kept.doc.get("objects", type=pycrdt.Map).to_py()
    await control.socket.send_to(text_data=json.dumps({"type": "private.reveal"}))
    while set(objects(board)) != {"note-ada", "note-bob"}:
        await board.pump(frames=1)
    revealed = objects(board)["note-ada"]
    assert revealed["text"] == "ada" and (revealed["x"], revealed["y"]) == (5.0, 6.0)
    expected = ("", "") if anonymous else ("Ada", ada_id)
    assert (revealed["author"], revealed["authorId"]) == expected
    while room_map(control).get("private"):  # the reveal's last step
        await control.pump(frames=1)
    for person in (ada_id, bob_id):
        left = await load_document(store, f"lab/private.{person}")
        assert left.doc.get("objects", type=pycrdt.Map).to_py() == {}, "private documents emptied"


async def test_breakout_groups_get_frames_on_the_board_and_threads_of_their_own(
    hub: Hub,
) -> None:
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    bob = await sync_to_async(member)("lab", Role.PARTICIPANT, "bob")
    ada_id, bob_id = [
        await sync_to_async(lambda who=who: f"u{User.objects.get(username=who).pk}")()
        for who in ("ada", "bob")
    ]
    host = await Peer("/ws/rooms/lab/room", facilitator).join()
    board = await Peer("/ws/rooms/lab/board", facilitator).join()
    ada_chat = await Peer("/ws/rooms/lab/chat", ada).join()
    bob_chat = await Peer("/ws/rooms/lab/chat", bob).join()
    groups = [{"title": "Sound", "members": [ada_id]}, {"members": [bob_id]}]
    await host.socket.send_to(text_data=json.dumps({"type": "breakouts.start", "groups": groups}))
    while not room_map(host).get("breakouts"):
        await host.pump(frames=1)
    made = room_map(host)["breakouts"]["groups"]
    assert [(g["title"], g["members"]) for g in made] == [
        ("Sound", [ada_id]),
        ("Group 2", [bob_id]),
    ]
    while set(objects(board)) != {g["frame"] for g in made}:
        await board.pump(frames=1)
    frames = [objects(board)[g["frame"]] for g in made]
    assert [(f["type"], f["title"]) for f in frames] == [("frame", "Sound"), ("frame", "Group 2")]
    assert frames[0]["x"] + frames[0]["w"] < frames[1]["x"], "side by side, apart"
    ada_thread, bob_thread = made[0]["id"], made[1]["id"]
    send = {"type": "chat.send", "text": "our idea", "thread": ada_thread}
    await ada_chat.socket.send_to(text_data=json.dumps(send))
    while not ada_chat.doc.get("messages", type=pycrdt.Array).to_py():
        await ada_chat.pump(frames=1)
    [message] = ada_chat.doc.get("messages", type=pycrdt.Array).to_py()
    assert (message["thread"], message["text"]) == (ada_thread, "our idea")
    await bob_chat.socket.send_to(text_data=json.dumps({**send, "text": "sneaking in"}))
    while not bob_chat.replies:
        await bob_chat.pump(frames=1)
    assert bob_chat.replies[-1] == {
        "type": "chat.error",
        "code": "forbidden",
        "message": "That thread belongs to another group.",
    }
    await host.socket.send_to(text_data=json.dumps({"type": "breakouts.end"}))
    while room_map(host).get("breakouts"):
        await host.pump(frames=1)
    await bob_chat.socket.send_to(text_data=json.dumps({**send, "thread": bob_thread}))
    while len(bob_chat.replies) < 2:
        await bob_chat.pump(frames=1)
    assert bob_chat.replies[-1]["code"] == "closed"
    assert set(objects(board)) == {g["frame"] for g in made}, "the groups' work stays"
    assert len(await hub.store.read("lab/chat")) == 1


async def test_a_phase_reveals_private_notes_splits_the_room_and_opens_its_vote(
    hub: Hub,
) -> None:
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    ada = await sync_to_async(member)("lab", Role.PARTICIPANT, "ada")
    ada_id = await sync_to_async(lambda: f"u{User.objects.get(username='ada').pk}")()
    host = await Peer("/ws/rooms/lab/room", facilitator).join()
    board = await Peer("/ws/rooms/lab/board", facilitator).join()
    scaffold = pycrdt.Doc()
    scaffold["objects"] = frames = pycrdt.Map()
    box = {"x": 1000.0, "y": 1000.0, "w": 300.0, "h": 200.0}
    frames["fr"] = pycrdt.Map({"type": "frame", **box, "title": pycrdt.Text("Ideas")})
    await board.socket.send_to(bytes_data=update_message(scaffold.get_update()))
    agenda = [
        {
            "id": "ideas",
            "title": "Ideas",
            "minutes": 5,
            "tools": {"private": True, "anonymous": True},
            "frame": "fr",
        },
        {"id": "groups", "title": "Groups", "minutes": 5, "tools": {"breakouts": {"count": 2}}},
        {"id": "vote", "title": "Vote", "minutes": 5, "tools": {"vote": {"budget": 2}}},
    ]
    for body in ({"type": "agenda.set", "agenda": agenda}, {"type": "phase.go", "id": "ideas"}):
        await host.socket.send_to(text_data=json.dumps(body))
    while not room_map(host).get("private"):
        await host.pump(frames=1)
    ada_private = await Peer("/ws/rooms/lab/private", ada).join()
    await ada_private.socket.send_to(bytes_data=update_message(private_note("ada")))
    await until(lambda: bool(hub.store._streams.get(Topic(f"lab/private.{ada_id}", "log"))))  # type: ignore[attr-defined]
    go = {"type": "phase.go", "id": "groups", "people": [ada_id]}
    await host.socket.send_to(text_data=json.dumps(go))
    while not room_map(host).get("breakouts"):
        await host.pump(frames=1)
        assert not host.replies, host.replies
    state = room_map(host)
    assert state["private"] is False and state["phase"] == "groups"
    groups = state["breakouts"]["groups"]
    assert sorted(len(g["members"]) for g in groups) == [0, 1] and not state["breakouts"]["pick"]
    while not {"note-ada", *(g["frame"] for g in groups)} <= set(objects(board)):
        await board.pump(frames=1)
    note, frame = objects(board)["note-ada"], objects(board)["fr"]
    assert (note["x"], note["y"]) == (1024.0, 1064.0), "revealed into the phase's frame"
    assert (note["author"], note["authorId"]) == ("", ""), "an anonymous phase names nobody"
    assert (frame["w"], frame["h"]) == (300.0, 1064.0 + 160.0 + 24.0 - 1000.0), "which grew"
    await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": "vote"}))
    while room_map(host).get("breakouts"):
        await host.pump(frames=1)
    assert room_map(host)["vote"]["open"] and room_map(host)["vote"]["budget"] == 2
