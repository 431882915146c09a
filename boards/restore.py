"""Restoring a board after an accident: the board as it was at a moment, or what was deleted
since then, found in its history and written back as one normal update everyone converges to.

Pure: the history comes in as a keyframe and the updates after it (`history_since` reads
them), and `restore` changes a board document it is given. Nothing here does I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycrdt

from boards.room import RoomRejected
from boards.store import Entry

#: The most history a restore replays (the updates after the keyframe it starts from, and
#: their bytes); past either it is refused. Finding what 50,000 small updates deleted takes
#: about a second on one core.
MAX_RESTORE_UPDATES = 50_000
MAX_RESTORE_BYTES = 64 * 1024 * 1024
#: Values an object field may hold besides shared types (pycrdt's view of Yjs JSON values).
PLAIN = (str, int, float, bool, list, dict, type(None))


@dataclass(frozen=True)
class ObjectState:
    """One board object as plain data: its plain fields, its texts (Y.Text fields: a note's
    text, a frame's title) and its maps of plain values (a note's reactions)."""

    fields: Mapping[str, Any]
    texts: Mapping[str, str]
    maps: Mapping[str, Mapping[str, Any]]

    def keys(self) -> set[str]:
        """Every field it has, of any kind."""
        return {*self.fields, *self.texts, *self.maps}

    def build(self) -> pycrdt.Map:
        """A new object in this state, to put in the board's `objects` map."""
        texts = {key: pycrdt.Text(text) for key, text in self.texts.items()}
        maps = {key: pycrdt.Map(dict(entries)) for key, entries in self.maps.items()}
        return pycrdt.Map({**self.fields, **texts, **maps})


@dataclass(frozen=True)
class Restored:
    """What a restore did: how many objects came back, were removed, were changed back."""

    restored: int = 0
    removed: int = 0
    changed: int = 0


def read_object(value: pycrdt.Map) -> ObjectState:
    """The state of one object. Other shared types in it (the board's schema has none) are
    left out here, and left alone by `restore`."""
    fields: dict[str, Any] = {}
    texts: dict[str, str] = {}
    maps: dict[str, dict[str, Any]] = {}
    for key, item in value.items():
        if isinstance(item, pycrdt.Text):
            texts[key] = str(item)
        elif isinstance(item, pycrdt.Map):
            maps[key] = {k: v for k, v in item.items() if isinstance(v, PLAIN)}
        elif isinstance(item, PLAIN):
            fields[key] = item
    return ObjectState(fields, texts, maps)


def board_objects(doc: pycrdt.Doc) -> dict[str, ObjectState]:
    """Every object of a board document (values of `objects` that are maps), by id."""
    objects = doc.get("objects", type=pycrdt.Map)
    return {k: read_object(v) for k, v in objects.items() if isinstance(v, pycrdt.Map)}


def _replayed(keyframe: bytes, entries: Iterable[Entry]) -> pycrdt.Doc:
    """A document from a keyframe and the updates after it, applied one at a time (merging
    thousands of small updates first is far slower)."""
    doc: pycrdt.Doc = pycrdt.Doc()
    with doc.transaction():
        for update in (keyframe, *(entry.payload for entry in entries)):
            if update:
                doc.apply_update(update)
    return doc


def _split(entries: Sequence[Entry], ms: int) -> int:
    """How many of `entries` (in server time order) the server took at or before `ms`."""
    return bisect_right(entries, ms, key=lambda entry: entry.time_ms)


def board_at(keyframe: bytes, entries: Sequence[Entry], at_ms: int) -> dict[str, ObjectState]:
    """The board's objects as they were at server time `at_ms`, from a keyframe taken at or
    before then and the updates after it."""
    return board_objects(_replayed(keyframe, entries[: _split(entries, at_ms)]))


