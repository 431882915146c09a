"""Live servers: two Daphne processes on one Redis serve the same room; crashes lose nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pycrdt
import pytest

from boards.protocol import AwarenessEntry, awareness_message, encode_awareness
from tests.conftest import LiveCluster, start_cluster
from tests.support.servers import RedisServer
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis


def client(cluster: LiveCluster, index: int, slug: str, doc: str, token: str) -> YClient:
    server = cluster.servers[index]
    return YClient(f"{server.ws_url}/{slug}/{doc}?token={token}", origin=server.http_url)


async def pair(cluster: LiveCluster, slug: str, doc: str = "board") -> tuple[YClient, YClient, str]:
    """A new room and one synced client on each server process."""
    cluster.room(slug)
    token = cluster.token(slug)
    first = await client(cluster, 0, slug, doc, token).join()
    second = await client(cluster, 1, slug, doc, token).join()
    return first, second, token


async def test_clients_on_two_processes_see_each_others_edits(cluster: LiveCluster) -> None:
    left, right, token = await pair(cluster, "studio")
    add_note(left.doc, "from-left", "hello from process 0")
    add_note(right.doc, "from-right", "hello from process 1")
    both = {"from-left", "from-right"}
    await left.wait_for(lambda: set(board_notes(left.doc)) == both)
    await right.wait_for(lambda: set(board_notes(right.doc)) == both)
    assert board_notes(right.doc)["from-left"]["text"] == "hello from process 0"
    latecomer = await client(cluster, 1, "studio", "board", token).join()
    assert set(board_notes(latecomer.doc)) == {"from-left", "from-right"}
    for peer in (left, right, latecomer):
        await peer.close()


async def test_chat_reaches_both_processes_with_server_stamped_author(cluster: LiveCluster) -> None:
    sender, reader, _ = await pair(cluster, "cafe", "chat")
    await sender.command({"type": "chat.send", "text": "  coffee at 11?  "})
    messages = reader.doc.get("messages", type=pycrdt.Array)
    await reader.wait_for(lambda: len(messages) == 1)
    [message] = messages.to_py()
    assert message["text"] == "coffee at 11?"
    assert message["author"] == "Guest" and message["authorId"].startswith("i")
    await sender.close()
    await reader.close()


async def test_killed_worker_loses_nothing_acknowledged(cluster: LiveCluster) -> None:
    """Updates another client has seen survive a SIGKILL of the process that took them,
    and a client that reconnects re-sends what the servers lack."""
    writer, watcher, token = await pair(cluster, "crash")
    for i in range(20):
        add_note(writer.doc, f"n{i}", f"note {i}")
    await watcher.wait_for(lambda: len(board_notes(watcher.doc)) == 20)
    cluster.servers[0].kill()
    await asyncio.wait_for(writer.closed.wait(), 10)
    add_note(writer.doc, "offline", "written while the server was down")
    cluster.servers[0].start()
    await writer.join()  # the same tab reconnects with its local state, as y-websocket does
    await watcher.wait_for(lambda: len(board_notes(watcher.doc)) == 21)
    fresh = await client(cluster, 0, "crash", "board", token).join()
    assert set(board_notes(fresh.doc)) == {f"n{i}" for i in range(20)} | {"offline"}
    for peer in (writer, watcher, fresh):
        await peer.close()


async def test_redis_restart_keeps_every_acknowledged_update(
    cluster: LiveCluster, redis_server: RedisServer
) -> None:
    """Redis runs with an append-only file: a crash of Redis itself loses nothing, and the
    servers carry on once it is back."""
    writer, watcher, token = await pair(cluster, "aof")
    for i in range(10):
        add_note(writer.doc, f"n{i}", f"note {i}")
    await watcher.wait_for(lambda: len(board_notes(watcher.doc)) == 10)
    await writer.close()
    await watcher.close()
    redis_server.stop(kill=True)
    redis_server.start()
    after = await client(cluster, 1, "aof", "board", token).join()
    assert set(board_notes(after.doc)) == {f"n{i}" for i in range(10)}
    other = await client(cluster, 0, "aof", "board", token).join()
    add_note(other.doc, "later", "after the restart")
    await after.wait_for(lambda: "later" in board_notes(after.doc), within=20)
    await after.close()
    await other.close()


def board_errors(peer: YClient) -> list[dict[str, Any]]:
    """The board refusals a client has been told of (its denials come a frame before)."""
    return [reply for reply in peer.replies if reply["type"] == "board.error"]


def duration_ms(peer: YClient) -> object:
    """The room timer's duration as a client has it (None before it has the timer)."""
    return (room_state(peer).get("timer") or {}).get("durationMs")


