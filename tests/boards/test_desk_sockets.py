"""Co-working desks and hands through real sockets: rules hold against a raw client, a desk
goes a while after its person leaves (not on a reload, and also when the process that held
it stopped), bursts are written together, and the focus log keeps each stay."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User

from boards.hub import Hub
from boards.protocol import AwarenessEntry, awareness_message, encode_awareness
from boards.room import Entries
from boards.room_commands import write_room
from boards.store import Topic
from boards.store.memory import MemoryRoomStore
from rooms.models import Activity, FocusEntry, Role
from tests.boards.test_consumer import Peer, command, hub, member, room_map, room_sockets, until

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["hub"]


async def sit(peer: Peer, client_id: int) -> Peer:
    """Say the socket's person is here (an awareness state, as every page sets)."""
    entry = AwarenessEntry(client_id, 1, {"status": "here"})
    await peer.socket.send_to(bytes_data=awareness_message(encode_awareness([entry])))
    return peer


async def desks(peer: Peer, check: Any) -> dict[str, Any]:
    """The desks `peer` sees once `check(desks)` holds."""
    async with asyncio.timeout(5):
        while not check(room_map(peer).get("people") or {}):
            await peer.pump(frames=1)
    return room_map(peer).get("people") or {}


def identity(username: str) -> str:
    return f"u{User.objects.get(username=username).pk}"


async def test_people_set_their_own_desks_and_only_the_host_sets_the_rhythm(hub: Hub) -> None:
    host, maker, watcher = await room_sockets()
    for client_id, peer in enumerate((host, maker, watcher), 1):
        await sit(peer, client_id)
    pat, oli = [await sync_to_async(identity)(name) for name in ("pat", "oli")]
    status = {"type": "status.set", "status": "available", "goal": "Mix the chorus"}
    await maker.socket.send_to(text_data=json.dumps({**status, "id": "u999999"}))
    seen = await desks(host, lambda people: pat in people)
    assert seen == {
        pat: {
            "status": "available",
            "goal": "Mix the chorus",
            "since": seen[pat]["since"],
            "done": None,
        }
    }
    await watcher.socket.send_to(text_data=json.dumps({**status, "goal": "Listen"}))
    assert (await desks(host, lambda people: oli in people))[oli]["goal"] == "Listen"
    rhythm = {"type": "focus.start", "workMinutes": 25, "breakMinutes": 5}
    assert (await command(watcher, rhythm))["code"] == "forbidden"
    assert (await command(maker, rhythm))["code"] == "forbidden"
    too_long = await command(maker, {**status, "goal": "x" * 281})
    assert too_long == {
        "type": "room.error",
        "code": "invalid",
        "message": "A goal is at most 280 characters.",
    }
    await host.socket.send_to(text_data=json.dumps(rhythm))
    people = await desks(maker, lambda people: people.get(pat, {}).get("status") == "focus")
    focus = room_map(maker)["focus"]
    assert focus["workMinutes"] == 25 and focus["breakMinutes"] == 5
    assert people[oli]["status"] == "focus", "everyone available starts focusing"
    assert "u999999" not in people


async def test_a_desk_goes_after_its_person_leaves_and_the_log_keeps_the_stay(
    hub: Hub, settings: Any
) -> None:
    settings.DESK_LEAVE_SECONDS = 0.3
    host, maker, _ = await room_sockets()
    await sit(host, 1)
    await sit(maker, 2)
    pat = await sync_to_async(identity)("pat")
    await maker.socket.send_to(
        text_data=json.dumps({"type": "status.set", "status": "focus", "goal": "Sketch"})
    )
    await desks(host, lambda people: pat in people)
    await asyncio.sleep(0.2)
    await maker.socket.send_to(text_data=json.dumps({"type": "goal.done", "done": True}))
    await desks(host, lambda people: people.get(pat, {}).get("done") is True)
    await maker.socket.disconnect()
    assert pat in await desks(host, lambda people: True), "not gone at once"
    await desks(host, lambda people: pat not in people)
    stay = await sync_to_async(FocusEntry.objects.get)(user__username="pat")
    assert stay.goal == "Sketch" and stay.done is True and stay.ended_at is not None
    assert 200 <= stay.focus_ms < 5000
    news = await sync_to_async(lambda: list(Activity.objects.values_list("verb", "text")))()
    assert news == [(Activity.Verb.GOAL_DONE, "Sketch")]


