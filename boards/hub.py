"""Per-process fan-out: one reader follows the store for every document this process
serves and hands new entries to the local connections of that document.

Nothing is delivered that is not in the store first, so a client sees another's edit only
once it is durable. A joining connection is attached before its document is loaded, and
entries at or before the loaded position are skipped, so no update falls in the gap.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Protocol

import pycrdt

from boards.compaction import run_compactor
from boards.protocol import AwarenessEntry, decode_awareness, encode_awareness
from boards.store import Entry, RoomStore, Topic, create_store, parse_id

logger = logging.getLogger(__name__)

AWARENESS_TIMEOUT_MS = 30_000
LISTEN_BLOCK_SECONDS = 1.0


class Subscriber(Protocol):
    """A local connection as the hub sees it."""

    id: str
    doc_name: str

    async def deliver_updates(self, entries: list[Entry], merged: bytes) -> None: ...

    async def deliver_awareness(self, payload: bytes) -> None: ...


@dataclass
class Presence:
    """The awareness states of one document, as the last updates left them."""

    states: dict[int, tuple[AwarenessEntry, int]] = field(default_factory=dict)

    def apply(self, entries: list[AwarenessEntry], now_ms: int) -> None:
        for entry in entries:
            known = self.states.get(entry.client_id)
            if known is not None and known[0].clock > entry.clock:
                continue
            if entry.state is None:
                self.states.pop(entry.client_id, None)
            else:
                self.states[entry.client_id] = (entry, now_ms)

    def encoded(self, now_ms: int) -> bytes | None:
        """Every live state as one awareness update, or None when nobody is here."""
        live = [e for e, seen in self.states.values() if now_ms - seen < AWARENESS_TIMEOUT_MS]
        return encode_awareness(live) if live else None


class Hub:
    """Tracks this process's connections per document and feeds them from the store."""

    def __init__(self, store: RoomStore, compact: bool = True) -> None:
        self.store = store
        self.client_id = random.getrandbits(32)
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self._cursors: dict[Topic, str] = {}
        self._presence: dict[str, Presence] = {}
        self._activation = asyncio.Lock()
        self._writers: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: list[asyncio.Task[None]] = []
        self._compact = compact

    def _start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self._read_forever(), name="hub-reader"))
        if self._compact:
            self._tasks.append(asyncio.create_task(run_compactor(self.store), name="compactor"))

    async def attach(self, subscriber: Subscriber) -> None:
        """Start delivering `subscriber`'s document to it (from the next new entry on)."""
        name = subscriber.doc_name
        async with self._activation:
            if name not in self._subscribers:
                await self._activate(name)
            self._subscribers[name].add(subscriber)
        self._start()

    async def _activate(self, name: str) -> None:
        log, awareness = Topic(name, "log"), Topic(name, "awareness")
        self._cursors[log] = await self.store.last_id(log)
        self._cursors[awareness] = await self.store.last_id(awareness)
        now_ms = int(time.time() * 1000)
        presence = Presence()
        for entry in await self.store.recent_awareness(name, now_ms - AWARENESS_TIMEOUT_MS):
            presence.apply(decode_awareness(entry.payload), entry.time_ms)
        self._presence[name] = presence
        self._subscribers[name] = set()
        await self.store.wake()

    def detach(self, subscriber: Subscriber) -> None:
        name = subscriber.doc_name
        subscribers = self._subscribers.get(name)
        if subscribers is None:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self._subscribers[name]
            self._presence.pop(name, None)
            self._cursors.pop(Topic(name, "log"), None)
            self._cursors.pop(Topic(name, "awareness"), None)

    def presence(self, name: str) -> bytes | None:
        """The current awareness states of a document this process serves."""
        known = self._presence.get(name)
        return known.encoded(int(time.time() * 1000)) if known else None

    def writer_lock(self, name: str) -> asyncio.Lock:
        """Serialises this process's own writes to a server-owned document."""
        return self._writers[name]

    async def _read_forever(self) -> None:
        while True:
            try:
                batch = await self.store.listen(dict(self._cursors), LISTEN_BLOCK_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reading the room store failed; retrying")
                await asyncio.sleep(0.5)
                continue
            grouped: dict[Topic, list[Entry]] = defaultdict(list)
            for topic, entry in batch:
                if topic in self._cursors and parse_id(entry.id) > parse_id(self._cursors[topic]):
                    grouped[topic].append(entry)
            for topic, entries in grouped.items():
                self._cursors[topic] = entries[-1].id
                try:
                    await self._deliver(topic, entries)
                except Exception:
                    logger.exception("delivering %s failed", topic)

    async def _deliver(self, topic: Topic, entries: list[Entry]) -> None:
        subscribers = list(self._subscribers.get(topic.doc, ()))
        if topic.kind == "log":
            merged = pycrdt.merge_updates(*[e.payload for e in entries])
            for subscriber in subscribers:
                await _guard(subscriber.deliver_updates(entries, merged))
            return
        now_ms = int(time.time() * 1000)
        decoded = [(e.author, decode_awareness(e.payload)) for e in entries]
        presence = self._presence.get(topic.doc)
        for _, changes in decoded:
            if presence is not None:
                presence.apply(changes, now_ms)
        for subscriber in subscribers:
            changes = [c for author, cs in decoded if author != subscriber.id for c in cs]
            if changes:
                await _guard(subscriber.deliver_awareness(encode_awareness(changes)))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.store.close()


async def _guard(delivery: Awaitable[None]) -> None:
    try:
        await delivery
    except Exception:
        logger.exception("a delivery failed")


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(create_store())
    return hub


def install_hub(hub: Hub) -> None:
    """Use `hub` for the running event loop (tests choose their own store)."""
    _hubs[asyncio.get_running_loop()] = hub