def room_state(peer: YClient) -> dict[str, Any]:
    return peer.doc.get("room", type=pycrdt.Map).to_py() or {}


async def test_a_lock_set_through_one_process_holds_in_the_other(cluster: LiveCluster) -> None:
    """The facilitator locks the board through process 0; a participant writing through
    process 1 is refused there, and nobody ever sees the change."""
    cluster.room("locked")
    host_token = cluster.token("locked", role="facilitator")
    control = await client(cluster, 0, "locked", "room", host_token).join()
    watcher = await client(cluster, 0, "locked", "board", host_token).join()
    writer = await client(cluster, 1, "locked", "board", cluster.token("locked")).join()
    await control.command({"type": "board.lock", "locked": True})
    await control.wait_for(lambda: room_state(control).get("locked") is True)
    for attempt in range(50):  # until process 1 has read the lock from the log
        add_note(writer.doc, f"try-{attempt}", "while locked")
        try:
            await writer.wait_for(lambda: bool(board_errors(writer)), within=0.2)
            break
        except TimeoutError:
            continue
    assert {r["code"] for r in board_errors(writer)} == {"locked"}
    refusals = len(writer.denied)
    add_note(writer.doc, "refused", "while locked")
    await writer.wait_for(lambda: len(writer.denied) > refusals)
    add_note(watcher.doc, "scaffold", "the facilitator still edits")
    await writer.wait_for(lambda: "scaffold" in board_notes(writer.doc))
    await asyncio.sleep(0.3)
    assert "refused" not in board_notes(watcher.doc)
    for peer in (control, watcher, writer):
        await peer.close()


async def test_commands_through_two_processes_at_once_all_take_effect(
    cluster: LiveCluster,
) -> None:
    cluster.room("timed")
    left = await client(cluster, 0, "timed", "room", cluster.token("timed", "facilitator")).join()
    right = await client(cluster, 1, "timed", "room", cluster.token("timed", "facilitator")).join()
    await left.command({"type": "timer.start", "seconds": 60})
    await right.wait_for(lambda: room_state(right).get("timer", {}).get("running") is True)
    adds = [peer.command({"type": "timer.add", "seconds": 60}) for peer in (left, right) * 5]
    await asyncio.gather(*adds)
    await left.wait_for(lambda: duration_ms(left) == 660_000)
    await right.wait_for(lambda: duration_ms(right) == 660_000)
    assert not left.replies and not right.replies
    await left.close()
    await right.close()


async def test_a_burst_of_votes_through_two_processes_never_overspends(
    cluster: LiveCluster,
) -> None:
    cluster.room("dots")
    host = await client(cluster, 0, "dots", "room", cluster.token("dots", "facilitator")).join()
    token = cluster.token("dots")  # one voter, with a socket on each process
    left = await client(cluster, 0, "dots", "room", token).join()
    right = await client(cluster, 1, "dots", "room", token).join()
    board = await client(cluster, 0, "dots", "board", cluster.token("dots", "facilitator")).join()
    seen = await client(cluster, 1, "dots", "board", token).join()
    for i in range(2):
        add_note(board.doc, f"note-{i}", f"idea {i}")
    await seen.wait_for(lambda: len(board_notes(seen.doc)) == 2)  # process 1 has them too
    await host.command({"type": "vote.start", "budget": 3, "maxPerObject": 2})
    await left.wait_for(lambda: bool((room_state(left).get("vote") or {}).get("open")))
    await right.wait_for(lambda: bool((room_state(right).get("vote") or {}).get("open")))
    casts = [
        peer.command({"type": "vote.cast", "objectId": f"note-{i % 2}"})
        for i, peer in enumerate((left, right) * 5)
    ]
    await asyncio.gather(*casts)
    async with asyncio.timeout(10):  # each client wakes only for its own replies
        while len(left.replies) + len(right.replies) < 10:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    replies = left.replies + right.replies
    accepted = [r for r in replies if r["type"] == "vote.mine"]
    assert len(accepted) == 3 and min(r["left"] for r in accepted) == 0
    assert {r["code"] for r in replies if r["type"] == "room.error"} == {"over_budget"}
    await host.command({"type": "vote.end"})
    await host.wait_for(lambda: room_state(host)["vote"]["open"] is False)
    results = room_state(host)["vote"]["results"]
    assert sum(results.values()) == 3 and max(results.values()) <= 2
    for peer in (host, left, right, board, seen):
        await peer.close()