async def test_a_desk_stays_through_a_reload(hub: Hub, settings: Any) -> None:
    settings.DESK_LEAVE_SECONDS = 0.3
    host, _, _ = await room_sockets()
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "rae")
    first = await sit(await Peer("/ws/rooms/lab/room", cookie).join(), 7)
    rae = await sync_to_async(identity)("rae")
    await first.socket.send_to(
        text_data=json.dumps({"type": "status.set", "status": "focus", "goal": "Edit"})
    )
    await desks(host, lambda people: rae in people)
    await first.socket.disconnect()
    again = await sit(await Peer("/ws/rooms/lab/room", cookie).join(), 8)
    await asyncio.sleep(0.6)
    await until(lambda: len(hub.later) == 0)
    assert rae in room_map(again).get("people", {})
    stays = await sync_to_async(FocusEntry.objects.filter(user__username="rae").count)()
    assert stays == 1, "one stay, still open"


async def test_a_burst_of_desk_commands_is_written_together(hub: Hub) -> None:
    """Everyone's page moves them to focus at once: each command counts, checked on its
    own, and the room document takes a few writes, not one per person."""
    cookies = [await sync_to_async(member)("lab", Role.PARTICIPANT, f"p{n}") for n in range(30)]
    people = [
        await sit(await Peer("/ws/rooms/lab/room", c).join(), n) for n, c in enumerate(cookies, 1)
    ]
    store = hub.store
    assert isinstance(store, MemoryRoomStore)
    log = Topic("lab/room", "log")
    before = len(store._streams.get(log, []))
    goals = [{"type": "status.set", "status": "focus", "goal": f"Goal {n}"} for n in range(30)]
    goals[7]["goal"] = "x" * 281
    await asyncio.gather(
        *(p.socket.send_to(text_data=json.dumps(g)) for p, g in zip(people, goals, strict=True))
    )
    seen = await desks(people[0], lambda desks: len(desks) == 29)
    assert {desk["goal"] for desk in seen.values()} == {f"Goal {n}" for n in range(30) if n != 7}
    while not people[7].replies:
        await people[7].pump(frames=1)
    assert people[7].replies[-1]["code"] == "invalid", "refused alone"
    writes = len(store._streams[log]) - before
    assert writes < 10, f"{writes} writes for 29 desks"


async def test_a_whole_lab_raising_hands_at_once_is_written_together(
    hub: Hub, settings: Any
) -> None:
    """Everyone raises a hand at once: every hand is up, and the room document takes a few
    writes, not one per person; the rules still hold for each command of the batch."""
    settings.ROOM_COMMAND_RATE = (100, 10.0)
    cookies = [await sync_to_async(member)("lab", Role.PARTICIPANT, f"h{n}") for n in range(30)]
    people = [await Peer("/ws/rooms/lab/room", c).join() for c in cookies]
    store = hub.store
    assert isinstance(store, MemoryRoomStore)
    log = Topic("lab/room", "log")
    before = len(store._streams.get(log, []))
    raise_hand = json.dumps({"type": "hand.raise"})
    await asyncio.gather(*(p.socket.send_to(text_data=raise_hand) for p in people))
    async with asyncio.timeout(5):
        while len(room_map(people[0]).get("hands") or {}) < 30:
            await people[0].pump(frames=1)
    assert set(room_map(people[0])["hands"]) == {
        await sync_to_async(identity)(f"h{n}") for n in range(30)
    }
    writes = len(store._streams[log]) - before
    assert writes < 10, f"{writes} writes for 30 hands"
    # Lowering someone else's hand is still the facilitator's alone, checked in the batch.
    await people[1].socket.send_to(
        text_data=json.dumps({"type": "hand.lower", "id": await sync_to_async(identity)("h2")})
    )
    while not people[1].replies:
        await people[1].pump(frames=1)
    assert people[1].replies[-1]["code"] == "forbidden"


async def test_desks_a_stopped_process_left_behind_go_once_someone_joins(
    hub: Hub, settings: Any
) -> None:
    """A server process that stopped never took its people's desks away: the next socket to
    join the room has them swept, while the desks of people here stay."""
    settings.DESK_LEAVE_SECONDS = 0.3
    hour_ago = int(time.time() * 1000) - 3_600_000
    left_behind = {"status": "focus", "goal": "Gone", "since": hour_ago, "done": False}
    host, maker, _ = await room_sockets()
    await sit(host, 1)
    pat = await sync_to_async(identity)("pat")
    await maker.socket.send_to(
        text_data=json.dumps({"type": "status.set", "status": "focus", "goal": "Here"})
    )
    await sit(maker, 2)
    await desks(host, lambda people: pat in people)
    await write_room(
        hub, "lab/room", "test", lambda state, now_ms: {"people": Entries({"u999": left_behind})}
    )
    await desks(host, lambda people: "u999" in people)
    cookie = await sync_to_async(member)("lab", Role.PARTICIPANT, "sol")
    await Peer("/ws/rooms/lab/room", cookie).join()
    seen = await desks(host, lambda people: "u999" not in people)
    assert pat in seen, "the desk of someone here stays"
