"""Room commands: checked by `boards.room`, written by the server into the room document
(`<slug>/room`, map `room`), from which every client reads the lab's shared state."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import pycrdt
from django.conf import settings

from boards.connection import DocumentConnection, write_as_server
from boards.protocol import RunCommand, app_message
from boards.room import Actor, RoomRejected, current, run
from rooms.permissions import Access

#: How long a command waits for another process's command on the same room to finish.
TURN_WAIT_SECONDS = 2.0
TURN_TTL_SECONDS = 5.0


def room_values(doc: pycrdt.Doc) -> dict[str, Any]:
    """The room state a room document holds (defaults for keys never written)."""
    return current(doc.get("room", type=pycrdt.Map).to_py() or {})


@dataclass
class RoomCommands:
    """Handles one connection's room commands.

    Commands on one room take turns across server processes (a lock in the room store), and
    each reads the state the previous one left: two facilitators adding time at once add
    both. Each person may send `settings.ROOM_COMMAND_RATE` commands (count, seconds).
    """

    access: Access

    @property
    def actor(self) -> Actor:
        return Actor(
            self.access.identity.id,
            facilitator=self.access.can_facilitate,
            writer=self.access.can_write_board,
        )

    async def __call__(self, connection: DocumentConnection, command: RunCommand) -> None:
        try:
            await self._spend(connection)
            await self._carry_out(connection, command, self.actor)
        except RoomRejected as error:
            reply = {"type": "room.error", "code": error.code, "message": error.message}
            await connection.send(app_message(reply))

    async def _spend(self, connection: DocumentConnection) -> None:
        count, seconds = settings.ROOM_COMMAND_RATE
        key = f"{connection.doc_name}/rate/{self.access.identity.id}"
        if not await connection.hub.store.spend(key, 1, int(count), int(seconds * 1000)):
            raise RoomRejected("rate_limited", "Slow down a little: too many commands.")

    async def _carry_out(
        self, connection: DocumentConnection, command: RunCommand, actor: Actor
    ) -> None:
        store, name = connection.hub.store, connection.doc_name
        deadline = time.monotonic() + TURN_WAIT_SECONDS
        while True:
            async with store.lock(f"room-commands:{name}", TURN_TTL_SECONDS) as acquired:
                if acquired:
                    await write_as_server(
                        connection.hub, name, actor.id, lambda doc: _apply(doc, command, actor)
                    )
                    return
            if time.monotonic() > deadline:
                raise RoomRejected("rate_limited", "The room is busy: try again in a moment.")
            await asyncio.sleep(0.02)


def _apply(doc: pycrdt.Doc, command: RunCommand, actor: Actor) -> None:
    """Carry out `command` on a room document (raises RoomRejected before changing it)."""
    changes = run(room_values(doc), command.name, command.data, actor, int(time.time() * 1000))
    room = doc.get("room", type=pycrdt.Map)
    with doc.transaction():
        for key, value in changes.items():
            room[key] = value
