"""Hostile clients against two live server processes on one Redis: every vector is refused or
closed, both processes stay up, and the room still joins."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pycrdt
import pytest
import redis
import websockets
from pycrdt import write_var_uint
from websockets.typing import Origin

from boards.protocol import AwarenessEntry, decode_awareness, encode_awareness, update_message
from tests.conftest import LiveCluster, start_cluster
from tests.support.servers import RedisServer
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis

LIMITS = {
    "BOARD_MAX_OBJECTS": "40",
    "WS_SOCKETS_PER_PERSON": "6",
    "WS_HANDSHAKE_SECONDS": "2",
    "WS_SEND_QUEUE_BYTES": str(1024 * 1024),
    "WRITE_BYTES_PER_MINUTE": str(2 * 1024 * 1024),
}


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer
) -> Iterator[LiveCluster]:
    live = start_cluster(tmp_path_factory.mktemp("hostile"), redis_server.url, 2, **LIMITS)
    yield live
    for server in live.servers:
        server.stop()


def client(cluster: LiveCluster, index: int, slug: str, token: str, doc: str = "board") -> YClient:
    server = cluster.servers[index]
    return YClient(f"{server.ws_url}/{slug}/{doc}?token={token}", origin=server.http_url)


async def still_serving(cluster: LiveCluster, slug: str, token: str) -> list[YClient]:
    """Both processes are up and a fresh client joins the room on each."""
    for server in cluster.servers:
        assert server.process is not None and server.process.poll() is None
    joined = [await client(cluster, i, slug, token).join() for i in range(2)]
    for peer in joined:
        await peer.close()
    return joined


def var_string(text: str) -> bytes:
    data = text.encode()
    return write_var_uint(len(data)) + data


def nested_maps(client_id: int, depth: int) -> bytes:
    """One update of `depth` Y.Maps, each under key "k" of the one before (built by hand:
    pycrdt itself would overflow its stack deleting them)."""
    parts = [b"\x01", write_var_uint(depth), write_var_uint(client_id), b"\x00"]
    parts.append(b"\x27\x01" + var_string("objects") + var_string("k") + b"\x01")
    for clock in range(1, depth):
        parts.append(
            b"\x27\x00"
            + write_var_uint(client_id)
            + write_var_uint(clock - 1)
            + var_string("k")
            + b"\x01"
        )
    return b"".join(parts) + b"\x00"


def nested_arrays(depth: int) -> bytes:
    """One update setting objects["bad"] to a plain value of `depth` nested arrays."""
    value = b"\x75\x01" * depth + b"\x7e"
    return (
        b"\x01\x01\x01\x00\x28\x01"
        + var_string("objects")
        + var_string("bad")
        + b"\x01"
        + value
        + b"\x00"
    )


def errors(peer: YClient) -> list[str]:
    return [reply["code"] for reply in peer.replies if reply.get("type") == "board.error"]


async def test_observer_bomb_on_the_chat_socket(hostile: LiveCluster) -> None:
    hostile.room("bomb-chat")
    observer = await client(
        hostile, 0, "bomb-chat", hostile.token("bomb-chat", "observer"), "chat"
    ).join()
    await observer.send_raw(update_message(nested_arrays(100_000)))
    await observer.wait_for(lambda: bool(observer.denied))
    await observer.close()
    await still_serving(hostile, "bomb-chat", hostile.token("bomb-chat"))


async def test_deeply_nested_maps_and_their_deletion(hostile: LiveCluster) -> None:
    hostile.room("maps")
    token = hostile.token("maps")
    writer = await client(hostile, 0, "maps", token).join()
    await writer.send_raw(update_message(nested_maps(777, 50_000)))
    await writer.wait_for(lambda: "too_deep" in errors(writer), within=30)
    delete_root = b"\x00\x01" + write_var_uint(777) + b"\x01\x00\x01"
    await writer.send_raw(update_message(delete_root))
    add_note(writer.doc, "good", "still here")
    watcher = await client(hostile, 1, "maps", token).join()
    await watcher.wait_for(lambda: "good" in board_notes(watcher.doc))
    assert "k" not in board_notes(watcher.doc)
    await writer.close()
    await watcher.close()
    await still_serving(hostile, "maps", token)


async def writer_and_watcher(hostile: LiveCluster, slug: str) -> tuple[YClient, YClient, list[int]]:
    """A new room, a writer on one process, a watcher (of another person) on the other, and
    the sizes of the updates the watcher receives."""
    hostile.room(slug)
    writer = await client(hostile, 0, slug, hostile.token(slug)).join()
    watcher = await client(hostile, 1, slug, hostile.token(slug)).join()
    received: list[int] = []
    watcher.doc.observe(lambda event: received.append(len(event.update)))
    return writer, watcher, received


async def test_nested_values_and_huge_texts_are_refused(hostile: LiveCluster) -> None:
    writer, watcher, received = await writer_and_watcher(hostile, "values")
    await writer.send_raw(update_message(nested_arrays(10_000)))
    for i in range(12):  # 0.86 MiB each, over the 256 KiB value limit
        add_note(writer.doc, f"huge{i}", "x" * 900_000)
    await writer.wait_for(lambda: errors(writer).count("too_large") == 12, within=30)
    assert errors(writer)[0] == "too_deep"
    add_note(writer.doc, "mark", "after the flood")
    await watcher.wait_for(lambda: "mark" in board_notes(watcher.doc))
    assert set(board_notes(watcher.doc)) == {"mark"}
    assert sum(received) < 10_000
    for peer in (writer, watcher):
        await peer.close()


async def test_the_bytes_a_person_writes_a_minute_are_bounded(hostile: LiveCluster) -> None:
    writer, watcher, received = await writer_and_watcher(hostile, "quota")
    token = writer.url.rpartition("token=")[2]
    twin = await client(hostile, 1, "quota", token).join()  # the same person, other process
    for i in range(12):  # 200 KiB each, twice: past 2 MiB a minute even across a window's edge
        add_note(writer.doc, f"big{i}", "y" * 200_000)
        add_note(twin.doc, f"twin{i}", "y" * 200_000)
    await writer.wait_for(lambda: "write_quota" in errors(writer) + errors(twin), within=30)
    joiner = await client(hostile, 1, "quota", hostile.token("quota")).join()
    stored = sum(name.startswith(("big", "twin")) for name in board_notes(joiner.doc))
    assert 8 <= stored <= 20
    assert sum(received) < 4.5 * 1024 * 1024
    for peer in (writer, watcher, twin, joiner):
        await peer.close()


async def test_the_number_of_objects_on_a_board_is_bounded(hostile: LiveCluster) -> None:
    hostile.room("crowded")
    token = hostile.token("crowded")
    writer = await client(hostile, 0, "crowded", token).join()
    assert {"type": "board.limits", "maxObjects": 40}.items() <= writer.replies[0].items()
    with writer.doc.transaction():
        for i in range(30):
            add_note(writer.doc, f"n{i}", "ok")
    for i in range(30, 45):
        add_note(writer.doc, f"n{i}", "one more")
    await writer.wait_for(lambda: errors(writer).count("too_many_objects") == 5)
    joiner = await client(hostile, 1, "crowded", token).join()
    assert len(board_notes(joiner.doc)) == 40
    for peer in (writer, joiner):
        await peer.close()


def awareness_frame(entries: list[AwarenessEntry]) -> bytes:
    payload = encode_awareness(entries)
    return b"\x01" + write_var_uint(len(payload)) + payload


def presence_of(peer: YClient) -> dict[int, dict | None]:
    states: dict[int, dict | None] = {}
    for payload in peer.awareness:
        for entry in decode_awareness(payload):
            states[entry.client_id] = entry.state
    return {k: v for k, v in states.items() if v is not None}


async def test_presence_belongs_to_the_socket_that_introduced_it(hostile: LiveCluster) -> None:
    hostile.room("presence")
    alice_token, mallory_token = (
        hostile.token("presence", "facilitator"),
        hostile.token("presence", "observer"),
    )
    alice = await client(hostile, 0, "presence", alice_token).join()
    await alice.send_raw(awareness_frame([AwarenessEntry(1001, 1, {"cursor": {"x": 1, "y": 1}})]))
    mallory = await client(hostile, 1, "presence", mallory_token).join()
    await mallory.wait_for(lambda: 1001 in presence_of(mallory))
    alice_id = presence_of(mallory)[1001]["user"]["id"]  # type: ignore[index]
    await mallory.send_raw(
        awareness_frame(
            [AwarenessEntry(1001, 5, {"cursor": {"x": 9, "y": 9}})]
            + [AwarenessEntry(2000 + i, 1, {"pad": "p" * 3000}) for i in range(8)]
        )
    )
    await mallory.send_raw(awareness_frame([AwarenessEntry(1001, 6, None)]))
    late = await client(hostile, 0, "presence", hostile.token("presence")).join()
    await late.wait_for(lambda: 1001 in presence_of(late))
    await late.wait_for(lambda: len(presence_of(late)) == 3)  # Alice's, and two of Mallory's
    seen = presence_of(late)
    assert seen[1001]["user"]["id"] == alice_id and seen[1001]["cursor"] == {"x": 1, "y": 1}  # type: ignore[index]
    for peer in (alice, mallory, late):
        await peer.close()


async def test_sockets_per_person_are_capped_and_silent_sockets_time_out(
    hostile: LiveCluster,
) -> None:
    hostile.room("many")
    token = hostile.token("many")
    peers = [await client(hostile, 0, "many", token).join() for _ in range(6)]
    server = hostile.servers[0]
    async with websockets.connect(
        f"{server.ws_url}/many/board?token={token}", origin=Origin(server.http_url)
    ) as extra:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(extra.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4430
    for peer in peers:
        await peer.close()
    server = hostile.servers[1]
    async with websockets.connect(
        f"{server.ws_url}/many/board?token={hostile.token('many')}",
        origin=Origin(server.http_url),
    ) as silent:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                while True:
                    await silent.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4508


async def test_a_client_that_never_reads_is_dropped(hostile: LiveCluster) -> None:
    hostile.room("slow")
    token = hostile.token("slow")
    server = hostile.servers[0]
    tight = socket.socket()
    tight.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # so the kernel holds little
    tight.connect(("127.0.0.1", server.port))
    stalled = await websockets.connect(
        f"{server.ws_url}/slow/board?token={token}",
        origin=Origin(server.http_url),
        sock=tight,
        max_queue=1,
        max_size=None,
    )
    await stalled.send(b"\x00\x00\x01\x00")  # sync step 1, then never read again
    writers = [await client(hostile, 1, "slow", hostile.token("slow")).join() for _ in range(6)]
    for round_ in range(6):
        for index, writer in enumerate(writers):
            add_note(writer.doc, f"w{index}-{round_}", "z" * 200_000)
        await asyncio.sleep(0.05)
    log = hostile.servers[0].log
    async with asyncio.timeout(30):
        while "the client is not reading" not in log.read_text():  # noqa: ASYNC110 - a file
            await asyncio.sleep(0.2)
    stalled.transport.abort()
    for writer in writers:
        await writer.close()
    await still_serving(hostile, "slow", token)


async def test_chat_limit_holds_per_person_across_sockets_and_processes(
    hostile: LiveCluster,
) -> None:
    hostile.room("chatty")
    token = hostile.token("chatty")
    talkers = [await client(hostile, i % 2, "chatty", token, "chat").join() for i in range(6)]
    await asyncio.gather(
        *(t.command({"type": "chat.send", "text": f"spam {i}"}) for i in range(5) for t in talkers)
    )
    reader = await client(hostile, 1, "chatty", hostile.token("chatty"), "chat").join()
    messages = reader.doc.get("messages", type=pycrdt.Array)
    await reader.wait_for(lambda: len(messages) == 5)
    await asyncio.sleep(0.5)
    assert len(messages) == 5
    for peer in [*talkers, reader]:
        await peer.close()


async def test_a_stored_document_that_cannot_load_is_quarantined(
    hostile: LiveCluster, redis_server: RedisServer
) -> None:
    hostile.room("poisoned")
    token = hostile.token("poisoned")
    first = await client(hostile, 0, "poisoned", token).join()
    second = await client(hostile, 1, "poisoned", token).join()
    add_note(first.doc, "n1", "before")
    await second.wait_for(lambda: "n1" in board_notes(second.doc))
    await first.close()
    await second.close()
    store = redis.Redis.from_url(redis_server.url)
    [key] = [k for k in store.scan_iter("coworking:{poisoned}:*board:log")]
    store.xadd(key, {"u": nested_maps(4242, 50_000), "a": "legacy"})
    store.close()
    for index in (0, 1):
        joiner = await client(hostile, index, "poisoned", token).connect()
        await asyncio.wait_for(joiner.closed.wait(), 10)
        assert joiner.close_code == 4410
    for server in hostile.servers:
        assert server.process is not None and server.process.poll() is None
    assert "quarantined poisoned/board" in hostile.servers[0].log.read_text()
    hostile.room("neighbour")
    await still_serving(hostile, "neighbour", hostile.token("neighbour"))
