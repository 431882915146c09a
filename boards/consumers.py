"""The websocket consumer: a thin adapter between Channels and `DocumentConnection`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from boards import daphne_memory
from boards.chat import ChatCommands
from boards.connection import DOCUMENT_KINDS, DocumentConnection, DocumentKind
from boards.documents import DocumentUnavailable
from boards.hub import get_hub
from boards.protocol import (
    CloseCode,
    ProtocolError,
    RateLimiter,
    SyncSession,
    app_message,
    reraise_control_flow,
)
from boards.room_commands import RoomCommands, desk_left
from boards.store import StoreBusy
from boards.structure import Limits
from boards.transport import Frame, SocketWriter, daphne_protocol
from rooms.permissions import Access, Denied, resolve_access

logger = logging.getLogger(__name__)
daphne_memory.install()

DENIAL_CODES = {
    "not_found": CloseCode.NOT_FOUND,
    "unauthenticated": CloseCode.UNAUTHENTICATED,
    "forbidden": CloseCode.FORBIDDEN,
}


def new_session(access: Access, kind: DocumentKind) -> SyncSession:
    """A socket's protocol session with the limits of the settings; it may write nothing
    until `_grant` says so."""
    return SyncSession(
        writable=False,
        identity=presence_identity(access),
        max_frame_bytes=settings.WS_MAX_FRAME_BYTES,
        limiter=RateLimiter(settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST),
        byte_limiter=RateLimiter(settings.WS_BYTES_PER_SECOND, 2 * settings.WS_MAX_FRAME_BYTES),
        limits=shared_limits(
            settings.UPDATE_MAX_STRUCTS,
            settings.VALUE_MAX_BYTES,
            settings.VALUE_MAX_DEPTH,
            settings.TYPE_MAX_DEPTH,
        ),
        takes_commands=kind.server_owned,
        refusals=kind.refusals,
    )


def presence_identity(access: Access) -> dict[str, str]:
    """What a socket's presence says of who it is: set by the server, whatever the client
    claims (`id`, `name`, and `role`, so that others see who runs the lab)."""
    return {"id": access.identity.id, "name": access.identity.name, "role": str(access.role)}


#: The command handlers of each server-owned document kind.
COMMANDS: dict[str, type[ChatCommands] | type[RoomCommands]] = {
    "chat": ChatCommands,
    "room": RoomCommands,
}


@cache
def shared_limits(
    max_structs: int, max_value_bytes: int, max_value_depth: int, max_type_depth: int
) -> Limits:
    """One `Limits` for every socket of the same settings (it is immutable)."""
    return Limits(max_structs, max_value_bytes, max_value_depth, max_type_depth)


class DocumentConsumer(AsyncWebsocketConsumer):
    """Serves `/ws/rooms/<slug>/<doc>` with the y-websocket protocol."""

    # No channel per socket: room events reach sockets through the hub (`RoomEvents`).
    channel_layer_alias = None
    connection: DocumentConnection | None = None
    commands: ChatCommands | RoomCommands | None = None
    in_room = False
    slots: list[str] = []
    writer: SocketWriter | None = None
    handshake: asyncio.TimerHandle | None = None
    _closing: asyncio.Future[None] | None = None

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        """Channels' `AsyncConsumer.__call__` for a consumer without a channel layer: each
        message is awaited and dispatched in this task, instead of through a task per
        message and an `asyncio.wait` that an idle socket keeps (about 3.5 KB)."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, minus its per-message thread hop to close stale database
        connections: this consumer touches the database only through
        `database_sync_to_async`, which does that itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        route = self.scope["url_route"]["kwargs"]
        self.slug: str = route["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        self.token: str | None = query.get("token", [None])[0]
        await self.accept()
        protocol = daphne_protocol(self.base_send)
        if protocol is not None:
            daphne_memory.slim_open_socket(protocol)
        kind = DOCUMENT_KINDS.get(route["doc"])
        if kind is None:
            await self.close(code=int(CloseCode.NOT_FOUND))
            return
        self.kind: DocumentKind = kind
        access = await self._resolve()
        if access is None:
            return
        hub = get_hub()
        address = (self.scope.get("client") or ("?",))[0]
        slots = [
            (f"person:{access.identity.id}", settings.WS_SOCKETS_PER_PERSON),
            (f"address:{address}", settings.WS_SOCKETS_PER_ADDRESS),
        ]
        if not hub.sockets.take(slots):
            await self.close(code=int(CloseCode.TOO_MANY_CONNECTIONS))
            return
        self.slots = [key for key, _ in slots]
        if kind.server_owned:
            self.commands = COMMANDS[route["doc"]](access)
        self.connection = DocumentConnection(
            hub,
            kind.name(self.slug, route["doc"], access.identity.id),
            new_session(access, kind),
            author=access.identity.id,
            write=self._write,
            write_now=self._write_now,
            on_append_failed=self._append_failed,
            on_command=self.commands,
            kind=kind,
            presence_limiter=RateLimiter(
                settings.WS_AWARENESS_BYTES_PER_SECOND, 4 * settings.WS_AWARENESS_BYTES_PER_SECOND
            ),
        )
        self.writer = SocketWriter.of(self.base_send, settings.WS_SEND_QUEUE_BYTES)
        self._grant(access)
        self.handshake = asyncio.get_running_loop().call_later(
            settings.WS_HANDSHAKE_SECONDS, self._handshake_expired
        )
        await self._guarded(self._open())

    def _handshake_expired(self) -> None:
        """Close a socket that never asked for the document (sync step 1) in time."""
        self.handshake = None
        if self.connection is not None and not self.connection.session.synced:
            self._closing = asyncio.ensure_future(self._shut(CloseCode.HANDSHAKE_TIMEOUT))

    async def _open(self) -> None:
        assert self.connection is not None
        self.in_room = True
        await get_hub().rooms.join(self.slug, self)
        await self.connection.open()
        if isinstance(self.commands, RoomCommands):
            await self.commands.joined(self.connection)

    async def _resolve(self) -> Access | None:
        """This socket's access to its room; closes the socket when there is none."""
        try:
            return await database_sync_to_async(resolve_access)(
                self.scope.get("user"), self.slug, self.token
            )
        except Denied as denied:
            await self._shut(DENIAL_CODES[denied.reason])
            return None

    def _grant(self, access: Access) -> None:
        assert self.connection is not None
        self.connection.session.writable = access.can_write_board and not self.kind.server_owned
        self.connection.may_edit_locked = access.can_facilitate
        self.connection.session.identity = presence_identity(access)
        if self.commands is not None:
            self.commands.access = access

    async def _write(self, frame: Frame) -> None:
        """Send, unless this socket's reader has fallen too far behind: then close it with a
        transient code (its client reconnects and syncs afresh) and send nothing more."""
        if self.connection is not None and not self._write_now(frame):
            await self.send(bytes_data=frame.data)

    def _append_failed(self, error: BaseException) -> None:
        """An update that went on to the store while this socket read on has failed: close
        the socket as if it had waited for it."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._guarded(_reraise(error)))

    def _write_now(self, frame: Frame) -> bool:
        """Under Daphne the frame goes straight to the socket's protocol (`SocketWriter`), at
        once; elsewhere (Channels' test communicator) this returns False and `_write` sends."""
        if self.writer is None:
            return False
        if self.connection is not None:
            self.writer.write(frame)
            if self.writer.over and self._closing is None:
                logger.warning("closing %s: the client is not reading", self.scope["path"])
                self._closing = asyncio.ensure_future(self._shut(CloseCode.TOO_SLOW))
        return True

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.connection is None:
            return
        if bytes_data is not None:
            await self._guarded(self.connection.receive_bytes(bytes_data))
        elif text_data is not None:
            await self._guarded(self.connection.receive_text(text_data))

    async def _guarded(self, work: Awaitable[None]) -> None:
        """Run connection work; a bad frame or a failure closes this socket only."""
        try:
            await work
        except ProtocolError as error:
            logger.info("closing %s: %s", self.scope["path"], error.reason)
            await self._shut(error.code)
        except StoreBusy:
            logger.warning("closing %s: the room store is saturated", self.scope["path"])
            await self._shut(CloseCode.BUSY)
        except DocumentUnavailable as error:
            logger.error("closing %s: %s", self.scope["path"], error)
            await self._shut(CloseCode.UNAVAILABLE)
        except BaseException as exc:  # a Rust panic in pycrdt is a BaseException
            reraise_control_flow(exc)
            logger.exception("closing %s after an internal error", self.scope["path"])
            await self._shut(CloseCode.INTERNAL)

    async def _shut(self, code: int) -> None:
        await self._leave()
        await self.close(code=int(code))

    async def _leave(self) -> None:
        in_room, self.in_room = self.in_room, False
        connection, self.connection = self.connection, None
        slots, self.slots = self.slots, []
        get_hub().sockets.release(slots)
        if self.handshake is not None:
            self.handshake.cancel()
        try:
            if in_room:
                get_hub().rooms.leave(self.slug, self)
            if connection is not None:
                if in_room and self.kind.desks:
                    desk_left(get_hub(), self.slug, connection.author)
                await connection.close()
        except Exception:
            logger.exception("leaving %s failed", self.scope["path"])

    async def room_access_changed(self, event: dict[str, Any]) -> None:
        """A membership of this room changed: re-check this socket's right to be here. A
        board socket then tells its client the role it has now (`access`), so the page can
        follow a change of role, and a facilitator's People panel can refresh."""
        if self.connection is not None:
            access = await self._resolve()
            if access is not None and self.connection is not None:
                self._grant(access)
                if self.kind == DOCUMENT_KINDS["board"]:
                    role = {"type": "access", "role": access.role.value}
                    await self.connection.send(app_message(role))

    async def disconnect(self, code: int) -> None:
        await self._leave()


async def _reraise(error: BaseException) -> None:
    raise error
