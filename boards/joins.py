"""Shared joins: one load and one encoded state per document and process, kept current.

Concurrent joins of a document wait for one load; later joins reuse it while anyone in this
process is connected to the document, because the hub applies every new log entry to it.
The encoded messages a join needs (the server's sync step 1, and the whole document for a
client that has nothing yet) are made once per version of the document.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pycrdt

from boards.documents import load_document
from boards.protocol import malformed, sync_step1_message, sync_step2_message
from boards.store import Entry, RoomStore, parse_id
from boards.structure import Known
from boards.transport import Frame

EMPTY_STATE_VECTOR = b"\x00"
PENDING_KEPT = 32


class JoinState:
    """A document as of log entry `upto`, with the messages joins need, made on demand.

    New entries are applied when the document is next read (by a join, or compaction), at
    the latest once `PENDING_KEPT` reads of the log wait: a busy document nobody joins costs
    one engine call per `PENDING_KEPT` reads, not one per read.
    """

    def __init__(self, doc: pycrdt.Doc, upto: str) -> None:
        self._doc = doc
        self.upto = upto
        self._pending: list[bytes] = []
        self._step1: Frame | None = None
        self._whole: Frame | None = None
        self._known: Known | None = None

    @property
    def doc(self) -> pycrdt.Doc:
        """The document with every entry up to `upto` applied."""
        self._apply_pending()
        return self._doc

    def advance(self, entries: list[Entry], merged: bytes) -> None:
        """Take new log entries (applying one twice changes nothing)."""
        self._pending.append(merged)
        if parse_id(entries[-1].id) > parse_id(self.upto):
            self.upto = entries[-1].id
        self._step1 = self._whole = self._known = None
        if len(self._pending) >= PENDING_KEPT:
            self._apply_pending()

    def _apply_pending(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self._doc.apply_update(pycrdt.merge_updates(*pending))

    def step1(self) -> Frame:
        """The server's sync step 1: its state vector."""
        if self._step1 is None:
            self._step1 = Frame(sync_step1_message(self.doc.get_state()))
        return self._step1

    def answer(self, state_vector: bytes) -> Frame:
        """Sync step 2 for a client's state vector; the whole document once per version."""
        if state_vector == EMPTY_STATE_VECTOR:
            if self._whole is None:
                self._whole = Frame(sync_step2_message(self.doc.get_update()))
            return self._whole
        try:
            return Frame(sync_step2_message(self.doc.get_update(state_vector)))
        except ValueError as exc:
            raise malformed("unusable state vector") from exc

    def known(self) -> Known:
        """What the document holds, to tell a client's sync reply that adds nothing."""
        if self._known is None:
            self._known = Known.of(self.doc.get_state(), self.doc.get_update)
        return self._known


@dataclass
class _Loading:
    """A load in flight: entries delivered meanwhile wait here, then are applied."""

    done: asyncio.Future[JoinState]
    pending: list[tuple[list[Entry], bytes]] = field(default_factory=list)


class Joins:
    """The join states of the documents a process serves (the hub drops them with their
    last socket, so memory follows what people have open)."""

    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self._states: dict[str, JoinState | _Loading] = {}

    async def get(self, name: str) -> JoinState:
        """The document's join state; call only while the hub follows the document."""
        known = self._states.get(name)
        if isinstance(known, JoinState):
            return known
        if known is not None:
            return await asyncio.shield(known.done)
        loading = _Loading(asyncio.get_running_loop().create_future())
        self._states[name] = loading
        try:
            loaded = await load_document(self.store, name)
        except BaseException as exc:
            self._states.pop(name, None)
            if isinstance(exc, asyncio.CancelledError):
                loading.done.cancel()
            else:
                loading.done.set_exception(exc)
                loading.done.exception()  # retrieved: no "never retrieved" warning
            raise
        state = JoinState(loaded.doc, loaded.upto)
        for entries, merged in loading.pending:
            if parse_id(entries[-1].id) > parse_id(state.upto):
                state.advance(entries, merged)
        if self._states.get(name) is loading:
            self._states[name] = state
        loading.done.set_result(state)
        return state

    def current(self, name: str) -> JoinState | None:
        """The document's state if this process holds it loaded (kept current by the hub)."""
        known = self._states.get(name)
        return known if isinstance(known, JoinState) else None

    def advance(self, name: str, entries: list[Entry], merged: bytes) -> None:
        known = self._states.get(name)
        if isinstance(known, JoinState):
            known.advance(entries, merged)
        elif known is not None:
            known.pending.append((entries, merged))

    def drop(self, name: str) -> None:
        self._states.pop(name, None)