def deleted_since(
    keyframe: bytes, entries: Sequence[Entry], since_ms: int
) -> dict[str, ObjectState]:
    """The objects deleted after server time `since_ms` that `entries` does not bring back,
    each as it was just before it was deleted.

    The updates after `since_ms` are replayed one at a time on one document; when an update
    makes it lose objects, a second document catches up to just before that update (the
    updates in between applied together, which is cheaper) and the lost objects are read
    from it.
    """
    split = _split(entries, since_ms)
    ahead, behind = _replayed(keyframe, entries[:split]), _replayed(keyframe, entries[:split])
    objects = ahead.get("objects", type=pycrdt.Map)
    earlier = behind.get("objects", type=pycrdt.Map)
    lost: list[str] = []

    def note_lost(event: pycrdt.MapEvent) -> None:
        changes: dict[str, dict[str, Any]] = event.keys  # type: ignore[attr-defined]
        lost.extend(key for key, change in changes.items() if change["action"] != "add")

    objects.observe(note_lost)
    last: dict[str, ObjectState] = {}
    caught_up = split
    for index in range(split, len(entries)):
        ahead.apply_update(entries[index].payload)
        if not lost:
            continue
        with behind.transaction():
            for entry in entries[caught_up:index]:
                behind.apply_update(entry.payload)
        caught_up = index
        for key in lost:
            value = earlier.get(key)
            if isinstance(value, pycrdt.Map):
                last[key] = read_object(value)
        lost.clear()
    return {k: state for k, state in last.items() if not isinstance(objects.get(k), pycrdt.Map)}


def restore(
    doc: pycrdt.Doc, wanted: Mapping[str, ObjectState], whole: bool, max_objects: int
) -> Restored:
    """Write `wanted` into a live board document in one transaction: the objects it lacks
    come back; with `whole`, objects not in `wanted` go and the others are changed back to
    their state there. RoomRejected, changing nothing, if the board would hold more than
    `max_objects` objects."""
    objects = doc.get("objects", type=pycrdt.Map)
    present = {k: v for k, v in objects.items() if isinstance(v, pycrdt.Map)}
    back = [key for key in wanted if key not in present]
    gone = [key for key in present if key not in wanted] if whole else []
    if len(objects) + sum(key not in objects for key in back) - len(gone) > max_objects:
        raise RoomRejected(
            "invalid", f"A board holds at most {max_objects} objects: this restore would pass it."
        )
    changed = 0
    with doc.transaction():
        for key in gone:
            del objects[key]
        for key in back:
            objects[key] = wanted[key].build()
        if whole:
            changed = sum(_change_back(present[k], wanted[k]) for k in present if k in wanted)
    return Restored(len(back), len(gone), changed)


def _change_back(target: pycrdt.Map, state: ObjectState) -> bool:
    """Make an object's fields, texts and maps those of `state`; whether anything changed."""
    now = read_object(target)
    if now == state:
        return False
    for key in now.keys() - state.keys():
        del target[key]
    for key, value in state.fields.items():
        if key not in now.fields or now.fields[key] != value:
            target[key] = value
    for key, text in state.texts.items():
        if key in now.texts:
            _retype(target[key], now.texts[key], text)
        else:
            target[key] = pycrdt.Text(text)
    for key, entries in state.maps.items():
        if key in now.maps:
            _refill(target[key], now.maps[key], entries)
        else:
            target[key] = pycrdt.Map(dict(entries))
    return True


def _retype(text: pycrdt.Text, old: str, new: str) -> None:
    """Edit `text` from `old` to `new` by replacing only the part between what they share at
    the start and at the end, so concurrent typing elsewhere in it stays where it was.
    pycrdt counts text positions in UTF-8 bytes."""
    if old == new:
        return
    shortest = min(len(old), len(new))
    start = 0
    while start < shortest and old[start] == new[start]:
        start += 1
    end = 0
    while end < shortest - start and old[-1 - end] == new[-1 - end]:
        end += 1
    at = len(old[:start].encode())
    removed = len(old[start : len(old) - end].encode())
    if removed:
        del text[at : at + removed]
    inserted = new[start : len(new) - end]
    if inserted:
        text.insert(at, inserted)


def _refill(target: pycrdt.Map, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """Make a map of plain values hold `new` (it holds `old` now)."""
    for key in old.keys() - new.keys():
        del target[key]
    for key, value in new.items():
        if key not in old or old[key] != value:
            target[key] = value