async def test_a_private_note_reaches_nobody_until_revealed_across_processes(
    cluster: LiveCluster,
) -> None:
    cluster.room("quiet")
    host_token = cluster.token("quiet", "facilitator")
    writer = await client(cluster, 0, "quiet", "private", cluster.token("quiet")).join()
    other_token = cluster.token("quiet")
    other_private = await client(cluster, 1, "quiet", "private", other_token).join()
    other_board = await client(cluster, 1, "quiet", "board", other_token).join()
    control = await client(cluster, 1, "quiet", "room", host_token).join()
    await control.command({"type": "private.start"})
    add_note(writer.doc, "secret", "only mine for now")
    await asyncio.sleep(0.5)  # a few fan-out ticks on both processes
    assert board_notes(other_private.doc) == {} and board_notes(other_board.doc) == {}
    await control.command({"type": "private.reveal"})
    await other_board.wait_for(lambda: "secret" in board_notes(other_board.doc))
    assert board_notes(other_board.doc)["secret"]["text"] == "only mine for now"
    await writer.wait_for(lambda: board_notes(writer.doc) == {})
    assert board_notes(other_private.doc) == {}
    for peer in (writer, other_private, other_board, control):
        await peer.close()


async def test_a_breakout_thread_holds_for_its_members_alone_across_processes(
    cluster: LiveCluster,
) -> None:
    """Groups start through process 0; a participant on process 1 writes in their own
    group's thread, is refused another group's, and is told the thread closed after the
    end, all checked by process 1 from the room document as it has read it."""
    cluster.room("groups")
    host = await client(cluster, 0, "groups", "room", cluster.token("groups", "facilitator")).join()
    ada_token, ben_token = cluster.token("groups"), cluster.token("groups")
    ada_room = await client(cluster, 1, "groups", "room", ada_token).join()
    ada_chat = await client(cluster, 1, "groups", "chat", ada_token).join()
    ben_room = await client(cluster, 0, "groups", "room", ben_token).join()
    ben_chat = await client(cluster, 0, "groups", "chat", ben_token).join()
    await host.command({"type": "breakouts.start", "count": 2})
    await ada_room.wait_for(lambda: bool(room_state(ada_room).get("breakouts")))
    first, second = (g["id"] for g in room_state(ada_room)["breakouts"]["groups"])
    await ada_room.command({"type": "breakouts.join", "group": first})
    await ben_room.command({"type": "breakouts.join", "group": second})

    def members(peer: YClient) -> list[list[str]]:
        groups = (room_state(peer).get("breakouts") or {}).get("groups") or []
        return [g["members"] for g in groups]

    await ada_room.wait_for(lambda: all(members(ada_room)))
    await ada_chat.command({"type": "chat.send", "text": "psst", "thread": second})
    await ada_chat.wait_for(lambda: bool(ada_chat.replies))
    assert ada_chat.replies[-1]["code"] == "forbidden"
    await ada_chat.command({"type": "chat.send", "text": "our idea", "thread": first})
    messages = ben_chat.doc.get("messages", type=pycrdt.Array)
    await ben_chat.wait_for(lambda: len(messages) == 1)
    assert [(m["text"], m["thread"]) for m in messages.to_py()] == [("our idea", first)]
    await host.command({"type": "breakouts.end"})
    await ada_room.wait_for(lambda: room_state(ada_room).get("breakouts") is None)
    await ada_chat.command({"type": "chat.send", "text": "still here?", "thread": first})
    await ada_chat.wait_for(lambda: len(ada_chat.replies) == 2)
    assert ada_chat.replies[-1]["code"] == "closed"
    await asyncio.sleep(0.2)
    assert len(messages) == 1, "nothing refused was stored"
    for peer in (host, ada_room, ada_chat, ben_room, ben_chat):
        await peer.close()


