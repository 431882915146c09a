"""Room commands: checked by `boards.room`, written by the server into the room document
(`<slug>/room`, map `room`), from which every client reads the lab's shared state."""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from functools import partial
from random import SystemRandom
from typing import Any

import pycrdt
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings

from boards.attendance import present_in
from boards.breakouts import breakout_frames
from boards.connection import DocumentConnection, write_as_server
from boards.documents import load_document
from boards.history import HistoryTooLong, history_since
from boards.hub import Hub
from boards.playback import remember_phases
from boards.protocol import RunCommand, app_message
from boards.restore import (
    MAX_RESTORE_BYTES,
    MAX_RESTORE_UPDATES,
    Restored,
    board_at,
    deleted_since,
    restore,
)
from boards.reveal import reveal
from boards.room import (
    MAX_PEOPLE,
    Actor,
    Changes,
    Entries,
    RoomRejected,
    ballot,
    check_recording,
    current,
    leave,
    merged,
    open_vote,
    permit,
    phase_after,
    phase_of,
    plan_groups,
    restore_point,
    reveal_setting,
    run,
)
from boards.store import RoomStore, create_store, room_of
from rooms.desk_log import record_desks
from rooms.models import Recording
from rooms.permissions import Access
from rooms.recordings import (
    forget_recording,
    records_labs,
    shown,
    start_recording,
    stop_recording,
)

