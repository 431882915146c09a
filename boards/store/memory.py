"""The embedded room store: one process, everything in memory, same contract as Redis."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from boards.store.base import START, Entry, RoomStore, Snapshot, Topic, parse_id

AWARENESS_KEEP = 1000


class MemoryRoomStore(RoomStore):
    """Keeps logs in lists; `listen` waits on a condition that every append notifies."""

    def __init__(self, url: str = "") -> None:
        super().__init__(url)
        self._streams: dict[Topic, list[Entry]] = defaultdict(list)
        self._snapshots: dict[str, Snapshot] = {}
        self._dirty: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_id = (0, 0)
        self._changed: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    def _next_id(self) -> str:
        ms = int(time.time() * 1000)
        last_ms, last_seq = self._last_id
        self._last_id = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        return f"{self._last_id[0]}-{self._last_id[1]}"

    async def _add(self, topic: Topic, payload: bytes, author: str) -> Entry:
        entry_id = self._next_id()
        entry = Entry(entry_id, bytes(payload), author, parse_id(entry_id)[0])
        self._streams[topic].append(entry)
        await self.wake()
        return entry

    async def append(self, doc: str, payload: bytes, author: str) -> Entry:
        entry = await self._add(Topic(doc, "log"), payload, author)
        self._dirty.add(doc)
        return entry

    @staticmethod
    def _after(entries: list[Entry], after: str) -> list[Entry]:
        return entries[bisect_right(entries, parse_id(after), key=lambda e: parse_id(e.id)) :]

    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        entries = self._after(self._streams.get(Topic(doc, "log"), []), after)
        return entries if limit is None else entries[:limit]

    async def last_id(self, topic: Topic) -> str:
        entries = self._streams.get(topic)
        return entries[-1].id if entries else START

    async def trim(self, doc: str, upto: str) -> None:
        topic = Topic(doc, "log")
        self._streams[topic] = self._after(self._streams[topic], upto)

    async def get_snapshot(self, doc: str) -> Snapshot | None:
        return self._snapshots.get(doc)

    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        self._snapshots[doc] = snapshot

    async def publish_awareness(self, doc: str, payload: bytes, author: str) -> Entry:
        topic = Topic(doc, "awareness")
        entry = await self._add(topic, payload, author)
        del self._streams[topic][:-AWARENESS_KEEP]
        return entry

    async def recent_awareness(self, doc: str, since_ms: int) -> list[Entry]:
        return [e for e in self._streams.get(Topic(doc, "awareness"), []) if e.time_ms >= since_ms]

    def _pending(self, cursors: Mapping[Topic, str]) -> list[tuple[Topic, Entry]]:
        found = [
            (topic, entry)
            for topic, cursor in cursors.items()
            for entry in self._after(self._streams.get(topic, []), cursor)
        ]
        found.sort(key=lambda item: parse_id(item[1].id))
        return found

    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        changed = self._condition()
        async with changed:
            found = self._pending(cursors)
            if found:
                return found
            try:
                await asyncio.wait_for(changed.wait(), block)
            except TimeoutError:
                return []
        return self._pending(cursors)

    async def wake(self) -> None:
        changed = self._condition()
        async with changed:
            changed.notify_all()

    async def mark_dirty(self, doc: str) -> None:
        self._dirty.add(doc)

    async def take_dirty(self) -> list[str]:
        dirty, self._dirty = sorted(self._dirty), set()
        return dirty

    @asynccontextmanager
    async def lock(self, name: str, ttl: float) -> AsyncIterator[bool]:
        lock = self._locks[name]
        if lock.locked():
            yield False
            return
        async with lock:
            yield True
