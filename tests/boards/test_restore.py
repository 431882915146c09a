"""Restoring a board from its history, without Redis: what was deleted lately comes back, or
the whole board goes back to a moment, written as one update other replicas converge to."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pycrdt
import pytest

from boards import room_commands
from boards.compaction import compact
from boards.documents import load_document
from boards.history import HistoryTooLong, history_since
from boards.hub import Hub
from boards.restore import Restored, board_at, deleted_since, restore
from boards.room import Actor, RoomRejected, current, restore_point, run
from boards.room_commands import restore_board
from boards.store import Entry
from boards.store.memory import MemoryRoomStore

T0 = 1_760_000_000_000
MINUTE = 60_000
FACILITATOR = Actor("u1", facilitator=True, writer=True)
PARTICIPANT = Actor("u2", facilitator=False, writer=True)


def note(text: str, **fields: Any) -> pycrdt.Map:
    return pycrdt.Map(
        {
            "type": "note",
            "x": 10.0,
            "y": 20.0,
            "color": "yellow",
            "text": pycrdt.Text(text),
            "reactions": pycrdt.Map(),
            **fields,
        }
    )


class Board:
    """A board's history made by hand: each change is one update taken at a server time."""

    def __init__(self) -> None:
        self.doc: pycrdt.Doc = pycrdt.Doc()
        self.objects = self.doc.get("objects", type=pycrdt.Map)
        self.entries: list[Entry] = []

    def at(self, minute: float, change: Callable[[pycrdt.Map], object]) -> None:
        before = self.doc.get_state()
        with self.doc.transaction():
            change(self.objects)
        ms = T0 + int(minute * MINUTE)
        entry_id = f"{ms}-{len(self.entries)}"
        self.entries.append(Entry(entry_id, self.doc.get_update(before), "u2", ms))

    def live(self) -> pycrdt.Doc:
        """The board as the server holds it now (every update applied)."""
        doc: pycrdt.Doc = pycrdt.Doc()
        doc.apply_update(self.doc.get_update())
        return doc


def plain(doc: pycrdt.Doc) -> dict[str, Any]:
    return doc.get("objects", type=pycrdt.Map).to_py() or {}


def delete(*keys: str) -> Callable[[pycrdt.Map], None]:
    def change(objects: pycrdt.Map) -> None:
        for key in keys:
            del objects[key]

    return change


def accident() -> Board:
    """Notes a to d made at minute 0 and edited; d deleted at minute 2; a and b deleted
    together at minute 30, e made and deleted at minutes 31 and 32."""
    board = Board()
    board.at(0, lambda o: o.update({k: note(k) for k in "abcd"}))
    board.at(1, lambda o: (o["a"]["text"].insert(1, " one"), o["a"].update({"x": 99.0})))
    board.at(2, delete("d"))
    board.at(20, lambda o: o["b"]["reactions"].update({"u3 👍": 1.0}))
    board.at(30, delete("a", "b"))
    board.at(31, lambda o: o.update({"e": note("made late")}))
    board.at(32, delete("e"))
    return board


def test_what_was_deleted_in_the_last_minutes_comes_back_as_it_was_before_deletion() -> None:
    board = accident()
    now = T0 + 35 * MINUTE
    wanted = deleted_since(b"", board.entries, now - 10 * MINUTE)
    assert set(wanted) == {"a", "b", "e"}, "not d: it went before the window"
    wider = deleted_since(b"", board.entries, T0 + 5 * MINUTE)
    assert wider == wanted, "edits made inside the window (b's reaction) are kept"
    live = board.live()
    assert restore(live, wanted, whole=False, max_objects=100) == Restored(restored=3)
    objects = plain(live)
    assert set(objects) == {"a", "b", "c", "e"}
    assert objects["a"]["text"] == "a one" and objects["a"]["x"] == 99.0
    assert objects["b"]["reactions"] == {"u3 👍": 1.0}
    assert objects["e"]["text"] == "made late"
    assert objects["c"] == note_plain("c"), "what was not deleted is left as it is"


def note_plain(text: str) -> dict[str, Any]:
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.get("objects", type=pycrdt.Map)["n"] = note(text)
    return plain(doc)["n"]


def test_the_restore_is_one_update_every_replica_converges_to() -> None:
    board = accident()
    live = board.live()
    replica: pycrdt.Doc = pycrdt.Doc()
    replica.apply_update(live.get_update())
    before = live.get_state()
    restore(live, deleted_since(b"", board.entries, T0 + 25 * MINUTE), False, 100)
    replica.apply_update(live.get_update(before))
    assert plain(replica) == plain(live)
    assert set(plain(replica)) == {"a", "b", "c", "e"}