#: How long a command waits for another process's command on the same room to finish.
TURN_WAIT_SECONDS = 2.0
TURN_TTL_SECONDS = 5.0
#: The commands that cast (+1) or take back (-1) one vote.
BALLOTS = {"vote.cast": 1, "vote.retract": -1}
#: The commands people send about themselves, often all at once (a block starts and every
#: page moves its person to focus; everyone raises a hand): written together (`BurstQueue`).
BURST_COMMANDS = frozenset({"status.set", "goal.done", "hand.raise", "hand.lower"})
#: The commands whose context is read from the room document as stored (`_context`).
TURN_CONTEXT = frozenset(
    {
        "vote.start",
        "vote.end",
        "phase.go",
        "agenda.set",
        "breakouts.start",
        "private.reveal",
        "recording.start",
        "recording.stop",
    }
)
#: The commands that may take the room into its first phase or out of its last.
PHASE_COMMANDS = frozenset({"phase.go", "agenda.set"})
_start_recording = database_sync_to_async(start_recording)
_stop_recording = database_sync_to_async(stop_recording)
_forget_recording = database_sync_to_async(forget_recording)
_records_labs = database_sync_to_async(records_labs)
_record_desks = database_sync_to_async(record_desks)


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
        """Tell a voter who (re)joins while a vote is open what they have voted so far; and
        look, a while later, for desks nobody holds any more (`sweep_desks`)."""
        slug = self.access.room.slug
        sweep = partial(sweep_desks, connection.hub, slug)
        connection.hub.later.once(("desk-sweep", slug), settings.DESK_LEAVE_SECONDS, sweep)
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
        delta = BALLOTS[command.name]
        board = partial(connection.hub.entry, connection.sibling("board"), "objects")
        vote_id, target, budget, per_object = ballot(
            state, command.data, actor, board if delta > 0 else None
        )
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
        if command.name in BURST_COMMANDS:
            await burst_queue(connection.hub, name).submit(actor, command)
            return
        async with room_turn(store, name):
            context, ended = await self._context(connection, command)
            decide = partial(_run, command=command, actor=actor, context=context)
            try:
                written = await write_room(connection.hub, name, actor.id, decide)
            except BaseException:
                if context.get("recording"):  # made for this command, never shown
                    await _forget_recording(context["recording"]["id"])
                raise
            if ended is not None:  # its results are out: no record of who voted
                await store.forget_vote(ended)
        await log_desks(name, written)

    async def _context(
        self, connection: DocumentConnection, command: RunCommand
    ) -> tuple[dict[str, Any], str | None]:
        """What a command needs the server to look up or do first (a new vote's id, the
        open vote's results, the private notes revealed, breakout frames made, the board
        restored, a recording started or ended), and the vote it ends, if any. Read from
        the room as stored, not as this process has read it: a vote may have started
        through another process a moment ago (the turn is held, so it is current)."""
        if command.name == "board.restore":
            since_ms, whole = restore_point(command.data, int(time.time() * 1000))
            restored = await restore_board(
                connection.hub, self.access.room.slug, self.actor.id, since_ms, whole
            )
            await connection.send(app_message({"type": "board.restored", **asdict(restored)}))
            return {}, None
        if command.name not in TURN_CONTEXT:
            return {}, None
        started_ms = int(time.time() * 1000)
        loaded = await load_document(connection.hub.store, connection.doc_name)
        state = room_values(loaded.doc)
        if command.name.startswith("recording."):
            return await self._recording(state, command, started_ms, connection.hub.store), None
        context: dict[str, Any] = {}
        ended = None
        vote = state["vote"]
        phase = phase_of(state, command.data) if command.name == "phase.go" else None
        tools = (phase or {}).get("tools") or {}
        room, author = self.access.room, self.actor.id
        if command.name == "private.reveal" or (
            phase is not None and state["private"] and not tools.get("private")
        ):
            frame, nameless = reveal_setting(state)
            anonymous = room.anonymous or nameless
            moved = await reveal(connection.hub, room.slug, anonymous, author, frame)
            context["revealed"] = moved
        if (command.name == "vote.end" or phase is not None) and vote and vote.get("open"):
            ended = _vote_name(connection, vote["id"])
            context["results"] = await connection.hub.store.vote_results(ended)
        elif command.name == "vote.end":
            context["results"] = {}
        if command.name == "vote.start" or tools.get("vote"):
            context["voteId"] = uuid.uuid4().hex[:16]
        groups = None
        if command.name == "breakouts.start":
            groups = plan_groups(command.data, SystemRandom().shuffle)
        elif tools.get("breakouts"):
            asked = {"count": tools["breakouts"]["count"], **_people_of(command.data)}
            groups = plan_groups(asked, SystemRandom().shuffle)
        if groups is not None:
            context["groups"] = await breakout_frames(connection.hub, room.slug, groups, author)
        context.update(await self._recording(state, command, started_ms, connection.hub.store))
        return context, ended

    async def _recording(
        self, state: dict[str, Any], command: RunCommand, started_ms: int, store: RoomStore
    ) -> dict[str, Any]:
        """The room's `recording` as the command leaves it, if it changes it: a recording
        the server has made (`recording.start`, or a lab that records reaching its first
        phase, from no phase) or ended (`recording.stop`, or leaving the last phase ends
        the recording the first one started). A recording starts at `started_ms`, before
        the server wrote anything else for the command; one that ends keeps the titles of
        its phases for the recordings lists."""
        room, actor, running = self.access.room, self.actor, state["recording"]
        if command.name == "recording.start":
            check_recording(state, running=False)
            title = command.data.get("title")
            made = await _start_recording(room, title, actor.id, False, started_ms)
            return {"recording": made}
        now_ms = int(time.time() * 1000)
        if command.name == "recording.stop":
            check_recording(state, running=True)
            await _stop_recording(running["id"], now_ms)
            await remember_phases(store, running["id"])
            return {"recording": None}
        if command.name not in PHASE_COMMANDS:
            return {}
        before = state["phase"]
        after = phase_after(state, command.name, command.data, actor, now_ms)
        starts = before is None and after is not None and running is None
        ends = before is not None and after is None and running is not None
        if starts and await _records_labs(room.pk):
            made = await _start_recording(room, "", actor.id, True, started_ms)
            return {"recording": made}
        if ends and await _stop_recording(running["id"], now_ms, automatic_only=True):
            await remember_phases(store, running["id"])
            return {"recording": None}
        return {}


@asynccontextmanager
async def room_turn(store: RoomStore, name: str) -> AsyncIterator[None]:
    """Hold the turn of room document `name`: whatever changes it (commands, and changes to
    a recording made over HTTP) takes turns across server processes, through a lock in the
    room store. RoomRejected (`rate_limited`) when it stays busy for `TURN_WAIT_SECONDS`."""
    deadline = time.monotonic() + TURN_WAIT_SECONDS
    while True:
        async with store.lock(f"room-commands:{name}", TURN_TTL_SECONDS) as acquired:
            if acquired:
                yield
                return
        if time.monotonic() > deadline:
            raise RoomRejected("rate_limited", "The room is busy: try again in a moment.")
        await asyncio.sleep(0.02)


def show_recording(sender: type, slug: str, recording: Recording, by: str, **kwargs: Any) -> None:
    """Show a recording renamed or stopped over HTTP in room `slug`'s document, if it is the
    one the room shows (receives `rooms.signals.recording_changed`, after the change has
    committed). Sync code; when the store cannot be reached, the change stays made and the
    failure is logged, and the room document shows it from the next change on."""
    value = shown(recording) if recording.ended_ms is None else None
    async_to_sync(_show_recording)(slug, str(recording.pk), value, by)


