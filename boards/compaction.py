"""Background compaction: archive every new log entry to SQL and write keyframes.

History is never thrown away: entries reach the SQL archive before the store trims them, and
the store keeps one keyframe interval of slack so that joins in flight never miss an entry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from django.conf import settings

from boards.archive import archive_entries, archive_position, save_keyframe
from boards.documents import DocumentUnavailable, load_document
from boards.joins import JoinState
from boards.store import START, Entry, RoomStore, Snapshot, parse_id
from boards.store.base import COMPACT_LEASE_MS

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0


#: The state a process already keeps current of a document it serves, if any.
Held = Callable[[str], JoinState | None]


async def compact(store: RoomStore, name: str, held: Held | None = None) -> None:
    """Archive `name`'s new entries; write a keyframe once enough have piled up since the
    last one. The keyframe is the state this process keeps current for joins when it holds
    one (`held`), else the document loaded afresh; the archive is topped up to wherever the
    keyframe reaches, so every entry after an archived keyframe is archived too."""
    async with store.lock(f"compact:{name}", ttl=120) as acquired:
        if not acquired:
            await store.mark_dirty(name)
            return
        keyframe_upto = await store.snapshot_upto(name)
        archived, since_keyframe = await archive_position(name, keyframe_upto)
        fresh = await _archive_after(store, name, archived)
        after = parse_id(keyframe_upto or START)
        since_keyframe += sum(1 for e in fresh if parse_id(e.id) > after)
        if since_keyframe < int(settings.ROOM_STORE["COMPACT_AFTER"]):
            return
        state = held(name) if held is not None else None
        if state is not None:
            keyframe = Snapshot(state=state.doc.get_update(), upto=state.upto)
        else:
            try:
                loaded = await load_document(store, name)
            except DocumentUnavailable:  # quarantined (and logged): its log stays as it is
                return
            keyframe = Snapshot(state=loaded.doc.get_update(), upto=loaded.upto)
        if parse_id(keyframe.upto) <= after:
            return
        archived = fresh[-1].id if fresh else archived
        if parse_id(keyframe.upto) > parse_id(archived):
            await _archive_after(store, name, archived)
        await save_keyframe(name, keyframe)
        await store.put_snapshot(name, keyframe)
        if keyframe_upto is not None:
            await store.trim(name, keyframe_upto)


async def _archive_after(store: RoomStore, name: str, after: str) -> list[Entry]:
    """Archive the log entries after `after`; returns them."""
    fresh = await store.read(name, after=after)
    if fresh:
        await archive_entries(name, fresh)
    return fresh


async def compact_dirty(
    store: RoomStore, held: Held | None = None, lease_ms: int = COMPACT_LEASE_MS
) -> None:
    """Compact every document marked dirty, or left unfinished by a process that died."""
    for name in await store.take_dirty(lease_ms):
        try:
            await compact(store, name, held)
        except Exception:
            logger.exception("compaction of %s failed; will retry", name)
            await store.mark_dirty(name)
        await store.finish_compaction(name)


async def run_compactor(store: RoomStore, held: Held | None = None, interval: float = 2.0) -> None:
    """Compact dirty documents forever, every `interval` seconds. After a failed round the
    pause doubles with each failure in a row, up to `MAX_BACKOFF_SECONDS`."""
    failures = 0
    while True:
        await asyncio.sleep(min(interval * 2**failures, MAX_BACKOFF_SECONDS))
        try:
            await compact_dirty(store, held)
        except Exception:
            failures += 1
            logger.exception("a compaction round failed (%d in a row); backing off", failures)
        else:
            failures = 0
