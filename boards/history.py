"""A document's history, oldest first: what session playback replays, and what a board
restore reads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from boards.archive import archived_history, archived_keyframe_at, archived_page
from boards.store import START, Entry, RoomStore, parse_id

#: Entries read from the archive or the store at a time by `history_since`.
PAGE_ENTRIES = 1000


class HistoryTooLong(Exception):
    """More history than the caller would read."""


async def document_history(store: RoomStore, name: str) -> list[Entry]:
    """Every accepted update of `name` with its author and server time: the SQL archive,
    then whatever the store holds that compaction has not archived yet."""
    archived = await archived_history(name)
    after = archived[-1].id if archived else START
    recent = [e for e in await store.read(name, after=after) if parse_id(e.id) > parse_id(after)]
    return archived + recent


async def history_since(
    store: RoomStore,
    name: str,
    since_ms: int,
    until_ms: int | None,
    max_entries: int,
    max_bytes: int,
) -> tuple[bytes, list[Entry]]:
    """The state of `name`'s newest keyframe taken at or before server time `since_ms` (b""
    without one), and the updates after it up to `until_ms` (all, if None), oldest first.
    Reads a page at a time, and raises HistoryTooLong past `max_entries` updates or
    `max_bytes` of them, before reading further."""
    keyframe = await archived_keyframe_at(name, since_ms)
    base = keyframe.state if keyframe else b""
    entries: list[Entry] = []
    size = 0
    async for page in _pages(store, name, keyframe.upto if keyframe else START):
        for entry in page:
            if until_ms is not None and entry.time_ms > until_ms:
                return base, entries
            entries.append(entry)
            size += len(entry.payload)
            if len(entries) > max_entries or size > max_bytes:
                raise HistoryTooLong(f"{name}: over {max_entries} updates or {max_bytes} bytes")
    return base, entries


async def _pages(store: RoomStore, name: str, after: str) -> AsyncIterator[list[Entry]]:
    """The entries of `name` after entry `after`, a page at a time: the archive's, then
    those the store holds that compaction has not archived yet."""
    readers: tuple[Callable[[str], Awaitable[list[Entry]]], ...] = (
        lambda after: archived_page(name, after, PAGE_ENTRIES),
        lambda after: store.read(name, after=after, limit=PAGE_ENTRIES),
    )
    for read in readers:
        while True:
            page = await read(after)
            if page:
                after = page[-1].id
                yield page
            if len(page) < PAGE_ENTRIES:
                break