async def _show_recording(
    slug: str, recording_id: str, value: dict[str, object] | None, author: str
) -> None:
    hub, name = Hub(create_store(), compact=False), f"{slug}/room"
    try:
        async with room_turn(hub.store, name):
            write = partial(_replace_recording, recording_id=recording_id, value=value)
            await write_as_server(hub, name, author, write)
    finally:
        await hub.close()


def _replace_recording(doc: pycrdt.Doc, recording_id: str, value: dict[str, object] | None) -> None:
    showing = room_values(doc)["recording"]
    if isinstance(showing, dict) and showing.get("id") == recording_id:
        doc.get("room", type=pycrdt.Map)["recording"] = value


def _people_of(data: dict[str, Any]) -> dict[str, Any]:
    """The people present that a facilitator's `phase.go` names, for its breakout groups."""
    return {"people": data["people"]} if "people" in data else {}


async def restore_board(hub: Hub, slug: str, author: str, since_ms: int, whole: bool) -> Restored:
    """Bring back what was deleted from room `slug`'s board since server time `since_ms`, or
    (`whole`) make the board as it was then, written by the server as one normal update
    (a locked board too). The history is replayed in a worker thread, not on the loop."""
    name = f"{slug}/board"
    try:
        keyframe, entries = await history_since(
            hub.store,
            name,
            since_ms,
            since_ms if whole else None,
            MAX_RESTORE_UPDATES,
            MAX_RESTORE_BYTES,
        )
    except HistoryTooLong as error:
        raise RoomRejected(
            "invalid",
            f"The board changed too much since then to replay (over {MAX_RESTORE_UPDATES:,} "
            f"changes or {MAX_RESTORE_BYTES // 2**20} MiB of them): go back less far.",
        ) from error
    find = board_at if whole else deleted_since
    wanted = await asyncio.to_thread(find, keyframe, entries, since_ms)
    done: list[Restored] = []

    def write(doc: pycrdt.Doc) -> None:
        done.append(restore(doc, wanted, whole, settings.BOARD_MAX_OBJECTS))

    await write_as_server(hub, name, author, write)
    return done[-1]


def _vote_name(connection: DocumentConnection, vote_id: str) -> str:
    """The store's name of a vote of the connection's room ("<room slug>/<vote id>")."""
    return f"{room_of(connection.doc_name)}/{vote_id}"


def _mine(votes: dict[str, int], budget: int) -> dict[str, Any]:
    return {"type": "vote.mine", "votes": votes, "left": budget - sum(votes.values())}


def _run(
    state: dict[str, Any], now_ms: int, command: RunCommand, actor: Actor, context: dict[str, Any]
) -> Changes:
    return run(state, command.name, command.data, actor, now_ms, context)


#: A room document written: its state before, the changes, and when (server time, ms).
Written = tuple[dict[str, Any], Changes, int]


async def write_room(
    hub: Hub, name: str, author: str, decide: Callable[[dict[str, Any], int], Changes]
) -> Written | None:
    """Write to room document `name` what `decide` makes of its state now (it raises
    RoomRejected before anything is changed), each key a plain value."""
    made: list[Written] = []

    def write(doc: pycrdt.Doc) -> None:
        now_ms = int(time.time() * 1000)
        state = room_values(doc)
        changes = decide(state, now_ms)
        values, room = merged(state, changes), doc.get("room", type=pycrdt.Map)
        with doc.transaction():
            for key in changes:
                room[key] = values[key]
        made.append((state, changes, now_ms))

    await write_as_server(hub, name, author, write)
    return made[-1] if made else None


async def log_desks(name: str, written: Written | None) -> None:
    """Write the changes a room document's write made to people's desks to their focus
    logs (after the room's turn: the database is not the room's to wait for)."""
    if written is None or not isinstance(written[1].get("people"), Entries):
        return
    state, changes, now_ms = written
    moves = [(who, state["people"].get(who), entry) for who, entry in changes["people"].items()]
    await _record_desks(room_of(name), moves, now_ms)


