"""The embedded room store: one process, everything in memory, same contract as Redis."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager

from boards.store.base import (
    COMPACT_LEASE_MS,
    PRESENCE_MAX_STATES,
    PRESENCE_TIMEOUT_MS,
    START,
    Entry,
    PresenceChange,
    RoomStore,
    Snapshot,
    Topic,
    parse_id,
)

AWARENESS_KEEP = 256
#: Awareness and presence of a document nobody touched for this long are forgotten.
PRESENCE_EXPIRE_MS = 2 * PRESENCE_TIMEOUT_MS
#: Quota counters kept at most; past windows go first, then the oldest counters.
QUOTA_MAX_KEYS = 10_000
#: Votes whose ballots are kept at once; beyond it the oldest are forgotten.
VOTES_KEPT = 1_000


def _now_ms() -> int:
    return int(time.time() * 1000)


class MemoryRoomStore(RoomStore):
    """Keeps logs in lists; `listen` waits on a condition that every append notifies."""

    process_local = True

    def __init__(self, url: str = "") -> None:
        super().__init__(url)
        self._streams: dict[Topic, list[Entry]] = defaultdict(list)
        self._snapshots: dict[str, Snapshot] = {}
        self._presence: dict[str, dict[int, tuple[int, bytes]]] = {}
        self._dirty: set[str] = set()
        self._compacting: dict[str, int] = {}
        self._quotas: dict[str, tuple[int, int, int]] = {}  # key -> (window, spent, before)
        self._votes: dict[str, dict[str, dict[str, int]]] = {}  # vote -> voter -> target -> n
        self._held: set[str] = set()
        self._swept_ms = 0
        self._last_id = (0, 0)
        self._changed: asyncio.Condition | None = None
        self._changed_loop: asyncio.AbstractEventLoop | None = None

    def _condition(self) -> asyncio.Condition:
        """The condition of the running loop (one process-wide store may outlive a loop)."""
        loop = asyncio.get_running_loop()
        if self._changed is None or self._changed_loop is not loop:
            self._changed, self._changed_loop = asyncio.Condition(), loop
        return self._changed

    def _next_id(self) -> str:
        ms = _now_ms()
        last_ms, last_seq = self._last_id
        self._last_id = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        return f"{self._last_id[0]}-{self._last_id[1]}"

    async def _add(
        self, topic: Topic, payload: bytes, author: str, digest: bytes = b"", origin: str = ""
    ) -> Entry:
        entry_id = self._next_id()
        entry = Entry(entry_id, bytes(payload), author, parse_id(entry_id)[0], digest, origin)
        self._streams[topic].append(entry)
        await self.wake()
        return entry

    def append(
        self, doc: str, payload: bytes, author: str, digest: bytes = b"", origin: str = ""
    ) -> Awaitable[Entry]:
        return self._append(doc, payload, author, digest, origin)

    async def _append(
        self, doc: str, payload: bytes, author: str, digest: bytes, origin: str
    ) -> Entry:
        entry = await self._add(Topic(doc, "log"), payload, author, digest, origin)
        self._dirty.add(doc)
        return entry

    @staticmethod
    def _after(entries: list[Entry], after: str) -> list[Entry]:
        return entries[bisect_right(entries, parse_id(after), key=lambda e: parse_id(e.id)) :]

    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        entries = self._after(self._streams.get(Topic(doc, "log"), []), after)
        return entries if limit is None else entries[:limit]

    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        snapshot = self._snapshots.get(doc)
        log = self._streams.get(Topic(doc, "log"), [])
        return snapshot, self._after(log, snapshot.upto if snapshot else START)

    async def last_id(self, topic: Topic) -> str:
        entries = self._streams.get(topic)
        return entries[-1].id if entries else START

    async def trim(self, doc: str, upto: str) -> None:
        topic = Topic(doc, "log")
        self._streams[topic] = self._after(self._streams[topic], upto)

    async def snapshot_upto(self, doc: str) -> str | None:
        snapshot = self._snapshots.get(doc)
        return snapshot.upto if snapshot else None

    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        self._snapshots[doc] = snapshot

    async def _publish_awareness(self, doc: str, payload: bytes, author: str) -> Entry:
        topic = Topic(doc, "awareness")
        entry = await self._add(topic, payload, author)
        del self._streams[topic][:-AWARENESS_KEEP]
        self._expire(entry.time_ms)
        return entry

    def _expire(self, now_ms: int) -> None:
        """Forget awareness and presence of documents idle for `PRESENCE_EXPIRE_MS` (looked
        at once a second at most)."""
        if now_ms - self._swept_ms < 1000:
            return
        self._swept_ms = now_ms
        cutoff = now_ms - PRESENCE_EXPIRE_MS
        idle = [
            topic
            for topic, entries in self._streams.items()
            if topic.kind == "awareness" and (not entries or entries[-1].time_ms < cutoff)
        ]
        for topic in idle:
            del self._streams[topic]
        for doc in [d for d, t in self._presence.items() if max(s for s, _ in t.values()) < cutoff]:
            del self._presence[doc]

    def _save_presence(
        self, doc: str, states: Mapping[int, bytes], removed: Iterable[int], now_ms: int
    ) -> None:
        table = self._presence.setdefault(doc, {})
        for client_id in removed:
            table.pop(client_id, None)
        table.update((client_id, (now_ms, bytes(s))) for client_id, s in states.items())
        cutoff = now_ms - PRESENCE_TIMEOUT_MS
        live = sorted(((seen, c) for c, (seen, _) in table.items() if seen >= cutoff), reverse=True)
        kept = {client_id for _, client_id in live[:PRESENCE_MAX_STATES]}
        for client_id in [c for c in table if c not in kept]:
            del table[client_id]
        if not table:
            del self._presence[doc]
        self._expire(now_ms)

    async def publish_presence(self, changes: Sequence[PresenceChange]) -> list[Entry]:
        published = []
        for change in changes:
            published.append(
                await self._publish_awareness(change.doc, change.payload, change.author)
            )
            self._save_presence(change.doc, change.states, change.removed, change.now_ms)
        return published

    async def load_presence(self, doc: str, since_ms: int) -> dict[int, bytes]:
        table = self._presence.get(doc, {})
        for client_id in [c for c, (seen, _) in table.items() if seen < since_ms]:
            del table[client_id]
        if not table:
            self._presence.pop(doc, None)
        return {client_id: state for client_id, (_, state) in table.items()}

    def _pending(self, cursors: Mapping[Topic, str]) -> list[tuple[Topic, Entry]]:
        found = [
            (topic, entry)
            for topic, cursor in cursors.items()
            for entry in self._after(self._streams.get(topic, []), cursor)
        ]
        found.sort(key=lambda item: item[1].time_ms)  # stable: each stream keeps its order
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

    async def take_dirty(self, lease_ms: int = COMPACT_LEASE_MS) -> list[str]:
        now_ms = _now_ms()
        expired = {doc for doc, deadline in self._compacting.items() if deadline <= now_ms}
        taken, self._dirty = sorted(self._dirty | expired), set()
        self._compacting.update((doc, now_ms + lease_ms) for doc in taken)
        return taken

    async def finish_compaction(self, doc: str) -> None:
        self._compacting.pop(doc, None)

    async def spend(self, key: str, amount: int, limit: int, window_ms: int) -> bool:
        window, into = divmod(_now_ms(), window_ms)
        known_window, used, before = self._quotas.get(key, (window, 0, 0))
        current, previous = {window: (used, before), window - 1: (0, used)}.get(
            known_window, (0, 0)
        )
        if current + previous * (window_ms - into) / window_ms + amount > limit:
            return False
        if key not in self._quotas and len(self._quotas) >= QUOTA_MAX_KEYS:
            self._forget_quotas(window)
        self._quotas[key] = (window, current + amount, previous)
        return True

    def _forget_quotas(self, window: int) -> None:
        """Make room for one more counter: those that no longer count go first, else the
        oldest counter."""
        for key in [k for k, (w, _, _) in self._quotas.items() if w < window - 1]:
            del self._quotas[key]
        if len(self._quotas) >= QUOTA_MAX_KEYS:
            del self._quotas[next(iter(self._quotas))]

    async def logs(self, prefix: str) -> list[str]:
        return sorted(t.doc for t in self._streams if t.kind == "log" and t.doc.startswith(prefix))

    async def cast_vote(
        self, vote: str, voter: str, target: str, delta: int, budget: int, per_target: int
    ) -> dict[str, int] | None:
        if vote not in self._votes and len(self._votes) >= VOTES_KEPT:
            del self._votes[next(iter(self._votes))]
        mine = self._votes.setdefault(vote, {}).setdefault(voter, {})
        now = mine.get(target, 0) + delta
        if now < 0 or now > per_target or sum(mine.values()) + delta > budget:
            return None
        if now:
            mine[target] = now
        else:
            mine.pop(target, None)
        return dict(mine)

    async def vote_results(self, vote: str) -> dict[str, int]:
        results: dict[str, int] = {}
        for mine in self._votes.get(vote, {}).values():
            for target, n in mine.items():
                results[target] = results.get(target, 0) + n
        return results

    async def forget_vote(self, vote: str) -> None:
        self._votes.pop(vote, None)

    async def delete_documents(self, prefix: str) -> None:
        for topic in [t for t in self._streams if t.doc.startswith(prefix)]:
            del self._streams[topic]
        for table in (self._snapshots, self._presence, self._compacting, self._quotas, self._votes):
            for name in [n for n in table if n.startswith(prefix)]:
                del table[name]
        self._dirty = {doc for doc in self._dirty if not doc.startswith(prefix)}

    @asynccontextmanager
    async def lock(self, name: str, ttl: float) -> AsyncIterator[bool]:
        if name in self._held:
            yield False
            return
        self._held.add(name)
        try:
            yield True
        finally:
            self._held.discard(name)
