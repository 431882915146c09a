"""Per-process fan-out: one reader follows the store for every document this process
serves and hands new entries to the local connections of that document.

Nothing is delivered that is not in the store first, so a client sees another's edit only
once it is durable. A joining connection is attached before its document is loaded, and
entries at or before the loaded position are skipped, so no update falls in the gap.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import pycrdt

from boards.attendance import Attendance
from boards.compaction import run_compactor
from boards.documents import load_document, verified
from boards.joins import Joins
from boards.lib0 import Malformed
from boards.presence import Presence, PresenceOutbox, read_presence_record
from boards.protocol import (
    AwarenessEntry,
    ProtocolError,
    awareness_message,
    decode_awareness,
    encode_awareness,
    update_message,
)
from boards.room_events import RoomEvents
from boards.store import (
    PRESENCE_TIMEOUT_MS,
    Entry,
    RoomStore,
    Topic,
    create_store,
    parse_id,
)
from boards.structure import (
    ID,
    STORED,
    DocumentStructure,
    Rejected,
    StructureChange,
    parse_update,
)
from boards.transport import Frame

logger = logging.getLogger(__name__)

LISTEN_BLOCK_SECONDS = 1.0
PRESENCE_TICK_SECONDS = 0.02
#: The fan-out tick: what arrives within one goes out as one message per document. It
#: stretches while a process is busy, so that a socket costs less the more updates there are.
FANOUT_TICK_SECONDS = 0.02
FANOUT_TICK_MAX_SECONDS = 0.06


class Subscriber(Protocol):
    """A local connection as the hub sees it."""

    id: str
    doc_name: str

    def deliver_now(self, first: ID, last: ID, frame: Frame) -> bool: ...

    async def deliver_updates(self, entries: list[Entry], frame: Frame) -> None: ...

    async def deliver_awareness(self, frame: Frame) -> None: ...


class _Follower:
    """The hub's own subscription to a document it reads rules from (a room document, for
    the lock): it keeps the document's join state current and writes to no socket."""

    def __init__(self, doc_name: str) -> None:
        self.id = f"follower:{doc_name}"
        self.doc_name = doc_name
        self.count = 0
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def deliver_now(self, first: ID, last: ID, frame: Frame) -> bool:
        return True

    async def deliver_updates(self, entries: list[Entry], frame: Frame) -> None:
        return None

    async def deliver_awareness(self, frame: Frame) -> None:
        return None


