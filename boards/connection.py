"""One websocket's link to one live document: carries out what `SyncSession` decides."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pycrdt

from boards.documents import load_document, server_writers
from boards.hub import Hub
from boards.protocol import (
    AnswerStep1,
    Append,
    Effect,
    PublishAwareness,
    RunCommand,
    Send,
    SendAwarenessStates,
    SyncSession,
    awareness_message,
    malformed,
    sync_step1_message,
    sync_step2_message,
    update_message,
)
from boards.store import Entry, parse_id

SendBytes = Callable[[bytes], Awaitable[None]]
CommandHandler = Callable[["DocumentConnection", RunCommand], Awaitable[None]]


@dataclass(frozen=True)
class DocumentKind:
    """What a room document is: `server_owned` ones take commands, never client updates."""

    server_owned: bool


DOCUMENT_KINDS = {
    "board": DocumentKind(server_owned=False),
    "chat": DocumentKind(server_owned=True),
}


class DocumentConnection:
    """Joins a document (attach, load, sync) and turns frames into store writes."""

    def __init__(
        self,
        hub: Hub,
        doc_name: str,
        session: SyncSession,
        author: str,
        send: SendBytes,
        on_command: CommandHandler | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.hub = hub
        self.doc_name = doc_name
        self.session = session
        self.author = author
        self.send = send
        self.on_command = on_command
        self.cursor: str | None = None
        self._pending: list[Entry] = []
        self._join_doc: pycrdt.Doc | None = None

    async def open(self) -> None:
        """Attach first, then load: entries that land meanwhile are buffered, not lost."""
        await self.hub.attach(self)
        loaded = await load_document(self.hub.store, self.doc_name)
        self._join_doc = loaded.doc
        self.cursor = loaded.upto
        pending, self._pending = self._pending, []
        await self.send(sync_step1_message(loaded.doc.get_state()))
        presence = self.hub.presence(self.doc_name)
        if presence is not None:
            await self.send(awareness_message(presence))
        fresh = [e for e in pending if parse_id(e.id) > parse_id(loaded.upto)]
        if fresh:
            await self.send(update_message(pycrdt.merge_updates(*[e.payload for e in fresh])))

    async def close(self) -> None:
        """Tell the others this connection's cursors are gone, and stop deliveries."""
        self.hub.detach(self)
        farewell = self.session.farewell()
        if farewell is not None:
            await self.hub.store.publish_awareness(self.doc_name, farewell, self.id)

    async def receive_bytes(self, data: bytes) -> None:
        await self._carry_out(self.session.receive_bytes(data, time.monotonic()))

    async def receive_text(self, text: str) -> None:
        await self._carry_out(self.session.receive_text(text, time.monotonic()))

    async def deliver_updates(self, entries: list[Entry], merged: bytes) -> None:
        if self.cursor is None:
            self._pending.extend(entries)
            return
        cursor = parse_id(self.cursor)
        if parse_id(entries[0].id) <= cursor:
            fresh = [e for e in entries if parse_id(e.id) > cursor]
            if not fresh:
                return
            merged = pycrdt.merge_updates(*[e.payload for e in fresh])
        self.cursor = entries[-1].id
        await self.send(update_message(merged))

    async def deliver_awareness(self, payload: bytes) -> None:
        if self.cursor is not None:
            await self.send(awareness_message(payload))

    async def _carry_out(self, effects: list[Effect]) -> None:
        store = self.hub.store
        for effect in effects:
            match effect:
                case Send(message):
                    await self.send(message)
                case AnswerStep1(state_vector):
                    doc = self._join_doc or (await load_document(store, self.doc_name)).doc
                    self._join_doc = None
                    try:
                        update = doc.get_update(state_vector)
                    except ValueError as exc:
                        raise malformed("unusable state vector") from exc
                    await self.send(sync_step2_message(update))
                case Append(update):
                    await store.append(self.doc_name, update, self.author)
                case PublishAwareness(payload):
                    await store.publish_awareness(self.doc_name, payload, self.id)
                case SendAwarenessStates():
                    presence = self.hub.presence(self.doc_name)
                    if presence is not None:
                        await self.send(awareness_message(presence))
                case RunCommand():
                    if self.on_command is None:
                        raise malformed("this document takes no commands")
                    await self.on_command(self, effect)


async def write_as_server(
    hub: Hub, name: str, author: str, change: Callable[[pycrdt.Doc], None]
) -> Entry:
    """Apply `change` to a server-owned document and append the resulting update, written
    with a Yjs client id that never reuses an item id (see `ServerWriters`)."""
    async with hub.writer_lock(name):
        loaded = await server_writers.load(hub.store, name)
        before = loaded.doc.get_state()
        change(loaded.doc)
        entry = await hub.store.append(name, loaded.doc.get_update(before), author)
        server_writers.wrote(name, loaded.doc)
        return entry
