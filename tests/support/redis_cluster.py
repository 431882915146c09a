"""A throwaway Redis Cluster for tests: three masters on free ports, no replicas."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.servers import free_port, wait_for_port


@dataclass
class RedisClusterServers:
    """Three `redis-server --cluster-enabled yes` processes joined into one cluster."""

    folder: Path
    ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(3)])
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        """What the room store is given: any node is a seed for the whole cluster."""
        return f"redis+cluster://127.0.0.1:{self.ports[0]}/0"

    def start(self) -> RedisClusterServers:
        server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
        if server is None or cli is None:
            raise RuntimeError("redis-server is not installed: run scripts/test, which installs it")
        for port in self.ports:
            folder = self.folder / str(port)
            folder.mkdir(parents=True, exist_ok=True)
            self.processes.append(
                subprocess.Popen(
                    [
                        server,
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        str(folder),
                        "--cluster-enabled",
                        "yes",
                        "--cluster-port",  # not port + 10000, which may be taken
                        str(free_port()),
                        "--cluster-config-file",
                        "nodes.conf",
                        "--save",
                        "",
                        "--logfile",
                        "redis.log",
                    ],
                    stdout=subprocess.DEVNULL,
                )
            )
        for port, process in zip(self.ports, self.processes, strict=True):
            wait_for_port(port, process=process)
        nodes = [f"127.0.0.1:{port}" for port in self.ports]
        subprocess.run(
            [cli, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=30,
        )
        self._wait_until_ok(cli)
        return self

    def _wait_until_ok(self, cli: str, timeout: float = 20.0) -> None:
        """Poll every node until each reports `cluster_state:ok` (no event announces it)."""
        deadline = time.monotonic() + timeout
        for port in self.ports:
            while True:
                info = subprocess.run(
                    [cli, "-p", str(port), "cluster", "info"],
                    capture_output=True,
                    text=True,
                    timeout=5,
                ).stdout
                if "cluster_state:ok" in info:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"cluster not ok after {timeout} s: {info}")
                time.sleep(0.05)

    def flush(self) -> None:
        """Empty every master."""
        for port in self.ports:
            with redis.Redis(port=port) as client:
                client.flushall()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(10)
        self.processes = []