class Occupancy:
    """Open sockets of this process per key (a person, an address), each key capped."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = defaultdict(int)

    def take(self, slots: list[tuple[str, int]]) -> bool:
        """Count one more socket under every key, unless one of them is at its cap."""
        if any(self._counts[key] >= cap for key, cap in slots):
            return False
        for key, _ in slots:
            self._counts[key] += 1
        return True

    def release(self, keys: list[str]) -> None:
        for key in keys:
            self._counts[key] -= 1
            if self._counts[key] <= 0:
                del self._counts[key]


class Later:
    """Work that runs after a delay, one piece per key (asking again puts it off); whatever
    is waiting is cancelled when the hub closes."""

    def __init__(self) -> None:
        self._waiting: dict[tuple[str, ...], asyncio.Task[None]] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def run(self, key: tuple[str, ...], delay: float, work: Callable[[], Awaitable[None]]) -> None:
        known = self._waiting.pop(key, None)
        if known is not None:
            known.cancel()
        self._waiting[key] = asyncio.create_task(self._after(key, delay, work))

    def once(self, key: tuple[str, ...], delay: float, work: Callable[[], Awaitable[None]]) -> None:
        """Like `run`, unless work of `key` is waiting already: then that runs, not put off."""
        if key not in self._waiting:
            self.run(key, delay, work)

    async def _after(
        self, key: tuple[str, ...], delay: float, work: Callable[[], Awaitable[None]]
    ) -> None:
        try:
            await asyncio.sleep(delay)
            await work()
        except Exception:
            logger.exception("delayed work %s failed", key)
        finally:
            if self._waiting.get(key) is asyncio.current_task():
                del self._waiting[key]

    async def close(self) -> None:
        waiting = list(self._waiting.values())
        self._waiting.clear()
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)


class Hub:
    """Tracks this process's connections per document and feeds them from the store."""

    def __init__(self, store: RoomStore, compact: bool = True) -> None:
        self.store = store
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self._cursors: dict[Topic, str] = {}
        self._presence: dict[str, Presence] = {}
        self._structures: dict[str, DocumentStructure] = {}
        self._preparing: dict[str, asyncio.Future[DocumentStructure]] = {}
        self._followed: dict[str, _Follower] = {}
        self._read_values: dict[str, tuple[str, dict[str, Any]]] = {}  # name -> (upto, values)
        self.sockets = Occupancy()
        self.joins = Joins(store)
        self.rooms = RoomEvents()
        self.attendance = Attendance(self)
        self.later = Later()
        self._outbox = PresenceOutbox()
        self._outbox_ready = asyncio.Event()
        self._activation = asyncio.Lock()
        self._writers: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: list[asyncio.Task[None]] = []
        self._compact = compact

    def _start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self._read_forever(), name="hub-reader"))
        self._tasks.append(asyncio.create_task(self._publish_forever(), name="hub-presence"))
        if self._compact:
            compactor = run_compactor(self.store, self.joins.current)
            self._tasks.append(asyncio.create_task(compactor, name="compactor"))

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
        for record in (await self.store.load_presence(name, now_ms - PRESENCE_TIMEOUT_MS)).values():
            try:
                presence.apply(*read_presence_record(record), now_ms)
            except (Malformed, ProtocolError):
                logger.warning("ignoring an unreadable presence record of %s", name)
        self._presence[name] = presence
        self._subscribers[name] = set()
        self.attendance.watch(name)
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
            self.attendance.forget(name)
            self._structures.pop(name, None)
            self.joins.drop(name)
            for lock in (name, f"structure:{name}"):
                if lock in self._writers and not self._writers[lock].locked():
                    del self._writers[lock]
            self._cursors.pop(Topic(name, "log"), None)
            self._cursors.pop(Topic(name, "awareness"), None)

    def take_presence(
        self, owner: str, name: str, entries: list[AwarenessEntry]
    ) -> list[AwarenessEntry]:
        """What `owner` says of its presence: only entries of client ids it owns (or
        introduces now) are kept, and returned; the rest are ignored. They go out with the
        next tick's batch."""
        presence = self._presence.get(name)
        if presence is None:
            return []
        now_ms = int(time.time() * 1000)
        accepted = presence.admit(owner, entries, now_ms)
        if accepted:
            self._post(presence, owner, name, accepted, now_ms)
        return accepted

    def depart(self, owner: str, name: str) -> None:
        """Remove every presence state `owner` holds (its socket is closing)."""
        presence = self._presence.get(name)
        if presence is not None:
            gone = presence.departures(owner)
            if gone:
                self._post(presence, owner, name, gone, int(time.time() * 1000))

    def _post(
        self,
        presence: Presence,
        owner: str,
        name: str,
        entries: list[AwarenessEntry],
        now_ms: int,
    ) -> None:
        presence.apply(owner, entries, now_ms)
        self._outbox.add(name, owner, entries)
        self._outbox_ready.set()
        self._start()

    async def _publish_forever(self) -> None:
        """Publish waiting presence once a tick, all of it in one store call."""
        while True:
            await self._outbox_ready.wait()
            await asyncio.sleep(PRESENCE_TICK_SECONDS)
            self._outbox_ready.clear()
            changes = self._outbox.take(int(time.time() * 1000))
            try:
                await self.store.publish_presence(changes)
            except Exception:
                logger.exception("publishing presence failed; it is renewed by its clients")

    async def follow(self, name: str) -> None:
        """Keep document `name` current in this process until as many `unfollow` calls (its
        values are read with `values`)."""
        follower = self._followed.get(name)
        if follower is None:
            follower = self._followed[name] = _Follower(name)
            try:
                await self.attach(follower)
                await self.joins.get(name)
            except BaseException as error:
                del self._followed[name]
                self.detach(follower)
                follower.ready.set_exception(error)
                follower.ready.exception()  # retrieved: the followers waiting see it
                raise
            follower.ready.set_result(None)
        await asyncio.shield(follower.ready)
        follower.count += 1

    def unfollow(self, name: str) -> None:
        follower = self._followed.get(name)
        if follower is None:
            return
        follower.count -= 1
        if follower.count <= 0:
            del self._followed[name]
            self._read_values.pop(name, None)
            self.detach(follower)

    def values(self, name: str, root: str) -> dict[str, Any]:
        """The values of root map `root` of a followed document, as far as this process has
        read its log (empty if it is not followed)."""
        state = self.joins.current(name)
        if state is None:
            return {}
        known = self._read_values.get(name)
        if known is None or known[0] != state.upto:
            known = (state.upto, state.doc.get(root, type=pycrdt.Map).to_py() or {})
            self._read_values[name] = known
        return known[1]

    def entry(self, name: str, root: str, key: str) -> Any:
        """Entry `key` of root map `root` of a followed document, as plain values, as far as
        this process has read its log (None if there is none or it is not followed)."""
        state = self.joins.current(name)
        if state is None:
            return None
        value = state.doc.get(root, type=pycrdt.Map).get(key)
        return value.to_py() if isinstance(value, pycrdt.Map) else value

    def prepare_structure(self, name: str) -> None:
        """Build a document's structure index in the background, for a writer who has just
        joined: its first update would otherwise wait for a second load of the document."""
        if name in self._structures or name in self._preparing:
            return
        task = asyncio.ensure_future(self.structure(name))
        self._preparing[name] = task

        def done(task: asyncio.Future[DocumentStructure]) -> None:
            self._preparing.pop(name, None)
            if not task.cancelled() and task.exception() is not None:
                logger.warning("preparing the structure of %s failed: %r", name, task.exception())

        task.add_done_callback(done)

    async def structure(self, name: str) -> DocumentStructure:
        """The structure index of a document this process serves: the one read when it was
        loaded, kept current by the reader while anyone is connected."""
        known = self._structures.get(name)
        if known is not None:
            return known
        async with self._writers[f"structure:{name}"]:
            known = self._structures.get(name)
            if known is not None:
                return known
            loaded = await load_document(self.store, name)
            built = verified.take_structure(name)
            if name in self._subscribers:
                self._structures[name] = built
            for entry in await self.store.read(name, after=loaded.upto):
                _follow(built, entry)
            return built

    def append(
        self, name: str, update: bytes, author: str, change: StructureChange, structure: str
    ) -> Awaitable[Entry]:
        """Append a client's update whose `change` its writer has applied to the structure
        with token `structure` already; the change goes with it for every other structure."""
        return self.store.append(name, update, author, change.encode(), structure)

    def presence(self, name: str) -> bytes | None:
        """The current awareness states of a document this process serves."""
        known = self._presence.get(name)
        return known.encoded(int(time.time() * 1000)) if known else None

    def writer_lock(self, name: str) -> asyncio.Lock:
        """Serialises this process's own writes to a server-owned document."""
        return self._writers[name]

    async def _read_forever(self) -> None:
        """Read every followed log and awareness channel, at most once a fan-out tick: what
        arrived within a tick goes out to each socket as one message per document."""
        while True:
            try:
                batch = await self.store.listen(dict(self._cursors), LISTEN_BLOCK_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reading the room store failed; retrying")
                await asyncio.sleep(0.5)
                continue
            started = time.monotonic()  # the wait for the store is others' time, not fan-out's
            grouped: dict[Topic, list[Entry]] = defaultdict(list)
            for topic, entry in batch:
                grouped[topic].append(entry)
            for topic, entries in grouped.items():
                if topic not in self._cursors:
                    continue  # no longer followed
                cursor = parse_id(self._cursors[topic])
                if parse_id(entries[0].id) <= cursor:
                    entries = [e for e in entries if parse_id(e.id) > cursor]
                    if not entries:
                        continue
                self._cursors[topic] = entries[-1].id
                try:
                    await self._deliver(topic, entries)
                except Exception:
                    logger.exception("delivering %s failed", topic)
            if batch:
                await asyncio.sleep(_pause(time.monotonic() - started))

    async def _deliver(self, topic: Topic, entries: list[Entry]) -> None:
        subscribers = list(self._subscribers.get(topic.doc, ()))
        if topic.kind == "log":
            structure = self._structures.get(topic.doc)
            if structure is not None:
                for entry in entries:
                    if entry.origin != structure.token:  # else recorded by its writer
                        _follow(structure, entry)
            merged = pycrdt.merge_updates(*[e.payload for e in entries])
            self.joins.advance(topic.doc, entries, merged)
            frame = Frame(update_message(merged))
            first, last = parse_id(entries[0].id), parse_id(entries[-1].id)
            for subscriber in subscribers:
                try:
                    if subscriber.deliver_now(first, last, frame):
                        continue
                except Exception:
                    logger.exception("a delivery failed")
                    continue
                await _guard(subscriber.deliver_updates(entries, frame))
            return
        now_ms = int(time.time() * 1000)
        presence = self._presence.get(topic.doc)
        newest: dict[int, AwarenessEntry] = {}
        for entry in entries:
            changes = decode_awareness(entry.payload)
            if presence is not None:
                presence.apply(entry.author, changes, now_ms)
            for change in changes:
                known = newest.get(change.client_id)
                if known is None or change.clock >= known.clock:
                    newest[change.client_id] = change
        # One frame for everyone: a client's own state comes back with the clock it sent,
        # which y-protocols ignores, so nobody needs a frame of their own.
        frame = Frame(awareness_message(encode_awareness(list(newest.values()))))
        for subscriber in subscribers:
            await _guard(subscriber.deliver_awareness(frame))

    async def close(self) -> None:
        await self.rooms.close()
        await self.attendance.close()
        await self.later.close()
        pending: list[asyncio.Future[Any]] = [*self._tasks, *self._preparing.values()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        await self.store.close()


def _follow(structure: DocumentStructure, entry: Entry) -> None:
    """Record a stored update in a structure index (every process sees every entry): from
    the change its writer stored with it, else (an entry of an older process, or of the
    server's own writes) by reading the update."""
    try:
        if entry.digest:
            structure.apply(StructureChange.decode(entry.digest))
        else:
            structure.follow(parse_update(entry.payload, STORED))
    except (Malformed, Rejected):
        logger.warning("a stored update of %s is unreadable", entry.id)


def _pause(spent: float) -> float:
    """How long the reader waits after a read that took `spent` seconds to hand out: the rest
    of a tick, and while busy twice as long as it spent (so fan-out takes at most about a
    third of the process, and each socket gets fewer, fuller messages), up to the longest
    tick."""
    return min(FANOUT_TICK_MAX_SECONDS, max(FANOUT_TICK_SECONDS - spent, 2 * spent))


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
