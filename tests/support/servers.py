"""Real processes for tests: throwaway redis-server and PostgreSQL servers, and Daphne
server processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAPHNE_MESSAGE_LIMIT = 16 * 1024 * 1024  # as scripts/serve: twice WS_MAX_FRAME_BYTES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, timeout: float = 20.0, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


@dataclass
class RedisServer:
    """A redis-server with AOF on (fsync always), in its own folder, on a free port."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/test, which installs it")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--logfile",
                "redis.log",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(10)
        self.process = None


def server_env(database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "ROOM_STORE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coworking.settings",
        SECRET_KEY="tests-only-secret-key-for-live-servers",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command against a live server's database; return its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@dataclass
class ServerProcess:
    """One Daphne process serving the project, as in production."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/rooms"

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--websocket-max-message-size",
                str(DAPHNE_MESSAGE_LIMIT),
                "--websocket-max-frame-size",
                str(DAPHNE_MESSAGE_LIMIT),
                "asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def kill(self) -> None:
        """Stop at once, as a crash would (SIGKILL: no clean-up runs)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def postgres_bindir() -> Path:
    """Where PostgreSQL's server programs are: Debian keeps them out of PATH, one folder per
    major version (/usr/lib/postgresql/<version>/bin); the newest wins."""
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    if versions:
        return max(versions, key=lambda p: int(p.parent.name))
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL is not installed: run scripts/test, which installs it")
    return Path(initdb).parent


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL server in a temporary folder, on a free port, with a role
    `labs` that may create databases (pytest-django creates its test database there).

    PostgreSQL refuses to run as root: run as root, the server runs as the `postgres` user
    that Debian's package creates (or `nobody`), owning its folder; as anyone else, it runs
    as that user. Durability is off (fsync), which a throwaway server does not need.
    """

    port: int = field(default_factory=free_port)
    user: str = "labs"
    folder: Path | None = None
    process: subprocess.Popen | None = None

    def url(self, database: str = "labs") -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    @staticmethod
    def _account() -> tuple[int | None, int | None]:
        """The user and group to run PostgreSQL as: None (this process's) unless root."""
        if os.getuid() != 0:
            return None, None
        import pwd

        for name in ("postgres", "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return entry.pw_uid, entry.pw_gid
        raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")

    def start(self) -> PostgresServer:
        bindir = postgres_bindir()
        uid, gid = self._account()
        # Not under pytest's temporary folders: those are private to the user running tests.
        self.folder = Path(tempfile.mkdtemp(prefix="labs-postgres-"))
        if uid is not None and gid is not None:
            os.chown(self.folder, uid, gid)
        data = self.folder / "data"
        subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            cwd=self.folder,
            capture_output=True,
            timeout=120,
            check=True,
            user=uid,
            group=gid,
        )
        self.process = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-k",
                str(self.folder),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ],
            cwd=self.folder,
            stdout=(self.folder / "postgres.log").open("ab"),
            stderr=subprocess.STDOUT,
            user=uid,
            group=gid,
        )
        self._wait_ready()
        self.execute(
            f"CREATE ROLE {self.user} LOGIN CREATEDB", f"CREATE DATABASE labs OWNER {self.user}"
        )
        return self

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"postgres exited before accepting connections: {self.log()}")
            try:
                psycopg.connect(self._admin_dsn(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def _admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def execute(self, *statements: str) -> None:
        """Run statements as the superuser, each outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self._admin_dsn(), autocommit=True, connect_timeout=10) as conn:
            for statement in statements:
                conn.execute(statement.encode())

    def create_database(self, name: str) -> str:
        """A new empty database owned by the test role; its URL."""
        self.execute(f'CREATE DATABASE "{name}" OWNER {self.user}')
        return self.url(name)

    def log(self) -> str:
        path = self.folder / "postgres.log" if self.folder else None
        return path.read_text(errors="replace")[-2000:] if path and path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: clients are disconnected
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
