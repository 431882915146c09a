"""Benchmark: a co-working room's block change. Every person's page moves their desk from
available to focus at the same moment (the rhythm's block starts for everyone at once), so
the room gets one `status.set` per person in a burst.

Run from the project root: `.venv/bin/python bench/desks.py [--people 300]`. It starts Redis
and two Daphne processes, seats the people (half on each process, each with an invite of
their own, so each has a desk), then sends the burst and measures, at an observer on the
first process: the time until every desk shows focus, the refusals, how many updates the
room document took, and the bytes the observer received. It writes `bench/desks.json`.
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

SLUG = "desks"
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


def desks(client: YClient) -> dict[str, Any]:
    people = (client.doc.get("room", type=pycrdt.Map).to_py() or {}).get("people")
    return people if isinstance(people, dict) else {}


async def seat(url: str, origin: str, token: str, index: int) -> CountingClient:
    """A person's room socket, present (an awareness state) and at a desk."""
    client = CountingClient(f"{url}/{SLUG}/room?token={token}", origin=origin)
    await client.join()
    entry = AwarenessEntry(index + 1, 1, {})
    await client.send_raw(awareness_message(encode_awareness([entry])))
    return client


async def burst(servers: list[ServerProcess], tokens: list[str]) -> dict[str, Any]:
    """Seat everyone, then move them all to focus at once; the figures of the burst."""
    observer = await seat(servers[0].ws_url, servers[0].http_url, tokens[0], 0)
    people = []
    for index, token in enumerate(tokens[1:], 1):
        server = servers[index % len(servers)]
        people.append(await seat(server.ws_url, server.http_url, token, index))
    sit = {"type": "status.set", "status": "available", "goal": "Ship the zine"}
    seated = 0
    for start in range(0, len(people), SEAT_AT_ONCE):  # a few at a time, again if refused
        group = people[start : start + SEAT_AT_ONCE]
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
    focus = {**sit, "status": "focus"}
    began = time.perf_counter()
    await asyncio.gather(*(person.command(focus) for person in people))

    def settled() -> bool:
        shown = desks(observer)
        refused = sum(len(person.replies) for person in people)
        focusing = sum(1 for desk in shown.values() if desk.get("status") == "focus")
        return focusing + refused >= len(people)

    await until(settled, 120)
    elapsed = time.perf_counter() - began
    refusals = [reply for person in people for reply in person.replies]
    result = {
        "people": len(people),
        "all_in_focus_s": round(elapsed, 3),
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
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "desks.json")
    args = parser.parse_args()
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
        manage(env, "createroom", SLUG, "--title", "Desks", "--kind", "coworking")
        code = INVITES.format(slug=SLUG, count=args.people + 1)
        tokens = manage(env, "shell", "-v0", "-c", code).split()
        servers = []
        for index in range(2):
            server = ServerProcess(env, folder / f"daphne{index}.log").start()
            stack.callback(server.stop)
            servers.append(server)
        result = asyncio.run(burst(servers, tokens))
    print(json.dumps(result, indent=2))
    args.output.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
