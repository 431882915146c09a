"""One websocket's link to one live document: carries out what `SyncSession` decides."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from time import monotonic as now

import pycrdt
from django.conf import settings

from boards.documents import server_writers
from boards.hub import Hub
from boards.joins import JoinState
from boards.presence import presence_size
from boards.protocol import (
    EMPTY_UPDATE,
    AnswerStep1,
    Append,
    CloseCode,
    Effect,
    ProtocolError,
    PublishAwareness,
    RateLimiter,
    RunCommand,
    Send,
    SendAwarenessStates,
    SyncSession,
    app_message,
    awareness_message,
    check_update,
    malformed,
    refusal_messages,
    update_message,
)
from boards.store import Entry, parse_id, room_of
from boards.structure import ID, Known, ParsedUpdate, Rejected
from boards.transport import Frame

logger = logging.getLogger(__name__)

WriteFrame = Callable[[Frame], Awaitable[None]]
#: Writes a frame at once if the socket can take it without waiting; False if it cannot.
WriteNow = Callable[[Frame], bool]
#: Failure of an append that went on without its socket (the socket is closed for it).
AppendFailed = Callable[[BaseException], None]
#: Appends of one socket that may be under way at once: its next update is checked and sent
#: while earlier ones travel, in order; beyond this many the socket's next frame waits.
APPENDS_IN_FLIGHT = 16
QUOTA_CHUNK = 16 * 1024
#: How long a reserve of write quota lasts: a socket's own, between 4 and 5 seconds, so that
#: writers who started together do not all renew together.
QUOTA_RESERVE_SECONDS = (4.0, 5.0)
#: A reserve is renewed in the background once it is this close to its end, or this low.
QUOTA_RENEW_SECONDS = 1.5
QUOTA_RENEW_BYTES = QUOTA_CHUNK // 4
CommandHandler = Callable[["DocumentConnection", RunCommand], Awaitable[None]]


@dataclass(frozen=True)
class DocumentKind:
    """What a room document is: `server_owned` ones take commands, never client updates.

    Client-written kinds name the root map whose keys (objects) are counted and bounded,
    and the prefix of the type-100 replies their clients read (`<refusals>.error`);
    `lockable` ones refuse updates while the room document says `locked`, except from
    those who may edit a locked board. A kind `follows` the room's other documents whose
    state its rules read, keeping them current in its process: the board and the chat read
    the room document (its lock, its breakout groups), the room document reads the board
    (what a vote may be cast for). A `per_person` kind is one document per person in the
    room: each socket reaches its own person's, and nobody else's.
    """

    server_owned: bool
    counted: str | None = None
    refusals: str | None = None
    lockable: bool = False
    per_person: bool = False
    follows: tuple[str, ...] = ()
    #: Whether a socket to it keeps its person at their co-working desk (`people`).
    desks: bool = False

    def name(self, slug: str, kind: str, identity: str) -> str:
        """The stored name of document `kind` of room `slug` for the person `identity`."""
        return f"{slug}/{kind}.{identity}" if self.per_person else f"{slug}/{kind}"


#: The room document of a room, from which lockable documents read their lock.
ROOM_DOCUMENT = "room"

DOCUMENT_KINDS = {
    "board": DocumentKind(
        server_owned=False,
        counted="objects",
        refusals="board",
        lockable=True,
        follows=(ROOM_DOCUMENT,),
        desks=True,
    ),
    "chat": DocumentKind(server_owned=True, follows=(ROOM_DOCUMENT,)),
    ROOM_DOCUMENT: DocumentKind(server_owned=True, follows=("board",), desks=True),
    # Private brainstorming: notes only their writer sees until the facilitator reveals them.
    "private": DocumentKind(
        server_owned=False, counted="objects", refusals="board", per_person=True
    ),
}


class DocumentConnection:
    """Joins a document (attach, load, sync) and turns frames into store writes."""

    def __init__(
        self,
        hub: Hub,
        doc_name: str,
        session: SyncSession,
        author: str,
        write: WriteFrame,
        on_command: CommandHandler | None = None,
        kind: DocumentKind = DOCUMENT_KINDS["board"],
        presence_limiter: RateLimiter | None = None,
        write_now: WriteNow | None = None,
        on_append_failed: AppendFailed | None = None,
    ) -> None:
        self.presence_limiter = presence_limiter
        self.id = uuid.uuid4().hex
        self.kind = kind
        self._known: Known | None = None
        self.hub = hub
        self.doc_name = doc_name
        self.session = session
        self.author = author
        self.write = write
        self.write_now = write_now
        self.on_command = on_command
        self.cursor: ID | None = None  # the last log entry this socket has
        self._pending: list[Entry] = []
        self._joined: JoinState | None = None
        self._reserve, self._reserve_until = 0, 0.0  # write quota already taken (`_spend`)
        self._renewing: asyncio.Task[None] | None = None
        self._renewable = True  # False once a renewal was refused, until the reserve ends
        self._appending: deque[asyncio.Future[Entry]] = deque()
        self.on_append_failed = on_append_failed
        self.may_edit_locked = False  # set from the socket's role
        self.room_doc = self.sibling(ROOM_DOCUMENT)
        self._following: list[str] = []

    async def open(self) -> None:
        """Attach first, then load: entries that land meanwhile are buffered, not lost."""
        for kind in self.kind.follows:
            await self.hub.follow(self.sibling(kind))
            self._following.append(self.sibling(kind))
        await self.hub.attach(self)
        joined = await self.hub.joins.get(self.doc_name)
        self._joined = joined
        if not self.kind.server_owned and self.session.writable:
            self._known = joined.known()
            self.hub.prepare_structure(self.doc_name)
            self.renew_quota()
        self.cursor = parse_id(joined.upto)
        pending, self._pending = self._pending, []
        if self.kind.refusals is not None:
            await self.send(app_message(self._limits()))
        await self.write(joined.step1())
        presence = self.hub.presence(self.doc_name)
        if presence is not None:
            await self.send(awareness_message(presence))
        fresh = [e for e in pending if parse_id(e.id) > parse_id(joined.upto)]
        if fresh:
            await self.send(update_message(pycrdt.merge_updates(*[e.payload for e in fresh])))

    async def close(self) -> None:
        """Tell the others this connection's cursors are gone, and stop deliveries."""
        self.hub.depart(self.id, self.doc_name)
        self.hub.detach(self)
        if self._renewing is not None:
            self._renewing.cancel()
        following, self._following = self._following, []
        for name in following:
            self.hub.unfollow(name)

    def _limits(self) -> dict[str, object]:
        return {
            "type": f"{self.kind.refusals}.limits",
            "maxObjects": settings.BOARD_MAX_OBJECTS,
            "maxValueBytes": self.session.limits.max_value_bytes,
            "writeBytesPerMinute": settings.WRITE_BYTES_PER_MINUTE,
        }

    async def _append(self, update: bytes, parsed: ParsedUpdate, reply_to_step1: bool) -> None:
        """Store a client's update if it changes something and every limit admits it."""
        known, self._known = self._known, None
        if reply_to_step1 and known is not None and known.covers(parsed):
            return
        if self.kind.lockable and not self.may_edit_locked and self._locked():
            await self._carry_out(
                refusal_messages(
                    self.kind.refusals,
                    "locked",
                    "The facilitator has locked the board for now: your change was not kept.",
                )
            )
            return
        structure = await self.hub.structure(self.doc_name)
        try:
            placement = structure.place(
                parsed, self.session.limits, self.kind.counted, settings.BOARD_MAX_OBJECTS
            )
            check_update(update)
            if not await self._spend(len(update)):
                raise Rejected(
                    "write_quota",
                    "You have changed a lot in the last minute: wait a moment and try again.",
                )
        except Rejected as rejected:
            await self._carry_out(
                refusal_messages(self.kind.refusals, rejected.code, rejected.message)
            )
            return
        change = structure.change(parsed, placement)
        structure.apply(change)  # now: the socket's next update may build on this one
        await self._send_on(
            self.hub.append(self.doc_name, update, self.author, change, structure.token)
        )

    async def _send_on(self, append: Awaitable[Entry]) -> None:
        """Let an append travel while this socket's next frames are read: a writer's updates
        follow each other faster than one store round trip at busy times. They reach the
        store in the order made (tasks start in the order created); a failed one closes the
        socket (`on_append_failed`), and its client syncs its changes again on reconnecting."""
        appending = self._appending
        while len(appending) >= APPENDS_IN_FLIGHT:
            await asyncio.wait([appending[0]])
        if self.on_append_failed is None:  # nobody to tell: wait for it here
            await append
            return
        future = asyncio.ensure_future(append)  # a store's own future, or a task
        appending.append(future)
        future.add_done_callback(self._appended)

    def _appended(self, future: asyncio.Future[Entry]) -> None:
        self._appending.remove(future)
        error = None if future.cancelled() else future.exception()
        if error is not None and self.on_append_failed is not None:
            self.on_append_failed(error)

    def sibling(self, kind: str) -> str:
        """The stored name of the room's document of `kind` (a shared one)."""
        return f"{room_of(self.doc_name)}/{kind}"

    def _locked(self) -> bool:
        """Whether the room is locked, as far as this process has read its room document."""
        return bool(self.hub.values(self.room_doc, "room").get("locked"))

    async def _spend(self, size: int) -> bool:
        """Spend `size` bytes of the author's write quota (per room and person, in the store).
        Small writes draw on a reserve taken from the store in chunks of `QUOTA_CHUNK`, kept
        for `QUOTA_RESERVE_SECONDS` and renewed in the background before it runs out (a
        writer's updates never wait for the store while it lasts), so a typing person costs
        a store call every few seconds; what reserves leave unused is at most two chunks per
        socket."""
        if (size > self._reserve or now() >= self._reserve_until) and self._renewing:
            await asyncio.shield(self._renewing)
        moment = now()
        if size <= self._reserve and moment < self._reserve_until:
            self._reserve -= size
            if self._renewable and (
                self._reserve < QUOTA_RENEW_BYTES
                or self._reserve_until - moment < QUOTA_RENEW_SECONDS
            ):
                self.renew_quota()
            return True
        for chunk in dict.fromkeys((max(size, QUOTA_CHUNK), size)):  # near the limit: just this
            if await self._take_quota(chunk):
                self._reserve -= size
                return True
        return False

    def renew_quota(self) -> None:
        """Take a chunk of write quota in the background (nothing if already under way): at
        once for a socket that may write, so that its first update does not wait either."""
        if self._renewing is None:
            self._renewing = asyncio.ensure_future(self._renew())

    async def _renew(self) -> None:
        try:
            self._renewable = await self._take_quota(QUOTA_CHUNK)
        except Exception:  # the next update that needs quota takes it itself, and fails
            logger.warning("renewing the write quota of %s failed", self.doc_name, exc_info=True)
        finally:
            self._renewing = None

    async def _take_quota(self, chunk: int) -> bool:
        """Add `chunk` bytes to the reserve if the store grants them."""
        key = f"{self.doc_name}:written-by:{self.author}"
        if not await self.hub.store.spend(key, chunk, settings.WRITE_BYTES_PER_MINUTE, 60_000):
            return False
        moment = now()
        if moment >= self._reserve_until:
            self._reserve, self._renewable = 0, True
        self._reserve += chunk
        self._reserve_until = moment + random.uniform(*QUOTA_RESERVE_SECONDS)
        return True

    async def receive_bytes(self, data: bytes) -> None:
        await self._carry_out(self.session.receive_bytes(data, time.monotonic()))

    async def receive_text(self, text: str) -> None:
        await self._carry_out(self.session.receive_text(text, time.monotonic()))

    async def send(self, message: bytes) -> None:
        """Send one message to this socket alone."""
        await self.write(Frame(message))

    def deliver_now(self, first: ID, last: ID, frame: Frame) -> bool:
        """`deliver_updates` for a socket that has every entry before `first` and can be
        written at once (most sockets, most of the time): no coroutine per socket."""
        if self.cursor is None or self.cursor >= first or self.write_now is None:
            return False
        if not self.write_now(frame):
            return False
        self.cursor = last
        return True

    async def deliver_updates(self, entries: list[Entry], frame: Frame) -> None:
        """New log entries, merged into `frame` (shared by every socket of the document)."""
        if self.cursor is None:
            self._pending.extend(entries)
            return
        cursor, self.cursor = self.cursor, parse_id(entries[-1].id)
        if parse_id(entries[0].id) > cursor:
            await self.write(frame)
            return
        fresh = [e for e in entries if parse_id(e.id) > cursor]
        if fresh:
            await self.send(update_message(pycrdt.merge_updates(*[e.payload for e in fresh])))

    async def deliver_awareness(self, frame: Frame) -> None:
        if self.cursor is not None:
            await self.write(frame)

    async def _carry_out(self, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case Send(message):
                    await self.send(message)
                case AnswerStep1(state_vector):
                    joined = self._joined or await self.hub.joins.get(self.doc_name)
                    self._joined = None
                    await self.write(joined.answer(state_vector))
                case Append(update, parsed, reply_to_step1):
                    await self._append(update, parsed, reply_to_step1)
                case PublishAwareness(entries):
                    accepted = self.hub.take_presence(self.id, self.doc_name, entries)
                    size = sum(presence_size(entry) for entry in accepted)
                    if self.presence_limiter and not self.presence_limiter.allow(now(), size):
                        raise ProtocolError(CloseCode.RATE_LIMITED, "too much presence")
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
) -> Entry | None:
    """Apply `change` to a server-owned document and append the resulting update (None if
    it changed nothing), written with a Yjs client id that never reuses an item id (see
    `ServerWriters`)."""
    async with hub.writer_lock(name):
        loaded = await server_writers.load(hub.store, name)
        before = loaded.doc.get_state()
        change(loaded.doc)
        update = loaded.doc.get_update(before)
        if update == EMPTY_UPDATE:  # no item added and none deleted
            return None
        entry = await hub.store.append(name, update, author)
        server_writers.wrote(name, loaded.doc)
        return entry