class BurstQueue:
    """The burst commands (desks and hands: `BURST_COMMANDS`) of one room waiting in this
    process: one write carries every one that waits when the room's turn comes, so a burst,
    such as everyone's page moving them to focus as a block starts, or a whole lab raising
    hands, is a few writes and a few updates to send, not one per person (each of which
    would wait for the room's turn). Each command is checked on its own, against the state
    the ones before it leave; the write is stamped with the first sender."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub, self.name = hub, name
        self.waiting: list[tuple[Actor, RunCommand, asyncio.Future[None]]] = []
        self.task: asyncio.Task[None] | None = None

    async def submit(self, actor: Actor, command: RunCommand) -> None:
        """Carry out `command` with the others waiting; RoomRejected if it is refused."""
        if len(self.waiting) >= MAX_PEOPLE:
            raise RoomRejected("rate_limited", "The room is busy: try again in a moment.")
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((actor, command, done))
        if self.task is None:
            self.task = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                try:
                    outcomes = await self._write(batch)
                except Exception as error:
                    outcomes = [error] * len(batch)
                except BaseException:  # cancelled: so are the commands it carried
                    for _, _, done in batch:
                        done.cancel()
                    raise
                for (_, _, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():
                        continue
                    if outcome is None:
                        done.set_result(None)
                    else:
                        done.set_exception(outcome)
        finally:
            self.task = None
            if _burst_queues.get(self.hub, {}).get(self.name) is self and not self.waiting:
                del _burst_queues[self.hub][self.name]

    async def _write(
        self, batch: list[tuple[Actor, RunCommand, asyncio.Future[None]]]
    ) -> list[Exception | None]:
        context: dict[str, Any] = {}
        seated = self.hub.values(self.name, "room").get("people") or {}
        if len(seated) + len(batch) >= MAX_PEOPLE:  # desks left behind may have to make room
            present = await present_in(self.hub.store, room_of(self.name))
            context["present"] = frozenset(who for who, _ in present)
        outcomes: list[Exception | None] = []

        def decide(state: dict[str, Any], now_ms: int) -> Changes:
            outcomes.clear()
            total: Changes = {}
            for actor, command, _ in batch:
                try:
                    changes = run(state, command.name, command.data, actor, now_ms, context)
                except RoomRejected as refused:
                    outcomes.append(refused)
                    continue
                outcomes.append(None)
                state = merged(state, changes)
                for key, value in changes.items():
                    known = total.get(key)
                    total[key] = (
                        Entries({**known, **value}) if isinstance(known, Entries) else value
                    )
            return total

        async with room_turn(self.hub.store, self.name):
            written = await write_room(self.hub, self.name, batch[0][0].id, decide)
        await log_desks(self.name, written)
        return outcomes


_burst_queues: weakref.WeakKeyDictionary[Hub, dict[str, BurstQueue]] = weakref.WeakKeyDictionary()


def burst_queue(hub: Hub, name: str) -> BurstQueue:
    """The queue of burst commands of room document `name` in this process."""
    queues = _burst_queues.setdefault(hub, {})
    queue = queues.get(name)
    if queue is None:
        queue = queues[name] = BurstQueue(hub, name)
    return queue


async def leave_desk(hub: Hub, slug: str, person: str) -> None:
    """Take `person`'s desk away in room `slug` once they have left: no socket of theirs,
    in any server process, holds a presence state in the room's document or board."""
    if any(who == person for who, _ in await present_in(hub.store, slug)):
        return
    name = f"{slug}/room"
    async with room_turn(hub.store, name):
        written = await write_room(hub, name, person, lambda state, now_ms: leave(state, person))
    await log_desks(name, written)


async def sweep_desks(hub: Hub, slug: str) -> None:
    """Take away, together, the desks of room `slug` that no socket holds in any process
    and whose status has not changed for `settings.DESK_LEAVE_SECONDS`: those a stopped
    server process left behind before their `leave_desk` could run."""
    name = f"{slug}/room"
    seated = hub.values(name, "room").get("people") or {}
    if not seated:
        return
    present = {who for who, _ in await present_in(hub.store, slug)}
    settled_before = time.time() * 1000 - settings.DESK_LEAVE_SECONDS * 1000
    left = [
        person
        for person, desk in seated.items()
        if person not in present
        and isinstance(desk, dict)
        and isinstance(desk.get("since"), int | float)
        and desk["since"] < settled_before
    ]
    if not left:
        return
    async with room_turn(hub.store, name):
        written = await write_room(hub, name, left[0], lambda state, now_ms: leave(state, *left))
    await log_desks(name, written)


def desk_left(hub: Hub, slug: str, person: str) -> None:
    """A socket of `person` to room `slug` is closing: if they are at a desk, it goes
    `settings.DESK_LEAVE_SECONDS` later, unless they are back by then (a reload, another
    tab, a dropped connection that comes back)."""
    if person not in (hub.values(f"{slug}/room", "room").get("people") or {}):
        return
    hub.later.run(
        ("desk", slug, person), settings.DESK_LEAVE_SECONDS, partial(leave_desk, hub, slug, person)
    )
