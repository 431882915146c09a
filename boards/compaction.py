"""Background compaction: archive every new log entry to SQL and write keyframes.

History is never thrown away: entries reach the SQL archive before the store trims them, and
the store keeps one keyframe interval of slack so that joins in flight never miss an entry.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings

from boards.archive import archive_entries, last_archived, save_keyframe
from boards.documents import DocumentUnavailable, load_document
from boards.store import START, RoomStore, Snapshot, parse_id
from boards.store.base import COMPACT_LEASE_MS

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0


async def compact(store: RoomStore, name: str) -> None:
    """Archive `name`'s new entries; write a keyframe once enough have piled up."""
    async with store.lock(f"compact:{name}", ttl=120) as acquired:
        if not acquired:
            await store.mark_dirty(name)
            return
        current = await store.get_snapshot(name)
        tail = await store.read(name, after=current.upto if current else START)
        archived = parse_id(await last_archived(name) or START)
        fresh = [e for e in tail if parse_id(e.id) > archived]
        if fresh:
            await archive_entries(name, fresh)
        if len(tail) < int(settings.ROOM_STORE["COMPACT_AFTER"]):
            return
        try:
            loaded = await load_document(store, name)
        except DocumentUnavailable:  # quarantined (and logged): its log stays as it is
            return
        keyframe = Snapshot(state=loaded.doc.get_update(), upto=loaded.upto)
        await save_keyframe(name, keyframe)
        await store.put_snapshot(name, keyframe)
        if current is not None:
            await store.trim(name, current.upto)


async def compact_dirty(store: RoomStore, lease_ms: int = COMPACT_LEASE_MS) -> None:
    """Compact every document marked dirty, or left unfinished by a process that died."""
    for name in await store.take_dirty(lease_ms):
        try:
            await compact(store, name)
        except Exception:
            logger.exception("compaction of %s failed; will retry", name)
            await store.mark_dirty(name)
        await store.finish_compaction(name)


async def run_compactor(store: RoomStore, interval: float = 2.0) -> None:
    """Compact dirty documents forever, every `interval` seconds. After a failed round the
    pause doubles with each failure in a row, up to `MAX_BACKOFF_SECONDS`."""
    failures = 0
    while True:
        await asyncio.sleep(min(interval * 2**failures, MAX_BACKOFF_SECONDS))
        try:
            await compact_dirty(store)
        except Exception:
            failures += 1
            logger.exception("a compaction round failed (%d in a row); backing off", failures)
        else:
            failures = 0
