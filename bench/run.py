"""Benchmark: the same y-websocket loads against this service (two Daphne processes on one
Redis) and against the reference Node server of y-websocket 1.x, in one run.

Run from the project root: `.venv/bin/python bench/run.py all` (or one workload:
`updates-10`, `updates-20`, `updates-1000`, `cursors`, `join`, `idle`; `--scale 0.1` for a
quick small run). Prints one table per workload and writes every figure to
`bench/results.json` (a single workload replaces only its own entry there).

Every workload starts fresh servers: Redis and the Daphne processes for this service, one Node
process for the reference. Server CPU is utime+stime (and reaped children's) of every server
process and its descendants from /proc/<pid>/stat, read just before and after the load;
memory is VmRSS from /proc/<pid>/status. This service's figures include its Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import (  # noqa: E402
    ServerProcess,
    free_port,
    manage,
    server_env,
    wait_for_port,
)

NODE_MODULES = ROOT / "frontend" / "node_modules"
REFERENCE_SERVER = NODE_MODULES / "y-websocket-reference" / "bin" / "server.js"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: Socket caps raised for the benchmark: all load clients of a room share one token (one
#: person), and every client comes from 127.0.0.1.
SOCKET_CAP = 100_000
#: Beyond this timer lag the load generator itself, not only the server, delays receipts.
GENERATOR_BOUND_MS = 100


@dataclass(frozen=True)
class Workload:
    name: str
    mode: str  # loadgen.mjs mode
    title: str
    rooms: int = 1
    clients: int = 0  # per room
    writers: int = 0  # per room
    rate: float = 0.0  # per writer or mover, per second
    objects: int = 0  # join storm: board size


WORKLOADS = {
    w.name: w
    for w in (
        Workload(
            "updates-10", "updates", "500 clients/10 rooms/10 writers at 10/s", 10, 50, 10, 10
        ),
        Workload(
            "updates-20", "updates", "500 clients/10 rooms/10 writers at 20/s", 10, 50, 10, 20
        ),
        Workload(
            "updates-1000", "updates", "1,000 clients/20 rooms/20 writers at 20/s", 20, 50, 20, 20
        ),
        Workload(
            "cursors", "cursors", "500 clients/10 rooms, every cursor at 10 Hz", 10, 50, 0, 10
        ),
        Workload(
            "join", "join", "500 clients join a 5,000-object board at once", 1, 500, objects=5000
        ),
        Workload("idle", "idle", "2,000 synced idle sockets (20 rooms x 100)", 20, 100),
    )
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=[*WORKLOADS, "all"])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply clients (and board size) by this"
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds of writing/moving")
    parser.add_argument("--drain", type=float, default=10, help="max seconds to wait after")
    parser.add_argument("--processes", type=int, default=2, help="Daphne processes")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--skip-ours", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument(
        "--workdir", type=Path, help="keep logs and database here (default: a temporary folder)"
    )
    return parser.parse_args()


def scaled(workload: Workload, scale: float) -> Workload:
    if scale == 1:
        return workload
    clients = max(2, round(workload.clients * scale))
    return Workload(
        workload.name,
        workload.mode,
        f"{workload.title} (scaled x{scale:g}: {clients} clients/room)",
        workload.rooms,
        clients,
        min(workload.writers, max(1, round(workload.writers * scale))) if workload.writers else 0,
        workload.rate,
        round(workload.objects * scale),
    )


# --- /proc ---------------------------------------------------------------------------------


def descendants(roots: list[int]) -> list[int]:
    """`roots` and every live process below them."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime, plus those of reaped children (cutime + cstime), in seconds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Servers:
    """The processes of one server under test, by role ("daphne", "redis", "node")."""

    roles: dict[str, list[int]]
    targets: list[str]
    rooms: list[dict[str, str]]

    def sample(self) -> dict[str, dict[str, float]]:
        """CPU seconds and RSS (KB) per role, over each role's process trees."""
        out = {}
        for role, roots in self.roles.items():
            pids = descendants(roots)
            out[role] = {
                "cpuS": sum(cpu_seconds(pid) for pid in pids),
                "rssKb": sum(rss_kb(pid) for pid in pids),
            }
        return out


def difference(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], key: str
) -> dict[str, float]:
    parts = {role: after[role][key] - before[role][key] for role in before}
    return {"total": sum(parts.values()), **parts}


# --- servers -------------------------------------------------------------------------------


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


