"""Shared joins: concurrent joins load a document once and share its encoded state."""

from __future__ import annotations

import asyncio

import pycrdt
import pytest

from boards.joins import EMPTY_STATE_VECTOR, PENDING_KEPT, Joins
from boards.protocol import sync_step2_message
from boards.store import Entry, Snapshot
from boards.store.memory import MemoryRoomStore

pytestmark = pytest.mark.django_db(transaction=True)  # a document without a keyframe looks in SQL


class CountingStore(MemoryRoomStore):
    """Counts loads, and holds each one until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0
        self.release = asyncio.Event()

    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        self.loads += 1
        found = await super().load(doc)
        await asyncio.wait_for(self.release.wait(), 5)
        return found


def note(doc: pycrdt.Doc, name: str) -> bytes:
    before = doc.get_state()
    doc.get("objects", type=pycrdt.Map)[name] = pycrdt.Map({"type": "note"})
    return doc.get_update(before)


async def test_a_join_storm_loads_once_and_encodes_the_document_once() -> None:
    store = CountingStore()
    writer = pycrdt.Doc()
    await store.append("r/board", note(writer, "n1"), "u1")
    joins = Joins(store)
    storm = [asyncio.create_task(joins.get("r/board")) for _ in range(200)]
    await asyncio.sleep(0)
    store.release.set()
    states = await asyncio.wait_for(asyncio.gather(*storm), 5)
    assert store.loads == 1 and len({id(s) for s in states}) == 1
    whole = states[0].answer(EMPTY_STATE_VECTOR)
    assert whole is states[0].answer(EMPTY_STATE_VECTOR), "encoded once per version"
    assert whole.data == sync_step2_message(writer.get_update())
    assert (await joins.get("r/board")) is states[0] and store.loads == 1


async def test_entries_that_land_during_the_load_and_after_it_are_applied() -> None:
    store = CountingStore()
    writer = pycrdt.Doc()
    await store.append("r/board", note(writer, "n1"), "u1")
    joins = Joins(store)
    loading = asyncio.create_task(joins.get("r/board"))
    await asyncio.sleep(0)
    during = await store.append("r/board", note(writer, "n2"), "u1")
    joins.advance("r/board", [during], during.payload)
    store.release.set()
    state = await asyncio.wait_for(loading, 5)
    before = state.answer(EMPTY_STATE_VECTOR)
    after = await store.append("r/board", note(writer, "n3"), "u1")
    joins.advance("r/board", [after], after.payload)
    assert state.upto == after.id
    assert set(state.doc.get("objects", type=pycrdt.Map).keys()) == {"n1", "n2", "n3"}
    assert state.answer(EMPTY_STATE_VECTOR) is not before
    joins.drop("r/board")
    store.release.clear()
    reload = asyncio.create_task(joins.get("r/board"))
    await asyncio.sleep(0)
    store.release.set()
    assert (await asyncio.wait_for(reload, 5)) is not state and store.loads == 2


async def test_new_entries_wait_until_the_document_is_read_and_their_number_is_bounded() -> None:
    store = MemoryRoomStore()
    writer = pycrdt.Doc()
    await store.append("lab/board", note(writer, "first"), "u1")
    joins = Joins(store)
    state = await joins.get("lab/board")
    engine_calls = 0
    real_apply = state._doc.apply_update

    def counted_apply(update: bytes) -> None:
        nonlocal engine_calls
        engine_calls += 1
        real_apply(update)

    state._doc.apply_update = counted_apply  # type: ignore[method-assign]
    for i in range(PENDING_KEPT * 2 + 3):
        entry = await store.append("lab/board", note(writer, f"n{i}"), "u1")
        joins.advance("lab/board", [entry], entry.payload)
    assert engine_calls == 2, "applied once per PENDING_KEPT reads while nobody looks"
    assert len(state.doc.get("objects", type=pycrdt.Map)) == PENDING_KEPT * 2 + 4
    assert engine_calls == 3
    assert state.upto == entry.id
