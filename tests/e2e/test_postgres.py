"""Production's database, live: two Daphne processes on one Redis and one PostgreSQL archive
every update, and a room whose Redis state is lost comes back from PostgreSQL alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from tests.conftest import LiveCluster
from tests.support.servers import ServerProcess, manage, server_env
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis
NOTES = 30


@pytest.fixture
def postgres_cluster(tmp_path: Path, postgres_url: str, redis_url: str) -> Iterator[LiveCluster]:
    """Two Daphne processes sharing one Redis and one PostgreSQL database, compacting often."""
    env = server_env(postgres_url, redis_url, COMPACT_AFTER="10")
    manage(env, "migrate", "-v0")
    servers = [ServerProcess(env, tmp_path / f"server{i}.log").start() for i in range(2)]
    live = LiveCluster(env, servers)
    yield live
    for server in servers:
        server.stop()


def client(cluster: LiveCluster, index: int, token: str) -> YClient:
    server = cluster.servers[index]
    return YClient(f"{server.ws_url}/atelier/board?token={token}", origin=server.http_url)


async def archived(url: str, least_updates: int) -> tuple[int, int]:
    """Wait (polling: the compactors run on their own timers) until the archive holds at
    least `least_updates` updates of the board and a keyframe; its counts."""
    deadline = time.monotonic() + 20
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        while True:
            counts = await (
                await conn.execute(
                    "SELECT (SELECT count(*) FROM boards_documentupdate WHERE doc = %s),"
                    " (SELECT count(*) FROM boards_documentkeyframe WHERE doc = %s)",
                    ("atelier/board", "atelier/board"),
                )
            ).fetchone()
            assert counts is not None
            if counts[0] >= least_updates and counts[1] >= 1:
                return counts[0], counts[1]
            assert time.monotonic() < deadline, f"archived after 20 s: {counts}"
            await asyncio.sleep(0.2)


async def test_two_processes_archive_to_postgresql_and_a_lost_redis_recovers_from_it(
    postgres_cluster: LiveCluster, postgres_url: str, redis_url: str
) -> None:
    postgres_cluster.room("atelier")
    token = postgres_cluster.token("atelier")
    left = await client(postgres_cluster, 0, token).join()
    right = await client(postgres_cluster, 1, token).join()
    for i in range(NOTES):
        add_note((left if i % 2 else right).doc, f"n{i}", f"note {i}")
    everything = {f"n{i}" for i in range(NOTES)}
    await left.wait_for(lambda: set(board_notes(left.doc)) == everything)
    await right.wait_for(lambda: set(board_notes(right.doc)) == everything)
    await left.close()
    await right.close()

    updates, keyframes = await asyncio.wait_for(
        archived(postgres_url.replace("postgres://", "postgresql://"), NOTES), 25
    )
    assert updates >= NOTES and keyframes >= 1

    store = redis.Redis.from_url(redis_url)
    store.flushall()
    store.close()
    fresh = await client(postgres_cluster, 1, token).join()
    assert set(board_notes(fresh.doc)) == everything
    assert board_notes(fresh.doc)["n7"]["text"] == "note 7"
    await fresh.close()