def test_an_edit_made_with_a_deletion_is_kept_when_its_object_goes_later() -> None:
    board = Board()
    board.at(0, lambda o: o.update({"x": note("x"), "y": note("y")}))
    board.at(10, lambda o: (o.pop("x"), o["y"]["text"].insert(1, " edited")))
    board.at(11, delete("y"))
    wanted = deleted_since(b"", board.entries, T0 + 5 * MINUTE)
    assert {key: state.texts["text"] for key, state in wanted.items()} == {
        "x": "x",
        "y": "y edited",
    }


def test_an_object_brought_back_meanwhile_is_not_restored_twice() -> None:
    board = accident()
    live = board.live()
    live.get("objects", type=pycrdt.Map)["a"] = note("undone by its author")
    result = restore(live, deleted_since(b"", board.entries, T0 + 25 * MINUTE), False, 100)
    assert result == Restored(restored=2)
    assert plain(live)["a"]["text"] == "undone by its author"


def after_the_moment(board: Board) -> None:
    """Changes made after minute 1.5 of `accident`: c's text, colour and a new field, a new
    object f."""
    board.at(40, lambda o: o["c"]["text"].insert(1, " changed"))
    board.at(41, lambda o: o["c"].update({"color": "pink", "fontSize": 28.0}))
    board.at(42, lambda o: o.update({"f": note("after the moment")}))


def test_the_board_as_it_was_at_a_moment_removes_later_objects_and_changes_back() -> None:
    board = accident()
    after_the_moment(board)
    moment = T0 + int(1.5 * MINUTE)
    wanted = board_at(b"", board.entries, moment)
    assert set(wanted) == {"a", "b", "c", "d"}
    live = board.live()
    result = restore(live, wanted, whole=True, max_objects=100)
    assert result == Restored(restored=3, removed=1, changed=1)
    objects = plain(live)
    assert set(objects) == {"a", "b", "c", "d"}
    assert objects["a"]["text"] == "a one" and objects["a"]["x"] == 99.0
    assert objects["b"]["reactions"] == {}, "the later reaction goes too"
    assert objects["c"] == note_plain("c")
    assert restore(live, wanted, whole=True, max_objects=100) == Restored(), "nothing left to do"


def test_a_board_as_it_was_matches_a_replay_up_to_that_moment_from_a_keyframe() -> None:
    board = accident()
    after_the_moment(board)
    keyframe_doc: pycrdt.Doc = pycrdt.Doc()
    for entry in board.entries[:3]:
        keyframe_doc.apply_update(entry.payload)
    keyframe = keyframe_doc.get_update()
    for minute in (2, 20, 30.5, 41.5, 50):
        moment = T0 + int(minute * MINUTE)
        replay: pycrdt.Doc = pycrdt.Doc()
        for entry in board.entries:
            if entry.time_ms <= moment:
                replay.apply_update(entry.payload)
        live: pycrdt.Doc = board.live()
        restore(live, board_at(keyframe, board.entries[3:], moment), True, 100)
        assert plain(live) == plain(replay), minute


def test_changing_a_text_back_keeps_concurrent_typing_elsewhere_in_it() -> None:
    board = Board()
    board.at(0, lambda o: o.update({"c": note("für 😀 später")}))
    board.at(5, lambda o: o["c"]["text"].__delitem__(slice(5, 10)))  # UTF-8 bytes: "😀 "
    assert str(board.objects["c"]["text"]) == "für später"
    live = board.live()
    typist: pycrdt.Doc = pycrdt.Doc()
    typist.apply_update(live.get_update())
    text = typist.get("objects", type=pycrdt.Map)["c"]["text"]
    text += "!"
    before = live.get_state()
    restore(live, board_at(b"", board.entries, T0), True, 100)
    typist.apply_update(live.get_update(before))
    live.apply_update(typist.get_update())
    assert plain(live)["c"]["text"] == plain(typist)["c"]["text"] == "für 😀 später!"


def test_an_empty_history_restores_nothing_or_an_empty_board() -> None:
    assert deleted_since(b"", [], T0) == {} and board_at(b"", [], T0) == {}
    empty: pycrdt.Doc = pycrdt.Doc()
    assert restore(empty, {}, whole=False, max_objects=10) == Restored()
    assert empty.get_update() == pycrdt.Doc().get_update(), "nothing written"
    board = accident()
    live = board.live()
    assert restore(live, board_at(b"", board.entries, T0 - 1), True, 10) == Restored(removed=1)
    assert plain(live) == {}, "before the board began, it was empty"


