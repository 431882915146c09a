"""Building a document from its newest keyframe and the log entries after it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pycrdt

from boards.archive import recovery
from boards.store import START, RoomStore

logger = logging.getLogger(__name__)


@dataclass
class LoadedDoc:
    """A document as of log entry `upto` (every entry after it is still to come)."""

    doc: pycrdt.Doc
    upto: str


async def load_document(store: RoomStore, name: str, client_id: int | None = None) -> LoadedDoc:
    """Load `name`: keyframe + tail from the store, or from the SQL archive when the store
    has no keyframe (a new document, or a store that lost its state)."""
    snapshot = await store.get_snapshot(name)
    archived: list[bytes] = []
    if snapshot is None:
        snapshot, archived = await recovery(name)
    entries = await store.read(name, after=snapshot.upto if snapshot else START)
    updates = [u for u in [snapshot.state if snapshot else b"", *archived] if u]
    updates += [e.payload for e in entries]
    doc: pycrdt.Doc = pycrdt.Doc() if client_id is None else pycrdt.Doc(client_id=client_id)
    if updates:
        doc.apply_update(pycrdt.merge_updates(*updates) if len(updates) > 1 else updates[0])
    upto = entries[-1].id if entries else (snapshot.upto if snapshot else START)
    return LoadedDoc(doc, upto)
