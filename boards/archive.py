"""Reading, writing and deleting the SQL copy of document histories (sync ORM code)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from boards.models import DocumentKeyframe, DocumentUpdate
from boards.store import Entry, Snapshot, create_store, parse_id


def _archive(doc: str, entries: list[Entry]) -> None:
    DocumentUpdate.objects.bulk_create(
        [
            DocumentUpdate(doc=doc, ms=ms, seq=seq, author=e.author, payload=e.payload)
            for e in entries
            for ms, seq in [parse_id(e.id)]
        ],
        ignore_conflicts=True,
        batch_size=500,
    )


def _last_archived(doc: str) -> str | None:
    row = DocumentUpdate.objects.filter(doc=doc).order_by("-ms", "-seq").first()
    return row.entry_id if row else None


def _save_keyframe(doc: str, snapshot: Snapshot) -> None:
    ms, seq = parse_id(snapshot.upto)
    DocumentKeyframe.objects.create(doc=doc, ms=ms, seq=seq, state=snapshot.state)


def _recovery(doc: str) -> tuple[Snapshot | None, list[bytes]]:
    keyframe = DocumentKeyframe.objects.filter(doc=doc).order_by("-ms", "-seq").first()
    updates = DocumentUpdate.objects.filter(doc=doc).order_by("ms", "seq")
    if keyframe is not None:
        updates = updates.filter(ms__gte=keyframe.ms).exclude(ms=keyframe.ms, seq__lte=keyframe.seq)
    rows = list(updates.values_list("ms", "seq", "payload"))
    if keyframe is None and not rows:
        return None, []
    upto = f"{rows[-1][0]}-{rows[-1][1]}" if rows else keyframe.upto  # type: ignore[union-attr]
    base = bytes(keyframe.state) if keyframe else b""
    return Snapshot(state=base, upto=upto), [bytes(p) for _, _, p in rows]


def _history(doc: str) -> list[Entry]:
    rows = DocumentUpdate.objects.filter(doc=doc).order_by("ms", "seq")
    return [Entry(r.entry_id, bytes(r.payload), r.author, r.ms) for r in rows]


async def _forget_stored(prefix: str) -> None:
    store = create_store()
    try:
        await store.delete_documents(prefix)
    finally:
        await store.close()


def forget_room_documents(sender: type, slug: str, **kwargs: Any) -> None:
    """Delete a deleted room's documents (receives `rooms.signals.room_deleted`).

    The SQL rows go in the deleting transaction; the room store's keys right away, before
    it commits, so that a store that cannot be reached aborts the deletion instead of leaving
    a board for the next room of that slug. Sync code: from a thread of an event loop
    (an ASGI view) the store call runs on that loop, elsewhere on a loop of its own.
    """
    prefix = f"{slug}/"
    DocumentUpdate.objects.filter(doc__startswith=prefix).delete()
    DocumentKeyframe.objects.filter(doc__startswith=prefix).delete()
    async_to_sync(_forget_stored)(prefix)


archive_entries = database_sync_to_async(_archive)
last_archived = database_sync_to_async(_last_archived)
save_keyframe = database_sync_to_async(_save_keyframe)
recovery = database_sync_to_async(_recovery)
archived_history = database_sync_to_async(_history)