def test_a_restore_past_the_object_limit_is_refused_and_changes_nothing() -> None:
    board = accident()
    live = board.live()
    before = live.get_state()
    wanted = deleted_since(b"", board.entries, T0)
    with pytest.raises(RoomRejected) as refused:
        restore(live, wanted, whole=False, max_objects=3)
    assert refused.value.code == "invalid" and "at most 3 objects" in refused.value.message
    assert live.get_state() == before, "nothing written"
    assert restore(live, wanted, whole=False, max_objects=5).restored == 4


def test_the_command_takes_minutes_or_a_past_moment_from_a_facilitator_alone() -> None:
    now = T0 + 60 * MINUTE
    assert restore_point({"minutes": 10}, now) == (now - 10 * MINUTE, False)
    assert restore_point({"at": T0}, now) == (T0, True)
    assert run(current({}), "board.restore", {"minutes": 1440}, FACILITATOR, now) == {}
    for data in (
        {},
        {"minutes": 5, "at": T0},
        {"minutes": 0},
        {"minutes": 1441},
        {"minutes": 2.5},
        {"minutes": True},
        {"at": now + 1},
        {"at": float("nan")},
        {"at": "yesterday"},
    ):
        with pytest.raises(RoomRejected) as refused:
            run(current({}), "board.restore", data, FACILITATOR, now)
        assert refused.value.code == "invalid", data
    with pytest.raises(RoomRejected) as refused:
        run(current({}), "board.restore", {"minutes": 10}, PARTICIPANT, now)
    assert refused.value.code == "forbidden"


def change(key: str) -> bytes:
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.get("objects", type=pycrdt.Map)[key] = pycrdt.Map({"type": "note"})
    return doc.get_update()


@pytest.mark.django_db(transaction=True)
async def test_history_starts_at_the_keyframe_before_the_moment_and_stops_at_its_bounds(
    settings: Any,
) -> None:
    settings.ROOM_STORE = {**settings.ROOM_STORE, "COMPACT_AFTER": 4}
    store = MemoryRoomStore()
    appended = []
    for i in range(10):
        appended.append(await store.append("lab/board", change(f"k{i}"), "u1"))
        if i in (4, 8):
            await compact(store, "lab/board")  # archives; keyframes after 4 and 8 entries
    last = appended[-1]
    keyframe, entries = await history_since(store, "lab/board", last.time_ms, None, 100, 10**6)
    assert keyframe, "a keyframe was taken at or before the last entry"
    assert [e.id for e in entries] == [e.id for e in appended[9:]]
    keyframe, entries = await history_since(store, "lab/board", T0, None, 100, 10**6)
    assert keyframe == b"" and [e.id for e in entries] == [e.id for e in appended]
    keyframe, entries = await history_since(store, "lab/board", T0, T0, 100, 10**6)
    assert entries == [], "nothing was written by then"
    with pytest.raises(HistoryTooLong):
        await history_since(store, "lab/board", T0, None, 9, 10**6)
    size = sum(len(e.payload) for e in appended)
    with pytest.raises(HistoryTooLong):
        await history_since(store, "lab/board", T0, None, 100, size - 1)
    await history_since(store, "lab/board", T0, None, 10, size)


@pytest.mark.django_db(transaction=True)
async def test_the_server_writes_a_restore_to_the_board_within_its_bounds(monkeypatch: Any) -> None:
    hub = Hub(MemoryRoomStore(), compact=False)
    try:
        for entry in accident().entries:
            await hub.store.append("lab/board", entry.payload, "u2")
        since = int(time.time() * 1000) - 5 * MINUTE
        monkeypatch.setattr(room_commands, "MAX_RESTORE_UPDATES", 6)
        with pytest.raises(RoomRejected) as refused:
            await restore_board(hub, "lab", "u1", since, whole=False)
        assert refused.value.code == "invalid" and "over 6 changes" in refused.value.message
        monkeypatch.setattr(room_commands, "MAX_RESTORE_UPDATES", 7)
        assert await restore_board(hub, "lab", "u1", since, whole=False) == Restored(restored=4)
        stored = await hub.store.read("lab/board")
        assert len(stored) == 8 and stored[-1].author == "u1", "one update, by the facilitator"
        board = (await load_document(hub.store, "lab/board")).doc
        assert set(plain(board)) == set("abcde")
    finally:
        await hub.close()
