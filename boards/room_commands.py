"""Room commands: checked by `boards.room`, written by the server into the room document
(`<slug>/room`, map `room`), from which every client reads the lab's shared state."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

import pycrdt
from django.conf import settings

from boards.connection import DocumentConnection, write_as_server
from boards.documents import load_document
from boards.hub import Hub
from boards.protocol import RunCommand, app_message
from boards.room import Actor, RoomRejected, ballot, current, open_vote, permit, run
from boards.store import room_of
from rooms.permissions import Access

#: How long a command waits for another process's command on the same room to finish.
TURN_WAIT_SECONDS = 2.0
TURN_TTL_SECONDS = 5.0
#: The commands that cast (+1) or take back (-1) one vote.
BALLOTS = {"vote.cast": 1, "vote.retract": -1}


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
            if command.name in BALLOTS:
                await self._vote(connection, command, self.actor)
            else:
                await self._carry_out(connection, command, self.actor)
        except RoomRejected as error:
            reply = {"type": "room.error", "code": error.code, "message": error.message}
            await connection.send(app_message(reply))

    async def _spend(self, connection: DocumentConnection) -> None:
        count, seconds = settings.ROOM_COMMAND_RATE
        key = f"{connection.doc_name}/rate/{self.access.identity.id}"
        if not await connection.hub.store.spend(key, 1, int(count), int(seconds * 1000)):
            raise RoomRejected("rate_limited", "Slow down a little: too many commands.")

    async def joined(self, connection: DocumentConnection) -> None:
        """Tell a voter who (re)joins while a vote is open what they have voted so far."""
        actor = self.actor
        try:
            vote = open_vote(current(connection.hub.values(connection.doc_name, "room")), actor)
        except RoomRejected:
            return
        budget, per_object = int(vote["budget"]), int(vote["maxPerObject"])
        mine = await connection.hub.store.cast_vote(
            _vote_name(connection, vote["id"]), actor.id, "-", 0, budget, per_object
        )
        await connection.send(app_message(_mine(mine or {}, budget)))

    async def _vote(
        self, connection: DocumentConnection, command: RunCommand, actor: Actor
    ) -> None:
        """Cast or take back one dot: counted in the store alone (no shared document holds
        anyone's votes while the vote is open); the voter learns their own votes."""
        state = current(connection.hub.values(connection.doc_name, "room"))
        vote_id, target, budget, per_object = ballot(state, command.data, actor)
        delta = BALLOTS[command.name]
        mine = await connection.hub.store.cast_vote(
            _vote_name(connection, vote_id), actor.id, target, delta, budget, per_object
        )
        if mine is None:
            if delta > 0:
                raise RoomRejected(
                    "over_budget",
                    f"You have used your votes ({budget}, at most {per_object} on one object).",
                )
            raise RoomRejected("invalid", "You have no vote on that to take back.")
        await connection.send(app_message(_mine(mine, budget)))

    async def _carry_out(
        self, connection: DocumentConnection, command: RunCommand, actor: Actor
    ) -> None:
        permit(command.name, command.data, actor)  # before any work done for the command
        store, name = connection.hub.store, connection.doc_name
        deadline = time.monotonic() + TURN_WAIT_SECONDS
        while True:
            async with store.lock(f"room-commands:{name}", TURN_TTL_SECONDS) as acquired:
                if acquired:
                    context, ended = await self._context(connection, command)
                    await write_as_server(
                        connection.hub,
                        name,
                        actor.id,
                        partial(_apply, command=command, actor=actor, context=context),
                    )
                    if ended is not None:  # its results are out: no record of who voted
                        await store.forget_vote(ended)
                    return
            if time.monotonic() > deadline:
                raise RoomRejected("rate_limited", "The room is busy: try again in a moment.")
            await asyncio.sleep(0.02)

    async def _context(
        self, connection: DocumentConnection, command: RunCommand
    ) -> tuple[dict[str, Any], str | None]:
        """What a command needs from the server (a new vote's id, the open vote's results),
        and the vote it ends, if any."""
        if command.name == "vote.start":
            return {"voteId": uuid.uuid4().hex[:16]}, None
        if command.name == "private.reveal":
            access = self.access
            moved = await reveal(connection.hub, access.room.slug, access.room.anonymous, access)
            return {"revealed": moved}, None
        if command.name == "vote.end":
            # As stored, not as this process has read it: the vote may have started through
            # another process a moment ago (the turn is held, so it is current).
            loaded = await load_document(connection.hub.store, connection.doc_name)
            vote = room_values(loaded.doc)["vote"]
            if vote is not None and vote.get("open"):
                ended = _vote_name(connection, vote["id"])
                return {"results": await connection.hub.store.vote_results(ended)}, ended
            return {"results": {}}, None
        return {}, None


#: The fields of a board object a revealed note keeps (plain values, and its text).
NOTE_FIELDS = ("type", "x", "y", "w", "h", "color", "z", "createdAt", "fontSize", "shape")
REVEALED_TYPES = frozenset({"note", "text", "shape"})


async def reveal(hub: Hub, slug: str, anonymous: bool, access: Access) -> int:
    """Move every private note of room `slug` onto its board, under its writer's name (none
    in an anonymous room), then empty the private documents. Returns how many moved.
    A note keeps its id, so a reveal cut short and run again moves nothing twice."""
    moved: dict[str, dict[str, Any]] = {}
    limit = settings.BOARD_MAX_OBJECTS
    names = await hub.store.logs(f"{slug}/private.")
    for name in names:
        owner = name.rpartition(".")[2]
        objects = (await load_document(hub.store, name)).doc.get("objects", type=pycrdt.Map)
        for key, value in objects.items():
            if isinstance(value, pycrdt.Map):
                moved[key] = _revealed(value, owner, anonymous)
        if len(moved) > limit:
            raise RoomRejected("invalid", f"A board holds at most {limit} objects.")
    if not moved:
        return 0

    def place(doc: pycrdt.Doc) -> None:
        board = doc.get("objects", type=pycrdt.Map)
        if len(board) + len([k for k in moved if k not in board]) > limit:
            raise RoomRejected("invalid", f"The board has no room for {len(moved)} more notes.")
        with doc.transaction():
            for key, fields in moved.items():
                board[key] = pycrdt.Map({**fields, "text": pycrdt.Text(fields["text"])})

    await write_as_server(hub, f"{slug}/board", access.identity.id, place)
    for name in names:
        await write_as_server(hub, name, access.identity.id, _emptied)
    return len(moved)


def _revealed(note: pycrdt.Map, owner: str, anonymous: bool) -> dict[str, Any]:
    """A private note as a board object: its plain fields and text, its writer's id."""
    fields: dict[str, Any] = {}
    for field in NOTE_FIELDS:
        value = note.get(field)
        if isinstance(value, str | float | int) and not isinstance(value, bool):
            fields[field] = value
    text = note.get("text")
    fields["text"] = str(text) if isinstance(text, pycrdt.Text | str) else ""
    if fields.get("type") not in REVEALED_TYPES:
        fields["type"] = "note"
    author = note.get("author")
    fields["author"] = "" if anonymous else (author if isinstance(author, str) else "")
    fields["authorId"] = "" if anonymous else owner
    return fields


def _vote_name(connection: DocumentConnection, vote_id: str) -> str:
    """The store's name of a vote of the connection's room ("<room slug>/<vote id>")."""
    return f"{room_of(connection.doc_name)}/{vote_id}"


def _mine(votes: dict[str, int], budget: int) -> dict[str, Any]:
    return {"type": "vote.mine", "votes": votes, "left": budget - sum(votes.values())}


def _emptied(doc: pycrdt.Doc) -> None:
    objects = doc.get("objects", type=pycrdt.Map)
    with doc.transaction():
        for key in list(objects.keys()):
            del objects[key]


def _apply(doc: pycrdt.Doc, command: RunCommand, actor: Actor, context: dict[str, Any]) -> None:
    """Carry out `command` on a room document (raises RoomRejected before changing it)."""
    now_ms = int(time.time() * 1000)
    changes = run(room_values(doc), command.name, command.data, actor, now_ms, context)
    room = doc.get("room", type=pycrdt.Map)
    with doc.transaction():
        for key, value in changes.items():
            room[key] = value
