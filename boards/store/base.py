"""The room store contract that every backend honours."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, NamedTuple

START = "0-0"


def parse_id(entry_id: str) -> tuple[int, int]:
    """Order entry ids ("<milliseconds>-<sequence>", as Redis streams make them)."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


class Topic(NamedTuple):
    """One stream of a document: its update log, or its awareness (presence) channel."""

    doc: str
    kind: Literal["log", "awareness"]


@dataclass(frozen=True)
class Entry:
    """One accepted message: payload bytes, who sent it and when the server took it (ms)."""

    id: str
    payload: bytes
    author: str
    time_ms: int


@dataclass(frozen=True)
class Snapshot:
    """A keyframe: the document's full state including every log entry up to `upto`."""

    state: bytes
    upto: str


class RoomStore(ABC):
    """Append-only update logs per document, awareness channels, keyframes and locks.

    Document names look like "<room slug>/<doc>". Entry ids grow with time in every backend.
    """

    def __init__(self, url: str = "") -> None:
        self.url = url

    @abstractmethod
    async def append(self, doc: str, payload: bytes, author: str) -> Entry:
        """Durably add an accepted update to the document's log and mark it dirty."""

    @abstractmethod
    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        """Log entries with ids greater than `after`, oldest first."""

    @abstractmethod
    async def last_id(self, topic: Topic) -> str:
        """The id of the newest entry of a topic, or "0-0" when it has none."""

    @abstractmethod
    async def trim(self, doc: str, upto: str) -> None:
        """Drop log entries with ids up to and including `upto` (after they are archived)."""

    @abstractmethod
    async def get_snapshot(self, doc: str) -> Snapshot | None:
        """The newest keyframe, if any."""

    @abstractmethod
    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        """Store a keyframe."""

    @abstractmethod
    async def publish_awareness(self, doc: str, payload: bytes, author: str) -> Entry:
        """Send an awareness update to every process that serves the document."""

    @abstractmethod
    async def recent_awareness(self, doc: str, since_ms: int) -> list[Entry]:
        """Awareness updates published since `since_ms`, oldest first."""

    @abstractmethod
    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        """Wait up to `block` seconds for entries after the cursors; return them in order."""

    @abstractmethod
    async def wake(self) -> None:
        """Make a pending `listen` of this store object return now (its cursors changed)."""

    @abstractmethod
    async def mark_dirty(self, doc: str) -> None:
        """Note that a document has entries that compaction has not archived yet."""

    @abstractmethod
    async def take_dirty(self) -> list[str]:
        """Take (and clear) the documents marked dirty."""

    @abstractmethod
    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        """A best-effort exclusive lock across processes; yields whether it was acquired."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
