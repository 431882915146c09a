"""Live servers on a Redis Cluster: rooms on different shards, edits cross processes."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from redis.cluster import RedisCluster
from redis.crc import key_slot

from boards.store.redis import cluster_url
from tests.conftest import LiveCluster
from tests.support.redis_cluster import RedisClusterServers
from tests.support.servers import ServerProcess, manage, server_env
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis

#: `redis-cli --cluster create` gives three masters the slots 0-5460, 5461-10922, 10923-16383.
ROOMS = ["atelier", "meadow", "harbor"]


@pytest.fixture
def live(
    tmp_path: Path, redis_url: str, redis_cluster_servers: RedisClusterServers
) -> Iterator[LiveCluster]:
    """Two Daphne processes whose room store is the test Redis Cluster."""
    redis_cluster_servers.flush()
    env = server_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", redis_url, ROOM_STORE_URL=redis_cluster_servers.url
    )
    manage(env, "migrate", "-v0")
    servers = [ServerProcess(env, tmp_path / f"server{i}.log").start() for i in range(2)]
    yield LiveCluster(env, servers)
    for server in servers:
        server.stop()


def has_note(client: YClient, key: str) -> bool:
    return key in board_notes(client.doc)


def test_the_rooms_land_on_three_shards() -> None:
    assert sorted(key_slot(slug.encode()) * 3 // 16384 for slug in ROOMS) == [0, 1, 2]


async def test_edits_reach_the_other_process_for_rooms_on_every_shard(live: LiveCluster) -> None:
    peers: list[tuple[YClient, YClient]] = []
    for slug in ROOMS:
        live.room(slug)
        token = live.token(slug)
        pair = []
        for server in live.servers:
            url = f"{server.ws_url}/{slug}/board?token={token}"
            pair.append(await YClient(url, origin=server.http_url).join())
        peers.append((pair[0], pair[1]))
    for slug, (writer, _) in zip(ROOMS, peers, strict=True):
        add_note(writer.doc, f"note-{slug}", f"written in {slug}")
    for slug, (_, reader) in zip(ROOMS, peers, strict=True):
        await reader.wait_for(partial(has_note, reader, f"note-{slug}"))
        assert set(board_notes(reader.doc)) == {f"note-{slug}"}
    with RedisCluster.from_url(cluster_url(live.env["ROOM_STORE_URL"]) or "") as client:
        for slug in ROOMS:
            assert client.xlen(f"coworking:{{{slug}}}:doc:{slug}/board:log") >= 1
    for writer, reader in peers:
        await writer.close()
        await reader.close()
