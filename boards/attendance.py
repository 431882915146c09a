"""Who is present while a room records: sampled from the presence of its board at most once
a second, and written only when the people present changed.

One task per process, for every room whose board the process serves (its hub keeps that
board's presence, of every process's sockets); it reads the room document as this process
follows it, so a recording started or stopped anywhere is seen here. It runs while the
process serves any board, and costs a dictionary lookup a second for a room that is not
recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from channels.db import database_sync_to_async

from boards.lib0 import Malformed
from boards.presence import read_presence_record
from boards.protocol import AwarenessEntry, ProtocolError, decode_awareness
from boards.store import PRESENCE_TIMEOUT_MS, RoomStore
from rooms.recordings import Person, record_presence

logger = logging.getLogger(__name__)

SAMPLE_SECONDS = 1.0
IDENTITY_MAX_LENGTH = 80
NAME_MAX_LENGTH = 150
BOARD_SUFFIX = "/board"
_record_presence = database_sync_to_async(record_presence)


class PresenceSource(Protocol):
    """What attendance reads of a hub: a document's presence and a followed map's values."""

    def presence(self, name: str) -> bytes | None: ...

    def values(self, name: str, root: str) -> dict[str, Any]: ...


def people_present(presence: bytes | None) -> frozenset[Person]:
    """The people in awareness states: (`user.id`, `user.name`), set by the server."""
    if presence is None:
        return frozenset()
    try:
        entries = decode_awareness(presence)
    except (Malformed, ProtocolError):
        return frozenset()
    return people_of(entries)


async def present_in(store: RoomStore, slug: str) -> frozenset[Person]:
    """The people with a socket to room `slug`'s room document or board, in any server
    process: their presence states as the room store holds them."""
    since_ms = int(time.time() * 1000) - PRESENCE_TIMEOUT_MS
    tables = await asyncio.gather(
        *(store.load_presence(f"{slug}/{kind}", since_ms) for kind in ("room", "board"))
    )
    entries: list[AwarenessEntry] = []
    for table in tables:
        for record in table.values():
            try:
                entries.extend(read_presence_record(record)[1])
            except (Malformed, ProtocolError, UnicodeDecodeError):
                continue
    return people_of(entries)


def people_of(entries: list[AwarenessEntry]) -> frozenset[Person]:
    """(`user.id`, `user.name`) of each person in awareness entries."""
    people: dict[str, str] = {}
    for entry in entries:
        user = (entry.state or {}).get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]:
            name = user.get("name")
            people.setdefault(
                user["id"][:IDENTITY_MAX_LENGTH],
                (name if isinstance(name, str) else "")[:NAME_MAX_LENGTH],
            )
    return frozenset(people.items())


class Attendance:
    """Samples the people present in the recorded rooms whose boards a process serves."""

    def __init__(self, source: PresenceSource) -> None:
        self._source = source
        self._boards: set[str] = set()
        self._written: dict[int, frozenset[Person]] = {}  # recording -> people last settled
        self._task: asyncio.Task[None] | None = None

    def watch(self, name: str) -> None:
        """Document `name` is served here now; a board is sampled while its room records."""
        if not name.endswith(BOARD_SUFFIX):
            return
        self._boards.add(name)
        if self._task is None:
            self._task = asyncio.create_task(self._sample_forever(), name="attendance")

    def forget(self, name: str) -> None:
        """Document `name` is no longer served here (its room was left)."""
        self._boards.discard(name)

    async def _sample_forever(self) -> None:
        try:
            while self._boards:
                await asyncio.sleep(SAMPLE_SECONDS)
                try:
                    await self.sample(int(time.time()))
                except Exception:
                    logger.exception("sampling who is present in recordings failed")
        finally:
            self._task = None

    async def sample(self, second: int) -> None:
        """Write who is present now in each recorded room, where it changed."""
        present: dict[int, frozenset[Person]] = {}
        for board in list(self._boards):
            room = board.removesuffix(BOARD_SUFFIX)
            recording = self._source.values(f"{room}/room", "room").get("recording")
            recording_id = str(recording.get("id")) if isinstance(recording, dict) else ""
            if recording_id.isdigit():
                present[int(recording_id)] = people_present(self._source.presence(board))
        changed = {r: people for r, people in present.items() if self._written.get(r) != people}
        self._written = {r: people for r, people in self._written.items() if r in present}
        if changed:
            for recording_id in await _record_presence(second, changed):
                self._written[recording_id] = changed[recording_id]

    async def close(self) -> None:
        """Stop sampling."""
        self._boards.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
