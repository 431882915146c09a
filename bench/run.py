"""Benchmark: the same y-websocket load against this service (two Daphne processes on one
Redis) and against the reference Node server of y-websocket 1.x.

Run from the project root: `.venv/bin/python bench/run.py --rooms 10 --clients 50`.
Prints a table and writes every figure to `bench/results.json`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import (  # noqa: E402
    ServerProcess,
    free_port,
    manage,
    server_env,
    wait_for_port,
)

BENCH = Path(__file__).resolve().parent
NODE_MODULES = ROOT / "frontend" / "node_modules"
REFERENCE_SERVER = NODE_MODULES / "y-websocket-reference" / "bin" / "server.js"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--clients", type=int, default=50, help="clients per room")
    parser.add_argument("--writers", type=int, default=10, help="writers per room")
    parser.add_argument("--rate", type=float, default=10, help="updates per second per writer")
    parser.add_argument("--duration", type=float, default=20, help="seconds of writing")
    parser.add_argument("--drain", type=float, default=10, help="max seconds to wait after")
    parser.add_argument("--processes", type=int, default=2, help="Daphne processes")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument(
        "--workdir", type=Path, help="keep logs and database here (default: a temporary folder)"
    )
    return parser.parse_args()


@contextmanager
def running(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Terminate `process` on the way out, killing it if it lingers."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server without persistence on a free port."""
    port = free_port()
    binary = shutil.which("redis-server") or "redis-server"
    options = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    process = subprocess.Popen(
        [binary, *options, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    wait_for_port(port, process=process)
    return process, f"redis://127.0.0.1:{port}/0"


def start_reference(folder: Path) -> tuple[subprocess.Popen, str]:
    """The reference y-websocket server (in-memory documents) on a free port."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(REFERENCE_SERVER)],
        env={"PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=(folder / "reference.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process=process)
    return process, f"ws://127.0.0.1:{port}"


def run_loadgen(
    folder: Path, args: argparse.Namespace, targets: list[str], rooms: list[dict[str, str]]
) -> dict[str, Any]:
    """Run the Node load generator; return its report.

    ESM resolves bare specifiers next to the script, so it runs from `folder`, beside a link
    to the frontend's node_modules (`--preserve-symlinks-main` keeps it there).
    """
    script = folder / "loadgen.mjs"
    if not script.exists():
        script.symlink_to(BENCH / "loadgen.mjs")
        (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    config = {
        "targets": targets,
        "rooms": rooms,
        "clients": args.clients,
        "writers": args.writers,
        "rate": args.rate,
        "duration": args.duration,
        "drain": args.drain,
    }
    node = ["node", "--max-old-space-size=2048", "--preserve-symlinks-main"]
    done = subprocess.run(
        [*node, str(script), json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=args.duration + args.drain + 300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def bench_ours(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Two (or --processes) Daphne processes on one Redis, clients spread over them."""
    with ExitStack() as stack:
        redis, redis_url = start_redis(folder)
        stack.enter_context(running(redis))
        frames_per_second = int(max(100, args.rate * 4))
        env = server_env(
            f"sqlite:///{folder / 'db.sqlite3'}",
            redis_url,
            WS_RATE_PER_SECOND=str(frames_per_second),
            WS_RATE_BURST=str(frames_per_second * 10),
            # Every client of a room holds the room's one token, and all come from one address.
            WS_SOCKETS_PER_PERSON=str(args.clients),
            WS_SOCKETS_PER_ADDRESS=str(args.clients * args.rooms),
        )
        manage(env, "migrate", "-v0")
        rooms = []
        for index in range(args.rooms):
            slug = f"bench-{index}"
            manage(env, "createroom", slug, "--title", f"Bench {index}", "--kind", "lab")
            token = manage(env, "invite", slug, "--role", "participant", "--token-only")
            rooms.append({"name": f"{slug}/board", "token": token})
        servers = []
        for index in range(args.processes):
            server = ServerProcess(env, folder / f"daphne{index}.log").start()
            stack.callback(server.stop)
            servers.append(server)
        try:
            return run_loadgen(folder, args, [s.ws_url for s in servers], rooms)
        except Exception:
            for server in servers:
                print(server.log.read_text()[-2000:], file=sys.stderr)
            raise


def bench_reference(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The reference server: one Node process, no authentication."""
    process, url = start_reference(folder)
    with running(process):
        rooms = [{"name": f"bench-{index}/board"} for index in range(args.rooms)]
        return run_loadgen(folder, args, [url], rooms)


def ratio(ours: float | None, reference: float | None) -> float | None:
    return round(ours / reference, 2) if ours is not None and reference else None


def table(results: dict[str, Any]) -> str:
    """The figures side by side, one row per measure."""
    columns = [name for name in ("ours", "reference") if name in results]
    rows = [
        ("updates sent", lambda r: r["updatesSent"]),
        ("deliveries expected", lambda r: r["deliveriesExpected"]),
        ("deliveries received", lambda r: r["deliveriesReceived"]),
        ("completeness %", lambda r: r["completenessPct"]),
        ("delivered updates/s", lambda r: r["deliveredPerSecond"]),
        ("latency p50 ms", lambda r: r["latencyMs"]["p50"]),
        ("latency p99 ms", lambda r: r["latencyMs"]["p99"]),
        ("latency max ms", lambda r: r["latencyMs"]["max"]),
        ("connect+sync s", lambda r: r["connectS"]),
        ("generator lag max ms", lambda r: r["generatorLagMaxMs"]),
        ("unexpected closes", lambda r: sum(r["closes"].values())),
    ]
    lines = [f"{'':24}" + "".join(f"{name:>14}" for name in columns)]
    for label, pick in rows:
        lines.append(f"{label:24}" + "".join(f"{pick(results[c])!s:>14}" for c in columns))
    for label, key in (("throughput ratio", "throughput"), ("p99 ratio", "p99")):
        if "ratio" in results:
            lines.append(f"{label:24}{results['ratio'][key]!s:>14}  (ours / reference)")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    load = (
        f"{args.rooms} rooms x {args.clients} clients, {args.writers} writers/room "
        f"at {args.rate}/s for {args.duration:g} s"
    )
    results: dict[str, Any] = {"load": load, "config": {k: str(v) for k, v in vars(args).items()}}
    with ExitStack() as stack:
        if args.workdir:
            folder = args.workdir.resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        print(f"ours ({args.processes} Daphne processes on Redis): {load}", flush=True)
        results["ours"] = bench_ours(folder, args)
        if not args.skip_reference:
            print(f"reference (y-websocket 1.x server.js): {load}", flush=True)
            results["reference"] = bench_reference(folder, args)
    if "reference" in results:
        ours, reference = results["ours"], results["reference"]
        results["ratio"] = {
            "throughput": ratio(ours["deliveredPerSecond"], reference["deliveredPerSecond"]),
            "p99": ratio(ours["latencyMs"]["p99"], reference["latencyMs"]["p99"]),
        }
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