@contextmanager
def ours(folder: Path, workload: Workload, processes: int) -> Iterator[Servers]:
    """Fresh Redis and Daphne processes, one room (and participant token) per room of the load."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        redis, redis_url = start_redis(folder)
        stack.enter_context(running(redis))
        frames_per_second = int(max(100, workload.rate * 4))
        env = server_env(
            f"sqlite:///{folder / 'db.sqlite3'}",
            redis_url,
            WS_RATE_PER_SECOND=str(frames_per_second),
            WS_RATE_BURST=str(frames_per_second * 10),
            # Every client of a room holds the room's one token, and all come from one address.
            WS_SOCKETS_PER_PERSON=str(SOCKET_CAP),
            WS_SOCKETS_PER_ADDRESS=str(SOCKET_CAP),
        )
        manage(env, "migrate", "-v0")
        rooms = []
        for index in range(workload.rooms):
            slug = f"bench-{index}"
            manage(env, "createroom", slug, "--title", f"Bench {index}", "--kind", "lab")
            token = manage(env, "invite", slug, "--role", "participant", "--token-only")
            rooms.append({"name": f"{slug}/board", "token": token})
        servers = []
        for index in range(processes):
            server = ServerProcess(env, folder / f"daphne{index}.log").start()
            stack.callback(server.stop)
            servers.append(server)
        roles = {"daphne": [s.process.pid for s in servers if s.process], "redis": [redis.pid]}
        try:
            yield Servers(roles, [s.ws_url for s in servers], rooms)
        except Exception:
            for server in servers:
                lines = server.log.read_text().splitlines()
                errors = [line for line in lines if '"WS' not in line]  # not the access log
                print("\n".join(errors[-20:]), file=sys.stderr)
            raise


@contextmanager
def reference(folder: Path, workload: Workload) -> Iterator[Servers]:
    """The reference server (in-memory documents, no authentication): one Node process."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        ["node", str(REFERENCE_SERVER)],
        env={"PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=(folder / "reference.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    with running(process):
        wait_for_port(port, process=process)
        rooms = [{"name": f"bench-{index}/board"} for index in range(workload.rooms)]
        yield Servers({"node": [process.pid]}, [f"ws://127.0.0.1:{port}"], rooms)


# --- the join storm's board ----------------------------------------------------------------


def seed_board(servers: Servers, objects: int) -> dict[str, Any]:
    """Write a board of `objects` objects (as bench/board_speed.py builds them: notes with
    text, frames, shapes, drawings, connectors) into the first room through a Python Yjs
    client; returns its size."""
    sys.path.insert(0, str(BENCH))
    from board_speed import BoardBuilder, write_board

    room = servers.rooms[0]
    query = f"?token={room['token']}" if "token" in room else ""
    url = f"{servers.targets[0]}/{room['name']}{query}"
    origin = "http://" + servers.targets[0].split("/")[2]
    board, _ = BoardBuilder(objects, seed=1).build()
    started = time.perf_counter()
    size = asyncio.run(write_board(url, origin, board, batch=500, pause=0.5))
    return {"objects": len(board), "bytes": size, "seedS": round(time.perf_counter() - started, 1)}


# --- the load generator --------------------------------------------------------------------


def run_loadgen(
    folder: Path, config: dict[str, Any], on_phase: Callable[[str], None], timeout: float
) -> dict[str, Any]:
    """Run the Node load generator, calling `on_phase` at each of its phases; its report.

    ESM resolves bare specifiers next to the script, so it runs from `folder`, beside a link
    to the frontend's node_modules (`--preserve-symlinks-main` keeps it there).
    """
    script = folder / "loadgen.mjs"
    if not script.exists():
        script.symlink_to(BENCH / "loadgen.mjs")
        (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    node = ["node", "--max-old-space-size=4096", "--preserve-symlinks-main"]
    log = folder / "loadgen.log"
    with log.open("ab") as stderr:
        process = subprocess.Popen(
            [*node, str(script), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    report: dict[str, Any] | None = None
    try:
        assert process.stdout is not None and process.stdin is not None
        for line in process.stdout:
            message = json.loads(line)
            if "phase" in message:
                on_phase(message["phase"])
                process.stdin.write("\n")
                process.stdin.flush()
            elif "report" in message:
                report = message["report"]
        process.wait()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    if report is None:
        raise RuntimeError(f"the load generator failed:\n{log.read_text()[-3000:]}")
    return report


def measure(
    folder: Path, servers: Servers, workload: Workload, args: argparse.Namespace
) -> dict[str, Any]:
    """Seed if needed, run the workload's load, and add the servers' CPU and memory."""
    seeded = seed_board(servers, workload.objects) if workload.objects else None
    samples: dict[str, Any] = {}
    config = {
        "mode": workload.mode,
        "targets": servers.targets,
        "rooms": servers.rooms,
        "clients": workload.clients,
        "writers": workload.writers,
        "rate": workload.rate,
        "duration": args.duration,
        "drain": args.drain,
    }
    report = run_loadgen(
        folder,
        config,
        lambda name: samples.setdefault(name, servers.sample()),
        timeout=args.duration + args.drain + 600,
    )
    before, after = (samples[name] for name in list(samples)[:2])
    report["serverCpuS"] = {k: round(v, 2) for k, v in difference(before, after, "cpuS").items()}
    # Updates: per delivered update. Cursors: per move fanned out to a watcher (a server may
    # merge moves, so fewer, newer cursors arrive than were offered).
    delivered = report.get("deliveriesReceived", report.get("fanOut"))
    if delivered:
        report["cpuSPer1000Delivered"] = round(report["serverCpuS"]["total"] / delivered * 1000, 4)
    if workload.mode == "idle":
        growth = difference(before, after, "rssKb")
        report["rssKbBefore"] = {role: s["rssKb"] for role, s in before.items()}
        report["rssKbAfter"] = {role: s["rssKb"] for role, s in after.items()}
        report["rssGrowthKb"] = growth
        report["rssKbPerSocket"] = round(growth["total"] / max(1, report["synced"]), 2)
    if seeded:
        report["board"] = seeded
    return report


# --- tables --------------------------------------------------------------------------------

Pick = Callable[[dict[str, Any]], Any]

ROWS: dict[str, list[tuple[str, Pick]]] = {
    "updates": [
        ("updates sent", lambda r: r["updatesSent"]),
        ("deliveries expected", lambda r: r["deliveriesExpected"]),
        ("deliveries received", lambda r: r["deliveriesReceived"]),
        ("completeness %", lambda r: r["completenessPct"]),
        ("delivered updates/s", lambda r: r["deliveredPerSecond"]),
        ("latency p50 ms", lambda r: r["latencyMs"]["p50"]),
        ("latency p99 ms", lambda r: r["latencyMs"]["p99"]),
        ("latency max ms", lambda r: r["latencyMs"]["max"]),
        ("server CPU s", lambda r: r["serverCpuS"]["total"]),
        ("CPU s / 1,000 delivered", lambda r: r.get("cpuSPer1000Delivered")),
        ("connect+sync s", lambda r: r["connectS"]),
        ("generator lag max ms", lambda r: r["generatorLagMaxMs"]),
        ("unexpected closes", lambda r: sum(r["closes"].values())),
    ],
    "cursors": [
        ("cursor moves sent", lambda r: r["cursorsSent"]),
        ("sockets dropped", lambda r: r["socketsDropped"]),
        ("watchers saw every mover", lambda r: f"{r['watchersSawEveryMover']}/{r['watchers']}"),
        ("pairs seen", lambda r: f"{r['pairsSeen']}/{r['pairs']}"),
        ("pairs current at end %", lambda r: r["pairsCurrentAtEndPct"]),
        ("newer cursors received", lambda r: r["cursorsDelivered"]),
        ("freshness p50 ms", lambda r: r["freshnessMs"]["p50"]),
        ("freshness p99 ms", lambda r: r["freshnessMs"]["p99"]),
        ("freshness max ms", lambda r: r["freshnessMs"]["max"]),
        ("server CPU s", lambda r: r["serverCpuS"]["total"]),
        ("CPU s / 1,000 fanned out", lambda r: r.get("cpuSPer1000Delivered")),
        ("generator lag max ms", lambda r: r["generatorLagMaxMs"]),
    ],
    "join": [
        ("board objects", lambda r: r["board"]["objects"]),
        ("board bytes", lambda r: r["board"]["bytes"]),
        ("clients synced", lambda r: f"{r['synced']}/{r['clients']}"),
        ("sync p50 ms", lambda r: r["syncMs"]["p50"]),
        ("sync p99 ms", lambda r: r["syncMs"]["p99"]),
        ("sync max ms", lambda r: r["syncMs"]["max"]),
        ("server CPU s", lambda r: r["serverCpuS"]["total"]),
        ("unexpected closes", lambda r: sum(r["closes"].values())),
    ],
    "idle": [
        ("sockets synced", lambda r: f"{r['synced']}/{r['clients']}"),
        ("RSS before MB", lambda r: round(sum(r["rssKbBefore"].values()) / 1024, 1)),
        ("RSS after MB", lambda r: round(sum(r["rssKbAfter"].values()) / 1024, 1)),
        ("RSS KB per socket", lambda r: r["rssKbPerSocket"]),
        ("  of which Daphne", lambda r: per_socket(r, "daphne")),
        ("  of which Redis", lambda r: per_socket(r, "redis")),
        ("unexpected closes", lambda r: sum(r["closes"].values())),
    ],
}


def per_socket(report: dict[str, Any], role: str) -> float | None:
    growth = report["rssGrowthKb"].get(role)
    return None if growth is None else round(growth / max(1, report["synced"]), 2)


#: Ratio rows (ours / reference) per mode: label and the figure compared.
RATIOS: dict[str, list[tuple[str, Pick]]] = {
    "updates": [
        ("throughput ratio", lambda r: r["deliveredPerSecond"]),
        ("p99 ratio", lambda r: r["latencyMs"]["p99"]),
        ("CPU/delivered ratio", lambda r: r.get("cpuSPer1000Delivered")),
    ],
    "cursors": [
        ("freshness p99 ratio", lambda r: r["freshnessMs"]["p99"]),
        ("CPU/fanned-out ratio", lambda r: r.get("cpuSPer1000Delivered")),
    ],
    "join": [
        ("sync p99 ratio", lambda r: r["syncMs"]["p99"]),
        ("CPU ratio", lambda r: r["serverCpuS"]["total"]),
    ],
    "idle": [("KB per socket ratio", lambda r: r["rssKbPerSocket"])],
}


def ratio(ours: float | None, reference: float | None) -> float | None:
    return round(ours / reference, 2) if ours is not None and reference else None


def ratios(mode: str, result: dict[str, Any]) -> dict[str, float | None]:
    if "reference" not in result or "ours" not in result:
        return {}
    return {
        label: ratio(pick(result["ours"]), pick(result["reference"]))
        for label, pick in RATIOS[mode]
    }


def table(mode: str, result: dict[str, Any]) -> str:
    """The figures side by side, one row per measure, then the ratios."""
    columns = [name for name in ("ours", "reference") if name in result]
    lines = [f"{'':26}" + "".join(f"{name:>14}" for name in columns)]
    for label, pick in ROWS[mode]:
        lines.append(f"{label:26}" + "".join(f"{pick(result[c])!s:>14}" for c in columns))
    for label, value in result.get("ratio", {}).items():
        lines.append(f"{label:26}{value!s:>14}  (ours / reference)")
    for name in columns:
        if (result[name].get("generatorLagMaxMs") or 0) > GENERATOR_BOUND_MS:
            lines.append(
                f"note: the load generator ran up to {result[name]['generatorLagMaxMs']} ms "
                f"late against {name}: its timings include its own delay"
            )
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------


def run_workload(folder: Path, workload: Workload, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"load": workload.title}
    # Other work on the machine skews every figure: note how busy it was.
    result["loadAverage"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"== {workload.name}: {workload.title} (load average {result['loadAverage'][0]})")
    failed: dict[str, str] = {}
    if not args.skip_ours:
        print(f"ours ({args.processes} Daphne processes on Redis) ...", flush=True)
        try:
            with ours(folder / workload.name / "ours", workload, args.processes) as servers:
                result["ours"] = measure(folder / workload.name / "ours", servers, workload, args)
        except Exception as error:  # one failed server does not stop the other workloads
            failed["ours"] = f"{type(error).__name__}: {error}"
    if not args.skip_reference:
        print("reference (y-websocket 1.x server.js) ...", flush=True)
        try:
            with reference(folder / workload.name / "reference", workload) as servers:
                result["reference"] = measure(
                    folder / workload.name / "reference", servers, workload, args
                )
        except Exception as error:
            failed["reference"] = f"{type(error).__name__}: {error}"
        result["ratio"] = ratios(workload.mode, result)
    if failed:
        result["failed"] = failed
    print(table(workload.mode, result), flush=True)
    for name, message in failed.items():
        print(f"{name} FAILED: {message[-600:]}", flush=True)
    return result


def main() -> None:
    args = parse_args()
    names = list(WORKLOADS) if args.workload == "all" else [args.workload]
    results: dict[str, Any] = {}
    if args.output.exists():
        try:
            results = json.loads(args.output.read_text())
        except ValueError:
            results = {}
    if "workloads" not in results:
        results = {"workloads": {}}
    results["socketCaps"] = {
        "WS_SOCKETS_PER_PERSON": SOCKET_CAP,
        "WS_SOCKETS_PER_ADDRESS": SOCKET_CAP,
        "why": "load clients share one token per room and one address",
    }
    with ExitStack() as stack:
        if args.workdir:
            folder = args.workdir.resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        for name in names:
            workload = scaled(WORKLOADS[name], args.scale)
            result = run_workload(folder, workload, args)
            result["config"] = {
                "scale": args.scale,
                "duration": args.duration,
                "drain": args.drain,
                "processes": args.processes,
                "rooms": workload.rooms,
                "clientsPerRoom": workload.clients,
                "writersPerRoom": workload.writers,
                "rate": workload.rate,
                "objects": workload.objects,
                "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            results["workloads"][name] = result
            args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