async def here(peer: YClient, client_id: int) -> YClient:
    """Say the client's person is in the room, as a page's awareness state does."""
    entry = AwarenessEntry(client_id, 1, {})
    await peer.send_raw(awareness_message(encode_awareness([entry])))
    return peer


async def test_desks_and_the_rhythm_hold_across_processes(tmp_path: Path, redis_url: str) -> None:
    """Each person writes only their own desk, observers too; only the host sets the rhythm;
    a desk goes a while after its person's socket closes, in the other process too."""
    live = start_cluster(tmp_path, redis_url, 2, DESK_LEAVE_SECONDS="1")
    try:
        live.room("desks", kind="coworking")
        host = await here(
            await client(live, 0, "desks", "room", live.token("desks", "facilitator")).join(), 1
        )
        maker = await here(await client(live, 1, "desks", "room", live.token("desks")).join(), 2)
        watcher = await here(
            await client(live, 1, "desks", "room", live.token("desks", "observer")).join(), 3
        )
        await maker.command({"type": "status.set", "status": "available", "goal": "Score the film"})
        await watcher.command({"type": "status.set", "status": "away", "goal": "Just looking"})
        await host.wait_for(lambda: len(room_state(host).get("people", {})) == 2)
        await maker.command({"type": "focus.start", "workMinutes": 50, "breakMinutes": 10})
        await maker.wait_for(lambda: bool(maker.replies))
        assert maker.replies[-1]["code"] == "forbidden"
        await maker.command({"type": "goal.done", "done": True, "id": "i1"})
        await host.command({"type": "focus.start", "workMinutes": 50, "breakMinutes": 10})
        expected = [("Just looking", "away", None), ("Score the film", "focus", True)]

        def statuses() -> list[tuple[str, str, bool | None]]:
            people = room_state(maker).get("people", {})
            return sorted((desk["goal"], desk["status"], desk["done"]) for desk in people.values())

        await maker.wait_for(lambda: room_state(maker).get("focus") is not None)
        await maker.wait_for(lambda: statuses() == expected)
        await maker.close()
        await host.wait_for(lambda: len(room_state(host).get("people", {})) == 1, within=10)
        for peer in (host, watcher):
            await peer.close()
    finally:
        for server in live.servers:
            server.stop()


async def test_a_show_of_hands_through_two_processes_keeps_the_rules(
    cluster: LiveCluster,
) -> None:
    """Hands raised at once through both processes are all up; an observer may not raise
    one, a participant may not lower another's, and the facilitator may, seen everywhere."""
    cluster.room("hands")
    host = await client(cluster, 0, "hands", "room", cluster.token("hands", "facilitator")).join()
    people = [
        await client(cluster, n % 2, "hands", "room", cluster.token("hands")).join()
        for n in range(6)
    ]
    watcher = await client(cluster, 1, "hands", "room", cluster.token("hands", "observer")).join()
    await asyncio.gather(*(peer.command({"type": "hand.raise"}) for peer in [*people, watcher]))
    await host.wait_for(lambda: len(room_state(host).get("hands", {})) == 6)
    await watcher.wait_for(lambda: bool(watcher.replies))
    assert watcher.replies[-1]["code"] == "forbidden"
    raised = set(room_state(host)["hands"])
    await people[1].command({"type": "hand.lower"})  # their own
    await host.wait_for(lambda: len(room_state(host)["hands"]) == 5)
    others = sorted(room_state(host)["hands"])
    assert set(others) < raised
    await people[1].command({"type": "hand.lower", "id": others[0]})
    await people[1].wait_for(lambda: bool(people[1].replies))
    assert people[1].replies[-1]["code"] == "forbidden"
    await host.command({"type": "hand.lower", "id": others[0]})
    await people[1].wait_for(lambda: sorted(room_state(people[1])["hands"]) == others[1:])
    for peer in (host, watcher, *people):
        await peer.close()
