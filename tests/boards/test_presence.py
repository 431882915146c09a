"""Presence: each client id belongs to the socket that introduced it, within bounds, and
changes go out in one batch a tick; the fan-out tick itself."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from boards.hub import FANOUT_TICK_MAX_SECONDS, FANOUT_TICK_SECONDS, Hub, _pause
from boards.lib0 import Reader
from boards.presence import Presence
from boards.protocol import AwarenessEntry, MessageType, decode_awareness
from boards.store import PRESENCE_MAX_STATES, Entry, PresenceChange
from boards.store.memory import MemoryRoomStore
from boards.structure import ID
from boards.transport import Frame


def state(x: int) -> dict:
    return {"cursor": {"x": x, "y": 0}}


def test_a_socket_keeps_its_own_ids_and_cannot_touch_others() -> None:
    table = Presence()
    mine = table.admit("alice", [AwarenessEntry(1, 1, state(1))], now_ms=0)
    table.apply("alice", mine, now_ms=0)
    forged = [AwarenessEntry(1, 9, state(9)), AwarenessEntry(1, 10, None)]
    assert table.admit("mallory", forged, now_ms=10) == []
    table.apply("mallory", forged, now_ms=10)  # even from another process's stream
    assert table.states[1].entry.state == state(1)
    assert table.departures("alice") == [AwarenessEntry(1, 2, None)]


def test_a_socket_owns_at_most_two_ids_and_left_ids_stay_gone() -> None:
    table = Presence()
    many = [AwarenessEntry(i, 1, state(i)) for i in range(10)]
    accepted = table.admit("bob", many, now_ms=0)
    assert [e.client_id for e in accepted] == [0, 1]
    table.apply("bob", accepted, now_ms=0)
    table.apply("bob", [AwarenessEntry(0, 2, None)], now_ms=5)
    assert table.admit("eve", [AwarenessEntry(0, 3, state(0))], now_ms=6) == []


def test_a_room_holds_a_bounded_number_of_states_and_forgets_stale_ones() -> None:
    table = Presence()
    for owner in range(PRESENCE_MAX_STATES + 20):
        table.apply(str(owner), table.admit(str(owner), [AwarenessEntry(owner, 1, state(1))], 0), 0)
    assert len(table.states) == PRESENCE_MAX_STATES
    assert table.encoded(now_ms=31_000) is None


class CountingStore(MemoryRoomStore):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []

    async def publish_presence(self, changes: Sequence[PresenceChange]) -> list[Entry]:
        self.batches.append(len(changes))
        return await super().publish_presence(changes)


@pytest.mark.django_db(transaction=True)
async def test_presence_is_coalesced_and_published_once_a_tick() -> None:
    store = CountingStore()
    hub = Hub(store, compact=False)
    watcher = Watcher("w", "r/board")
    await hub.attach(watcher)
    for owner in ("a", "b"):
        await hub.attach(Watcher(owner, "r/board"))
    for step in range(1, 31):  # 30 moves of two people within one tick
        for owner, client_id in (("a", 1), ("b", 2)):
            hub.take_presence(owner, "r/board", [AwarenessEntry(client_id, step, state(step))])
    await asyncio.wait_for(watcher.seen.wait(), 5)
    assert store.batches == [2], "one store call for the tick, one change per person"
    seen = {e.client_id: e for frame in watcher.frames for e in awareness_entries(frame)}
    assert {k: v.state for k, v in seen.items()} == {1: state(30), 2: state(30)}
    await hub.close()


class Watcher:
    """A subscriber that records the awareness frames it is sent."""

    def __init__(self, ident: str, doc_name: str) -> None:
        self.id = ident
        self.doc_name = doc_name
        self.frames: list[bytes] = []
        self.seen = asyncio.Event()

    def deliver_now(self, first: ID, last: ID, frame: Frame) -> bool:
        return True

    async def deliver_updates(self, entries: list[Entry], frame: Frame) -> None:
        del entries, frame

    async def deliver_awareness(self, frame: Frame) -> None:
        self.frames.append(frame.data)
        self.seen.set()


def awareness_entries(message: bytes) -> list[AwarenessEntry]:
    reader = Reader(message)
    assert reader.var_uint() == MessageType.AWARENESS
    return decode_awareness(reader.var_bytes())


def test_the_fan_out_tick_stretches_while_busy_and_is_bounded() -> None:
    assert _pause(0.002) == pytest.approx(FANOUT_TICK_SECONDS - 0.002), "idle: the rest of a tick"
    assert _pause(0.02) == pytest.approx(0.04), "busy: twice as long as the fan-out took"
    assert _pause(5.0) == FANOUT_TICK_MAX_SECONDS
