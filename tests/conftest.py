"""Shared fixtures: a real redis-server, live server processes, rooms and invite tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.servers import RedisServer, ServerProcess, manage, server_env


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A throwaway redis-server for the whole run (AOF on, like production)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The test Redis, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    yield redis_server.url


@dataclass
class LiveCluster:
    """Server processes sharing one Redis and one SQLite database."""

    env: dict[str, str]
    servers: list[ServerProcess]

    def room(self, slug: str, kind: str = "lab", anonymous: bool = False) -> None:
        extra = ["--anonymous"] if anonymous else []
        manage(self.env, "createroom", slug, "--title", slug.title(), "--kind", kind, *extra)

    def token(self, slug: str, role: str = "participant") -> str:
        return manage(self.env, "invite", slug, "--role", role, "--token-only")


def start_cluster(folder: Path, redis_url: str, count: int) -> LiveCluster:
    env = server_env(f"sqlite:///{folder / 'db.sqlite3'}", redis_url)
    manage(env, "migrate", "-v0")
    servers = [ServerProcess(env, folder / f"server{i}.log").start() for i in range(count)]
    return LiveCluster(env, servers)


@pytest.fixture
def cluster(tmp_path: Path, redis_url: str) -> Iterator[LiveCluster]:
    """Two Daphne processes on one Redis: any of them may serve any room."""
    live = start_cluster(tmp_path, redis_url, 2)
    yield live
    for server in live.servers:
        server.stop()
