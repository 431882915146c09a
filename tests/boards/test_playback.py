"""The time index of playback: a document at any moment is exactly the updates up to it,
across keyframes written by compaction and with the newest still only in the store."""

from __future__ import annotations

import asyncio
from typing import Any

import pycrdt
import pytest

from boards.compaction import compact
from boards.lib0 import Reader
from boards.models import DocumentKeyframe
from boards.playback import EMPTY_UPDATE, Window, encode_updates, moments, state_at, updates_in
from boards.store import Entry
from boards.store.memory import MemoryRoomStore

pytestmark = pytest.mark.django_db(transaction=True)


def objects_of(*updates: bytes) -> dict[str, Any]:
    doc: pycrdt.Doc = pycrdt.Doc()
    for update in updates:
        doc.apply_update(update)
    return doc.get("objects", type=pycrdt.Map).to_py() or {}


async def written(store: MemoryRoomStore, count: int, compact_every: int) -> list[Entry]:
    """`count` edits of one board by two authors (new notes, moves, deletions), a few per
    millisecond, compacted every `compact_every` edits."""
    doc: pycrdt.Doc = pycrdt.Doc()
    objects = doc.get("objects", type=pycrdt.Map)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    entries: list[Entry] = []
    for i in range(count):
        if i % 7 == 6:
            del objects[min(objects.keys())]
        elif i % 3 == 2:
            objects[f"n{i - 1}"] = {"x": i}
        else:
            objects[f"n{i}"] = {"x": i, "text": f"note {i}"}
        entries.append(await store.append("lab/board", updates[-1], f"u{i % 2}"))
        if i % 5 == 4:
            await asyncio.sleep(0.002)
        if i % compact_every == compact_every - 1:
            await compact(store, "lab/board")
    return entries


async def test_a_moment_is_exactly_the_updates_up_to_it(settings: Any) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 20}
    store = MemoryRoomStore()
    entries = await written(store, 230, compact_every=25)
    assert await DocumentKeyframe.objects.filter(doc="lab/board").acount() >= 5
    assert 0 < len(await store.read("lab/board")) < len(entries), "part is only in the store"
    times = sorted({e.time_ms for e in entries})
    moments_of_interest = [times[0] - 1, *times[::3], times[-1], times[-1] + 1000]
    keyframes = {bytes(k.state) async for k in DocumentKeyframe.objects.filter(doc="lab/board")}
    for moment in moments_of_interest:
        expected = objects_of(*(e.payload for e in entries if e.time_ms <= moment))
        assert objects_of(await state_at(store, "lab/board", moment)) == expected, moment
        [parts] = await moments(store, ["lab/board"], moment)
        assert objects_of(*parts) == expected, moment
        # A keyframe goes out as stored, the updates after it as one.
        assert len(parts) == 1 or (len(parts) == 2 and parts[0] in keyframes), moment
    later = await moments(store, ["lab/board"], times[-1])
    assert len(later[0]) == 2, "the newest keyframe, then what came after it"


async def test_before_anything_was_written_a_document_is_empty() -> None:
    store = MemoryRoomStore()
    assert await state_at(store, "lab/chat", 1) == EMPTY_UPDATE
    assert await moments(store, ["lab/chat", "lab/room"], 1) == [[EMPTY_UPDATE], [EMPTY_UPDATE]]


async def test_spans_of_updates_continue_without_gaps_or_repeats(settings: Any) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 20}
    store = MemoryRoomStore()
    entries = await written(store, 120, compact_every=25)
    start, end = entries[10].time_ms, entries[-5].time_ms
    wanted = [e.id for e in entries if start < e.time_ms <= end]
    got: list[str] = []
    cursor, answers = start, 0
    while True:
        span = await updates_in(store, "lab/board", cursor, end, max_updates=7)
        got += [e.id for e in span.entries]
        answers += 1
        if span.next_ms is None:
            break
        assert len(span.entries) <= 7 and span.next_ms > cursor
        cursor = span.next_ms
    assert got == wanted and answers > 10
    base = await state_at(store, "lab/board", start)
    assert objects_of(base, *(e.payload for e in entries if e.id in set(got))) == objects_of(
        await state_at(store, "lab/board", end)
    )


def test_the_playback_format_is_count_then_time_author_and_update() -> None:
    entries = [Entry("1005-0", b"\x01\x02", "u7", 1005), Entry("1300-1", b"", "u8", 1300)]
    pseudonyms = {"u7": "person-1", "u8": "person-2"}
    encoded = encode_updates(entries, 1000, pseudonyms.__getitem__)
    reader = Reader(encoded)
    assert reader.var_uint() == 2
    assert (reader.var_uint(), reader.var_string(), reader.var_bytes()) == (
        5,
        "person-1",
        b"\x01\x02",
    )
    assert reader.var_uint() == 300
    assert reader.var_string() == "person-2"
    assert reader.var_bytes() == b"" and reader.done()


def test_a_window_clamps_times_into_the_recording() -> None:
    window = Window(1, "lab", False, 1000, 5000)
    assert [window.clamp(t) for t in (-5, 0, 1234, 4000, 9999)] == [0, 0, 1234, 4000, 4000]
