"""History is never thrown away: compaction archives and trims, playback still sees it all."""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest

from boards.archive import archived_history
from boards.compaction import compact
from boards.documents import load_document
from boards.history import document_history
from boards.joins import JoinState
from boards.store import START, Entry
from boards.store.memory import MemoryRoomStore

pytestmark = pytest.mark.django_db(transaction=True)


def change(key: str, value: int) -> bytes:
    doc = pycrdt.Doc()
    doc.get("objects", type=pycrdt.Map)[key] = value
    return doc.get_update()


async def test_compaction_keeps_every_update_with_author_and_time(settings: Any) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 4}
    store = MemoryRoomStore()
    appended = []
    for round_ in range(3):
        for i in range(5):
            appended.append(await store.append("lab/board", change(f"k{round_}{i}", i), f"u{i}"))
        await compact(store, "lab/board")
    assert len(await store.read("lab/board")) < len(appended), "the store was trimmed"
    history = await document_history(store, "lab/board")
    assert [(e.id, e.author, e.payload) for e in history] == [
        (e.id, e.author, e.payload) for e in appended
    ]
    replayed = pycrdt.Doc()
    for entry in history:
        replayed.apply_update(entry.payload)
    loaded = await load_document(store, "lab/board")
    assert (
        replayed.get("objects", type=pycrdt.Map).to_py()
        == loaded.doc.get("objects", type=pycrdt.Map).to_py()
    )
    assert len(loaded.doc.get("objects", type=pycrdt.Map)) == 15


async def test_history_includes_what_compaction_has_not_archived_yet() -> None:
    store = MemoryRoomStore()
    first = await store.append("lab/chat", change("a", 1), "u1")
    await compact(store, "lab/chat")
    second = await store.append("lab/chat", change("b", 2), "u2")
    assert [e.id for e in await document_history(store, "lab/chat")] == [first.id, second.id]


async def test_a_keyframe_from_the_held_state_never_outruns_the_archive(settings: Any) -> None:
    """A process that keeps a document current for joins gives compaction its keyframe; an
    entry that lands while compaction runs is in that keyframe, so it is archived too."""
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 3}
    store = MemoryRoomStore()
    for i in range(3):
        await store.append("lab/board", change(f"k{i}", i), "u1")
    loaded = await load_document(store, "lab/board")
    held = JoinState(loaded.doc, loaded.upto)
    asked = []

    def current(name: str) -> JoinState:
        asked.append(name)
        return held

    async def write_during_compaction(name: str, payload: bytes, author: str) -> Entry:
        entry = await MemoryRoomStore.append(store, name, payload, author)
        held.advance([entry], payload)
        return entry

    late = change("late", 9)
    original_read = store.read

    async def read(doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        found = await original_read(doc, after, limit)
        if not asked:  # the first read of the round: then someone writes
            await write_during_compaction(doc, late, "u2")
        return found

    store.read = read  # type: ignore[method-assign]
    await compact(store, "lab/board", current)
    assert asked == ["lab/board"]
    assert await store.snapshot_upto("lab/board") == held.upto
    history = await document_history(store, "lab/board")
    assert [e.payload for e in history][-1] == late
    assert len(history) == 4
    assert [e.id for e in await archived_history("lab/board")] == [e.id for e in history]
