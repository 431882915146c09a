"""The SQL archive: batched writes, and the recording queries (a time window over a room's
documents, the keyframe at a moment) answered from indexes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import archive
from boards.archive import (
    archive_entries,
    archived_between,
    archived_keyframe_at,
    keyframe_at,
    save_keyframe,
    updates_between,
)
from boards.models import DocumentKeyframe, DocumentUpdate
from boards.store import Entry, Snapshot
from tests.conftest import ON_POSTGRESQL

pytestmark = pytest.mark.django_db
WAIT = 10.0
T0 = 1_760_000_000_000
ROOM_DOCS = ["lab/board", "lab/chat", "lab/room"]


def entry(ms: int, seq: int = 0, payload: bytes = b"u", author: str = "ada") -> Entry:
    return Entry(f"{ms}-{seq}", payload, author, ms)


def test_the_database_tests_run_on_the_database_asked_for() -> None:
    assert connection.vendor == ("postgresql" if ON_POSTGRESQL else "sqlite")


def test_archive_writes_batches_and_skips_what_is_already_there(monkeypatch: Any) -> None:
    monkeypatch.setattr(archive, "BATCH_ROWS", 4)
    monkeypatch.setattr(archive, "BATCH_BYTES", 100)
    entries = [entry(T0 + i, payload=bytes([i]) * (95 if i == 5 else 10)) for i in range(10)]
    with CaptureQueriesContext(connection) as queries:
        archive._archive("lab/board", entries)
    inserts = [q["sql"] for q in queries if "INSERT" in q["sql"]]
    # rows 0-3 (four rows); 4 (then 95 more bytes would pass 100); 5 (95 bytes); 6-9
    assert len(inserts) == 4

    archive._archive("lab/board", [*entries[7:], entry(T0 + 10)])
    rows = DocumentUpdate.objects.filter(doc="lab/board")
    assert [(r.entry_id, bytes(r.payload), r.author) for r in rows] == [
        (e.id, e.payload, e.author) for e in [*entries, entry(T0 + 10)]
    ]


@pytest.mark.django_db(transaction=True)
async def test_a_recording_reads_a_rooms_documents_in_time_order_and_the_keyframe_before() -> None:
    for offset, doc in enumerate(ROOM_DOCS):
        entries = [entry(T0 + 10 * i + offset, author=doc) for i in range(10)]
        await asyncio.wait_for(archive_entries(doc, entries), WAIT)
    await asyncio.wait_for(archive_entries("other/board", [entry(T0 + 35)]), WAIT)
    late = entry(T0 + 40, 1, author="lab/board")
    await asyncio.wait_for(archive_entries("lab/board", [late]), WAIT)
    for ms in (T0 + 20, T0 + 50, T0 + 80):
        snapshot = Snapshot(state=str(ms).encode(), upto=f"{ms}-0")
        await asyncio.wait_for(save_keyframe("lab/board", snapshot), WAIT)

    window = await asyncio.wait_for(archived_between(ROOM_DOCS, T0 + 30, T0 + 50), WAIT)
    assert [(doc, e.id) for doc, e in window] == [
        ("lab/board", f"{T0 + 30}-0"),
        ("lab/chat", f"{T0 + 31}-0"),
        ("lab/room", f"{T0 + 32}-0"),
        ("lab/board", f"{T0 + 40}-0"),
        ("lab/board", f"{T0 + 40}-1"),
        ("lab/chat", f"{T0 + 41}-0"),
        ("lab/room", f"{T0 + 42}-0"),
        ("lab/board", f"{T0 + 50}-0"),
    ]
    assert all(e.author == doc and e.time_ms == int(e.id.split("-")[0]) for doc, e in window)

    async def newest_at(ms: int) -> Snapshot | None:
        return await asyncio.wait_for(archived_keyframe_at("lab/board", ms), WAIT)

    assert await newest_at(T0 + 10) is None
    assert await newest_at(T0 + 79) == Snapshot(state=str(T0 + 50).encode(), upto=f"{T0 + 50}-0")
    assert await newest_at(T0 + 80) == Snapshot(state=str(T0 + 80).encode(), upto=f"{T0 + 80}-0")


def index_columns(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]


def test_the_recording_queries_are_answered_from_indexes() -> None:
    assert ["doc", "ms", "seq"] in index_columns(DocumentUpdate._meta.db_table)
    assert ["doc", "ms", "seq"] in index_columns(DocumentKeyframe._meta.db_table)
    assert index_columns(DocumentUpdate._meta.db_table).count(["doc", "ms", "seq"]) == 1, (
        "one index on (doc, ms, seq): a second would only slow down archive writes"
    )

    # Enough rows that a full scan costs more than the index: 120 documents of 200 updates
    # and 20 keyframes each.
    docs = [f"room{r}/{kind}" for r in range(40) for kind in ("board", "chat", "room")]
    DocumentUpdate.objects.bulk_create(
        [
            DocumentUpdate(doc=doc, ms=T0 + 10 * i, seq=0, author="ada", payload=b"u" * 40)
            for doc in docs
            for i in range(200)
        ],
        batch_size=2000,
    )
    DocumentKeyframe.objects.bulk_create(
        [
            DocumentKeyframe(doc=doc, ms=T0 + 100 * i, seq=0, state=b"s" * 40)
            for doc in docs
            for i in range(20)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    window = updates_between(docs[30:33], T0 + 500, T0 + 800)
    assert window.count() == 3 * 31
    keyframe = keyframe_at(docs[31], T0 + 1250)
    assert [k.ms for k in keyframe] == [T0 + 1200]
    for query in (window, keyframe):
        plan = query.explain()
        if connection.vendor == "postgresql":
            assert "Index Cond" in plan and "Seq Scan" not in plan, plan
        else:
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
            assert "SCAN boards_" not in plan, plan
