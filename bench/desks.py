"""Benchmark: a burst of commands people send about themselves all at once.

- `--burst desks` (the default): a co-working room's block change. Every person's page moves
  their desk from available to focus at the same moment (the rhythm's block starts for
  everyone at once), so the room gets one `status.set` per person.
- `--burst hands`: a facilitator asks a lab for a show of hands, and everyone sends
  `hand.raise` at once.

Run from the project root: `.venv/bin/python bench/desks.py [--burst hands] [--people 300]`.
It starts Redis and two Daphne processes, joins the people (half on each process, each with
an invite of their own; for desks, seated first), then sends the burst and measures, at an
observer on the first process: the time until every desk shows focus or every hand is up,
the refusals, how many updates the room document took, and the bytes the observer received.
It writes `bench/<burst>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pycrdt  # noqa: E402

from bench.run import SOCKET_CAP, running, start_redis  # noqa: E402
from boards.protocol import (  # noqa: E402
    AwarenessEntry,
    MessageType,
    SyncStep,
    awareness_message,
    encode_awareness,
)
from tests.support.servers import ServerProcess, manage, server_env  # noqa: E402
from tests.support.yclient import YClient  # noqa: E402

#: The room of each burst, and its kind.
SLUGS = {"desks": "desks", "hands": "hands"}
KINDS = {"desks": "coworking", "hands": "lab"}
SEAT_AT_ONCE = 5
#: Makes the invites in one process: one line per token.
INVITES = """
from rooms.invites import create_invite
from rooms.models import Role, Room
room = Room.objects.get(slug={slug!r})
for _ in range({count}):
    print(create_invite(room, Role.PARTICIPANT, None)[1])
"""


class CountingClient(YClient):
    """A room socket that counts the document updates and bytes it receives."""

    def __init__(self, url: str, origin: str) -> None:
        super().__init__(url, origin)
        self.updates = 0
        self.received = 0

    def _handle(self, frame: bytes) -> None:
        self.received += len(frame)
        self.updates += frame[:2] == bytes([MessageType.SYNC, SyncStep.UPDATE])
        super()._handle(frame)


async def until(check: Callable[[], bool], within: float = 60) -> None:
    """Wait until `check()` holds: it reads what many clients received, so it is polled."""
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def answered(observer: YClient, group: list[CountingClient], seats: int) -> bool:
    """Whether the observer sees `seats` desks, counting the people of `group` refused."""
    return len(desks(observer)) + sum(bool(person.replies) for person in group) >= seats


def entries(client: YClient, key: str) -> dict[str, Any]:
    """The room document's `key` (`people`, `hands`) as `client` has it."""
    found = (client.doc.get("room", type=pycrdt.Map).to_py() or {}).get(key)
    return found if isinstance(found, dict) else {}


desks = partial(entries, key="people")


async def seat(url: str, origin: str, token: str, index: int, slug: str) -> CountingClient:
    """A person's room socket, present (an awareness state)."""
    client = CountingClient(f"{url}/{slug}/room?token={token}", origin=origin)
    await client.join()
    entry = AwarenessEntry(index + 1, 1, {})
    await client.send_raw(awareness_message(encode_awareness([entry])))
    return client


async def burst(servers: list[ServerProcess], tokens: list[str], kind: str) -> dict[str, Any]:
    """Join everyone (at desks, for `desks`), then send the burst; its figures."""
    slug = SLUGS[kind]
    observer = await seat(servers[0].ws_url, servers[0].http_url, tokens[0], 0, slug)
    people = []
    for index, token in enumerate(tokens[1:], 1):
        server = servers[index % len(servers)]
        people.append(await seat(server.ws_url, server.http_url, token, index, slug))
    sit = {"type": "status.set", "status": "available", "goal": "Ship the zine"}
    seated = 0
    for start in range(0, len(people) if kind == "desks" else 0, SEAT_AT_ONCE):
        group = people[start : start + SEAT_AT_ONCE]  # a few at a time, again if refused
        while group:
            await asyncio.gather(*(person.command(sit) for person in group))
            await until(partial(answered, observer, group, seated + len(group)))
            seated = len(desks(observer))
            group = [person for person in group if person.replies]
            for person in group:
                person.replies.clear()
    await asyncio.sleep(1)
    frames_before = observer.updates
    bytes_before = observer.received
    sent = {**sit, "status": "focus"} if kind == "desks" else {"type": "hand.raise"}
    began = time.perf_counter()
    await asyncio.gather(*(person.command(sent) for person in people))

    def done() -> int:
        if kind == "hands":
            return len(entries(observer, "hands"))
        return sum(1 for desk in desks(observer).values() if desk.get("status") == "focus")

    def settled() -> bool:
        return done() + sum(len(person.replies) for person in people) >= len(people)

    await until(settled, 120)
    elapsed = time.perf_counter() - began
    refusals = [reply for person in people for reply in person.replies]
    result = {
        "burst": kind,
        "people": len(people),
        "all_done_s": round(elapsed, 3),
        "refused": len(refusals),
        "refusal_codes": sorted({str(reply.get("code")) for reply in refusals}),
        "room_updates": observer.updates - frames_before,
        "observer_kib": round((observer.received - bytes_before) / 1024, 1),
    }
    for client in [observer, *people]:
        await client.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", choices=sorted(SLUGS), default="desks")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--output", type=Path, help="default: bench/<burst>.json")
    args = parser.parse_args()
    slug = SLUGS[args.burst]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        redis, redis_url = start_redis(folder)
        stack.enter_context(running(redis))
        env = server_env(
            f"sqlite:///{folder / 'db.sqlite3'}",
            redis_url,
            WS_SOCKETS_PER_ADDRESS=str(SOCKET_CAP),
        )
        manage(env, "migrate", "-v0")
        manage(env, "createroom", slug, "--title", slug.title(), "--kind", KINDS[args.burst])
        code = INVITES.format(slug=slug, count=args.people + 1)
        tokens = manage(env, "shell", "-v0", "-c", code).split()
        servers = []
        for index in range(2):
            server = ServerProcess(env, folder / f"daphne{index}.log").start()
            stack.callback(server.stop)
            servers.append(server)
        result = asyncio.run(burst(servers, tokens, args.burst))
    print(json.dumps(result, indent=2))
    output = args.output or ROOT / "bench" / f"{args.burst}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
