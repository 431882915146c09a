"""Shared fixtures: a real redis-server, a throwaway PostgreSQL, live server processes, rooms
and invite tokens.

The database tests run on SQLite, and with `TEST_DATABASE=postgresql` (the test command's
second run) on a throwaway PostgreSQL server instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.support.redis_cluster import RedisClusterServers
from tests.support.servers import PostgresServer, RedisServer, ServerProcess, manage, server_env

ON_POSTGRESQL = os.environ.get("TEST_DATABASE", "sqlite") == "postgresql"
LIVE_DATABASES = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def throwaway_media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads of the whole run, in this process and in live servers, go to a throwaway
    folder (live servers inherit `MEDIA_ROOT` through `server_env`)."""
    folder = tmp_path_factory.mktemp("media")
    previous = os.environ.get("MEDIA_ROOT")
    os.environ["MEDIA_ROOT"] = str(folder)
    with override_settings(MEDIA_ROOT=folder):
        yield folder
    if previous is None:
        del os.environ["MEDIA_ROOT"]
    else:
        os.environ["MEDIA_ROOT"] = previous


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with no throttle counts."""
    cache.clear()


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


@pytest.fixture(scope="session")
def redis_cluster_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RedisClusterServers]:
    """A throwaway three-master Redis Cluster for the whole run."""
    servers = RedisClusterServers(tmp_path_factory.mktemp("redis-cluster")).start()
    yield servers
    servers.stop()


@pytest.fixture
def redis_cluster_url(redis_cluster_servers: RedisClusterServers) -> str:
    """The test Redis Cluster (a `redis+cluster://` URL), emptied before each test."""
    redis_cluster_servers.flush()
    return redis_cluster_servers.url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole run, stopped (and its folder removed) at
    the end."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new empty database on the throwaway PostgreSQL server, for live server processes."""
    return postgres_server.create_database(f"live_{next(LIVE_DATABASES)}")


if ON_POSTGRESQL:

    @pytest.fixture(scope="session")
    def django_db_modify_db_settings(
        django_db_modify_db_settings_parallel_suffix: None,
        postgres_server: PostgresServer,
    ) -> None:
        """Point Django at the throwaway PostgreSQL before pytest-django creates its test
        database there (the role may create databases)."""
        import dj_database_url
        from django.conf import settings
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            connection.close()
            del connections[connection.alias]
        database = settings.DATABASES["default"]
        database.update(dj_database_url.parse(postgres_server.url()))
        # Threads of database_sync_to_async keep no connection open across tests, so the
        # test database can be dropped at the end.
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {}

    @pytest.fixture(scope="session", autouse=True)
    def postgres_sessions_ended(
        django_db_setup: None, postgres_server: PostgresServer
    ) -> Iterator[None]:
        """End connections that threads of `sync_to_async` left open, so that pytest-django
        can drop its test database at the end."""
        yield
        from django.conf import settings

        name = settings.DATABASES["default"]["NAME"]
        postgres_server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database tests on: {'PostgreSQL' if ON_POSTGRESQL else 'SQLite'}"


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


def start_cluster(folder: Path, redis_url: str, count: int, **settings: str) -> LiveCluster:
    env = server_env(f"sqlite:///{folder / 'db.sqlite3'}", redis_url, **settings)
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
