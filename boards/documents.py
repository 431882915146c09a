"""Building a document from its newest keyframe and the log entries after it."""

from __future__ import annotations

import logging
import random
from collections import OrderedDict
from dataclasses import dataclass

import pycrdt

from boards.archive import recovery
from boards.store import START, RoomStore, parse_id

logger = logging.getLogger(__name__)

#: Documents whose server-written clock a process remembers; a forgotten one gets a fresh id.
SERVER_WRITERS_KEPT = 1024


@dataclass
class LoadedDoc:
    """A document as of log entry `upto` (every entry after it is still to come)."""

    doc: pycrdt.Doc
    upto: str


async def load_document(store: RoomStore, name: str, client_id: int | None = None) -> LoadedDoc:
    """Load `name`: keyframe + tail from the store (read together, so a compaction cannot
    come between them), or from the SQL archive when the store has no keyframe (a new
    document, or a store that lost its state)."""
    snapshot, entries = await store.load(name)
    archived: list[bytes] = []
    if snapshot is None:
        snapshot, archived = await recovery(name)
        if snapshot is not None:
            known = parse_id(snapshot.upto)
            entries = [e for e in entries if parse_id(e.id) > known]
    updates = [u for u in [snapshot.state if snapshot else b"", *archived] if u]
    updates += [e.payload for e in entries]
    doc: pycrdt.Doc = pycrdt.Doc() if client_id is None else pycrdt.Doc(client_id=client_id)
    if updates:
        doc.apply_update(pycrdt.merge_updates(*updates) if len(updates) > 1 else updates[0])
    upto = entries[-1].id if entries else (snapshot.upto if snapshot else START)
    return LoadedDoc(doc, upto)


def _clock(doc: pycrdt.Doc, client_id: int) -> int:
    """How many items of `client_id` the document holds (its entry in the state vector)."""
    decoder = pycrdt.Decoder(doc.get_state())
    for _ in range(decoder.read_var_uint()):
        client, clock = decoder.read_var_uint(), decoder.read_var_uint()
        if client == client_id:
            return int(clock)
    return 0


class ServerWriters:
    """The Yjs client id this process writes each server-owned document with, and the clock
    its writes reached, so that no item id (client, clock) is ever used twice.

    A document's first write in a process takes a fresh random id. When the document comes
    back from the store with a lower clock for that id than we wrote (the store lost data),
    the lost items live on in connected clients, which would drop a new item reusing one of
    their ids for good: the write then switches to a fresh random id. A fresh id for every
    write would be simpler, but each one adds an entry (about 6 bytes) to the document's
    state vector for ever, which every sync sends: 60 KB after 10,000 chat messages.
    """

    def __init__(self, kept: int = SERVER_WRITERS_KEPT) -> None:
        self._kept = kept
        self._written: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def load(self, store: RoomStore, name: str) -> LoadedDoc:
        """Load `name` with the client id this process may write it with now."""
        known = self._written.get(name)
        client_id = known[0] if known else random.getrandbits(32)
        loaded = await load_document(store, name, client_id=client_id)
        if known is not None and _clock(loaded.doc, client_id) < known[1]:
            logger.warning("%s lost server writes; writing it with a fresh client id", name)
            fresh: pycrdt.Doc = pycrdt.Doc(client_id=random.getrandbits(32))
            fresh.apply_update(loaded.doc.get_update())
            loaded = LoadedDoc(fresh, loaded.upto)
        return loaded

    def wrote(self, name: str, doc: pycrdt.Doc) -> None:
        """Remember how far this process's writes to `name` went."""
        self._written[name] = (doc.client_id, _clock(doc, doc.client_id))
        self._written.move_to_end(name)
        if len(self._written) > self._kept:
            self._written.popitem(last=False)


server_writers = ServerWriters()


class DocumentUnavailable(Exception):
    """A stored document that cannot be loaded safely; it is set aside, not retried."""
