"""The room store contract that every backend honours."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, NamedTuple

START = "0-0"
#: At most this many awareness states of one document are kept in the presence snapshot;
#: beyond it the oldest are dropped (a newer state is the likelier to be someone still here).
PRESENCE_MAX_STATES = 200
#: Presence entries older than this are stale: awareness clients renew every 15 s.
PRESENCE_TIMEOUT_MS = 30_000
#: How long compaction work taken by a process stays its own before others may retake it.
COMPACT_LEASE_MS = 300_000


def parse_id(entry_id: str) -> tuple[int, int]:
    """Order entry ids ("<milliseconds>-<sequence>", as Redis streams make them)."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


class Topic(NamedTuple):
    """One stream of a document: its update log, or its awareness (presence) channel."""

    doc: str
    kind: Literal["log", "awareness"]


class Entry(NamedTuple):
    """One accepted message: payload bytes, who sent it and when the server took it (ms);
    `digest` and `origin`, what the appending process noted with it and which process that
    was (see `RoomStore.append`). A named tuple: every process makes one for each entry it
    reads, and a tuple is made in a third of a frozen dataclass's time."""

    id: str
    payload: bytes
    author: str
    time_ms: int
    digest: bytes = b""
    origin: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A keyframe: the document's full state including every log entry up to `upto`."""

    state: bytes
    upto: str


@dataclass(frozen=True)
class PresenceChange:
    """One document's presence changes of a tick: the awareness update to publish (`payload`,
    sent by `author`) and the states to record (`states`, `removed`, seen at `now_ms`)."""

    doc: str
    payload: bytes
    author: str
    states: Mapping[int, bytes]
    removed: tuple[int, ...]
    now_ms: int


class StoreBusy(Exception):
    """The store could not take the call in time (every connection stayed busy): a transient
    overload the caller sheds, not a failure of the store."""


def room_of(name: str) -> str:
    """The room slug of a document name ("<room slug>/<doc>") or a quota key."""
    return name.partition("/")[0]


class RoomStore(ABC):
    """Append-only update logs per document, awareness channels, keyframes and locks.

    Document names look like "<room slug>/<doc>"; quota keys too. Entry ids grow with time
    in every backend. Any call may raise `StoreBusy` when the store is overloaded.
    """

    #: The state lives in this process: every `create_store()` of a process shares one object.
    process_local = False

    def __init__(self, url: str = "") -> None:
        self.url = url

    @abstractmethod
    def append(
        self, doc: str, payload: bytes, author: str, digest: bytes = b"", origin: str = ""
    ) -> Awaitable[Entry]:
        """Durably add an accepted update to the document's log and mark it dirty; awaited,
        the entry. Appends are made in the order of the calls, awaited or not. Its log entry
        keeps `digest` (a `StructureChange`, so that other processes need not read the
        update again) and `origin` (the appending process, which knows it already); the
        archive keeps updates alone."""

    @abstractmethod
    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        """Log entries with ids greater than `after`, oldest first."""

    @abstractmethod
    async def last_id(self, topic: Topic) -> str:
        """The id of the newest entry of a topic, or "0-0" when it has none."""

    @abstractmethod
    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        """The newest keyframe and every log entry after it, read in one atomic step."""

    @abstractmethod
    async def trim(self, doc: str, upto: str) -> None:
        """Drop log entries with ids up to and including `upto` (after they are archived)."""

    @abstractmethod
    async def snapshot_upto(self, doc: str) -> str | None:
        """The log entry the newest keyframe includes updates up to, if there is one
        (without reading the keyframe itself)."""

    @abstractmethod
    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        """Store a keyframe."""

    @abstractmethod
    async def publish_presence(self, changes: Sequence[PresenceChange]) -> list[Entry]:
        """For every change in order: send its awareness update (`payload`, from `author`) to
        every process that serves the document, and record its states in the document's
        presence table (client id -> its encoded one-entry awareness update, seen at
        `now_ms`), forgetting `removed` clients; stale states are dropped, and beyond
        `PRESENCE_MAX_STATES` the oldest. One call (one round trip for Redis); returns the
        published awareness entries in order."""

    @abstractmethod
    async def load_presence(self, doc: str, since_ms: int) -> dict[int, bytes]:
        """The awareness states seen at or after `since_ms` (older ones are dropped)."""

    @abstractmethod
    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        """Wait up to `block` seconds for entries after the cursors; return them in time
        order, each topic's in its own order."""

    @abstractmethod
    async def wake(self) -> None:
        """Make a pending `listen` of this store object return now (its cursors changed)."""

    @abstractmethod
    async def mark_dirty(self, doc: str) -> None:
        """Note that a document has entries that compaction has not archived yet."""

    @abstractmethod
    async def take_dirty(self, lease_ms: int = COMPACT_LEASE_MS) -> list[str]:
        """Take the documents marked dirty, and those whose lease ran out unfinished.

        Each taken document is leased for `lease_ms`: `finish_compaction` ends the lease;
        if the taker dies first, any process takes the document again once it expires.
        """

    @abstractmethod
    async def finish_compaction(self, doc: str) -> None:
        """End the lease `take_dirty` gave on a document."""

    @abstractmethod
    async def spend(self, key: str, amount: int, limit: int, window_ms: int) -> bool:
        """Add `amount` to the counter `key` ("<room slug>/...") of a sliding window of
        `window_ms`, atomically across processes; if that would pass `limit`, spend nothing
        and return False. The window slides over fixed ones: the previous one's spending
        counts for the share of it the sliding window still covers, so no burst at a
        window's edge gets twice the limit through."""

    @abstractmethod
    async def logs(self, prefix: str) -> list[str]:
        """The names of the documents starting with `prefix` ("<room slug>/...") that have
        a log in the store, sorted."""

    @abstractmethod
    async def cast_vote(
        self, vote: str, voter: str, target: str, delta: int, budget: int, per_target: int
    ) -> dict[str, int] | None:
        """Add `delta` (1, -1 to take one back, 0 to read) to `voter`'s votes for `target` in the
        vote `vote` ("<room slug>/<vote id>"), atomically across processes: refused (None)
        if the voter's votes would pass `budget`, their votes for one target `per_target`,
        or go below zero. Returns the voter's votes after it, {target: n}."""

    @abstractmethod
    async def vote_results(self, vote: str) -> dict[str, int]:
        """The votes every target of `vote` has, {target: n} (targets with none left out)."""

    @abstractmethod
    async def forget_vote(self, vote: str) -> None:
        """Forget every ballot and count of `vote` (once its results are published)."""

    @abstractmethod
    async def delete_documents(self, prefix: str) -> None:
        """Forget every document of a room, `prefix` being "<room slug>/": logs, keyframes,
        awareness, presence, compaction work and quotas."""

    @abstractmethod
    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        """A best-effort exclusive lock across processes; yields whether it was acquired."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
