"""Building a document from its newest keyframe and the log entries after it."""

from __future__ import annotations

import hashlib
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass

import pycrdt

from boards.archive import recovery
from boards.lib0 import Malformed
from boards.protocol import reraise_control_flow
from boards.store import START, RoomStore, parse_id
from boards.structure import STORED, DocumentStructure, Rejected, parse_update

logger = logging.getLogger(__name__)

#: Documents whose server-written clock a process remembers; a forgotten one gets a fresh id.
SERVER_WRITERS_KEPT = 1024
#: Documents whose stored bytes a process remembers having read (see `VerifiedDocuments`).
VERIFIED_KEPT = 32


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
    upto = entries[-1].id if entries else (snapshot.upto if snapshot else START)
    verified.check(name, snapshot.upto if snapshot else START, upto, updates)
    doc: pycrdt.Doc = pycrdt.Doc() if client_id is None else pycrdt.Doc(client_id=client_id)
    if updates:
        try:
            doc.apply_update(pycrdt.merge_updates(*updates) if len(updates) > 1 else updates[0])
        except BaseException as exc:  # a Rust panic in pycrdt is a BaseException
            reraise_control_flow(exc)
            raise verified.quarantine(name, upto, f"the engine refused it ({exc!r})") from exc
    return LoadedDoc(doc, upto)


class VerifiedDocuments:
    """Reads every stored byte of a document before pycrdt applies it.

    A document that fails (unreadable, or nested deeper than any update could have made
    it) is quarantined: logged once, refused with `DocumentUnavailable` (close code 4410 for
    joiners), never handed to the engine. What was read is remembered per document (as of
    its keyframe and last entry, for `VERIFIED_KEPT` documents), so a join reads only the
    entries that are new since the last one.
    """

    def __init__(self, kept: int = VERIFIED_KEPT) -> None:
        self._kept = kept
        # name -> (keyframe, updates read, fingerprint of the last, structure)
        self._read: OrderedDict[str, tuple[str, int, bytes, DocumentStructure]] = OrderedDict()
        self._failed: OrderedDict[tuple[str, str], str] = OrderedDict()

    def check(self, name: str, keyframe: str, upto: str, updates: list[bytes]) -> None:
        failure = self._failed.get((name, upto))
        if failure is not None:
            raise DocumentUnavailable(f"{name} is quarantined: {failure}")
        known = self._read.get(name)
        if (
            known is not None
            and known[0] == keyframe
            and known[1] <= len(updates)
            and known[2] == _fingerprint(updates[: known[1]])
        ):
            structure, start = known[3], known[1]
        else:  # another history (a store that lost its state, a room made anew): read it all
            structure, start = DocumentStructure(), 0
        for update in updates[start:]:
            try:
                depths = structure.follow(parse_update(update, STORED))
            except (Malformed, Rejected) as exc:
                raise self.quarantine(name, upto, str(exc)) from exc
            if any(d is not None and d > STORED.max_type_depth for d in depths):
                raise self.quarantine(name, upto, "shared types nested too deep")
        self._read[name] = (keyframe, len(updates), _fingerprint(updates), structure)
        self._read.move_to_end(name)
        if len(self._read) > self._kept:
            self._read.popitem(last=False)

    def take_structure(self, name: str) -> DocumentStructure:
        """The structure of a document `load_document` has just loaded, handed over: the hub
        keeps it current from then on (so while anyone is connected a document's bytes are
        read once per process), and it is forgotten here, as what it holds is no longer what
        was read."""
        return self._read.pop(name)[3]

    def quarantine(self, name: str, upto: str, reason: str) -> DocumentUnavailable:
        """Set a document aside as of entry `upto`; what to raise for it."""
        if (name, upto) not in self._failed:
            logger.error("quarantined %s at %s: %s", name, upto, reason)
            self._failed[(name, upto)] = reason
            if len(self._failed) > self._kept:
                self._failed.popitem(last=False)
        self._read.pop(name, None)
        return DocumentUnavailable(f"{name} is quarantined: {reason}")


verified = VerifiedDocuments()


def _fingerprint(updates: list[bytes]) -> bytes:
    """Tells the last of `updates` from any other (Yjs updates name random client ids)."""
    return hashlib.blake2b(updates[-1], digest_size=16).digest() if updates else b""


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
