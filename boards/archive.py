"""Reading, writing and deleting the SQL copy of document histories (sync ORM code)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from boards.models import DocumentKeyframe, DocumentUpdate
from boards.store import START, Entry, Snapshot, create_store, parse_id

BATCH_ROWS = 150  # 750 parameters a statement: under the 999 of older SQLite builds
BATCH_BYTES = 16 * 1024 * 1024  # one batch holds at most this much payload (or one update)


def _batches(entries: Sequence[Entry]) -> Iterator[list[Entry]]:
    """`entries` in order, cut into batches of at most BATCH_ROWS rows and BATCH_BYTES of
    payload (updates may each be megabytes)."""
    batch: list[Entry] = []
    size = 0
    for entry in entries:
        if batch and (len(batch) >= BATCH_ROWS or size + len(entry.payload) > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += len(entry.payload)
    if batch:
        yield batch


def _archive(doc: str, entries: Sequence[Entry]) -> None:
    """Copy log entries to the archive in one transaction, a batch of rows per statement;
    entries already there (another process archived them first) are skipped by the unique
    (doc, ms, seq). Plain SQL that SQLite and PostgreSQL both speak: the ORM's per-row
    model objects cost more than the insert itself at the rate boards are written, and one
    statement of many rows is one step of the database engine where `executemany` takes
    (and hands back the interpreter lock) once a row."""
    table = connection.ops.quote_name(DocumentUpdate._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _batches(entries):
            rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (doc, ms, seq, author, payload) VALUES {rows} "
                "ON CONFLICT DO NOTHING",
                [value for e in batch for value in (doc, *parse_id(e.id), e.author, e.payload)],
            )


def _position(doc: str, keyframe_upto: str | None) -> tuple[str, int]:
    """Where `doc`'s archive ends (START if empty), and how many archived entries come
    after `keyframe_upto` (two steps on the (doc, ms, seq) index)."""
    rows = DocumentUpdate.objects.filter(doc=doc)
    last = rows.order_by("-ms", "-seq").values_list("ms", "seq").first()
    if keyframe_upto is not None:
        ms, seq = parse_id(keyframe_upto)
        rows = rows.filter(Q(ms__gt=ms) | Q(ms=ms, seq__gt=seq))
    return (f"{last[0]}-{last[1]}" if last else START), rows.count()


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


def _page(doc: str, after: str, limit: int) -> list[Entry]:
    """At most `limit` archived entries of `doc` after entry `after`, oldest first."""
    ms, seq = parse_id(after)
    rows = DocumentUpdate.objects.filter(doc=doc).filter(Q(ms__gt=ms) | Q(ms=ms, seq__gt=seq))
    return [
        Entry(r.entry_id, bytes(r.payload), r.author, r.ms)
        for r in rows.order_by("ms", "seq")[:limit]
    ]


def updates_between(docs: Sequence[str], start_ms: int, end_ms: int) -> QuerySet[DocumentUpdate]:
    """The archived updates of `docs` with server times from `start_ms` to `end_ms` (both
    included), in the order the server took them: a range of the unique (doc, ms, seq)
    index per document."""
    return DocumentUpdate.objects.filter(doc__in=docs, ms__gte=start_ms, ms__lte=end_ms).order_by(
        "ms", "seq", "doc"
    )


def keyframe_at(doc: str, ms: int) -> QuerySet[DocumentKeyframe]:
    """The newest keyframe of `doc` taken at or before server time `ms` (first row): one
    backward step on the (doc, ms, seq) index."""
    return DocumentKeyframe.objects.filter(doc=doc, ms__lte=ms).order_by("-ms", "-seq")[:1]


def _recording(docs: Sequence[str], start_ms: int, end_ms: int) -> list[tuple[str, Entry]]:
    return [
        (r.doc, Entry(r.entry_id, bytes(r.payload), r.author, r.ms))
        for r in updates_between(docs, start_ms, end_ms)
    ]


def _keyframe_at(doc: str, ms: int) -> Snapshot | None:
    row = keyframe_at(doc, ms).first()
    return Snapshot(state=bytes(row.state), upto=row.upto) if row else None


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
archive_position = database_sync_to_async(_position)
save_keyframe = database_sync_to_async(_save_keyframe)
recovery = database_sync_to_async(_recovery)
archived_history = database_sync_to_async(_history)
archived_page = database_sync_to_async(_page)
archived_between = database_sync_to_async(_recording)
archived_keyframe_at = database_sync_to_async(_keyframe_at)
