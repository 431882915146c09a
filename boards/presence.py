"""Presence (awareness) of the documents a process serves: who owns which client id, within
bounds, and the changes waiting to be published together on the next tick."""

from __future__ import annotations

from dataclasses import dataclass, field

from boards.protocol import AwarenessEntry, decode_awareness, encode_awareness
from boards.store import PRESENCE_MAX_STATES, PRESENCE_TIMEOUT_MS, PresenceChange

PRESENCE_IDS_PER_CONNECTION = 2
PRESENCE_MAX_BYTES = 512 * 1024


@dataclass
class Seen:
    """One client id's presence: its newest entry, when it came, and the connection that
    introduced it (the only one that may change it)."""

    entry: AwarenessEntry
    at_ms: int
    owner: str
    size: int


@dataclass
class Presence:
    """The awareness states of one document, owned by the sockets that introduced them.

    A connection owns at most `PRESENCE_IDS_PER_CONNECTION` client ids; entries it sends for
    ids it does not own are ignored (the stock client relays other people's states), as are
    ids that left within the timeout. The table is bounded in states and bytes.
    """

    states: dict[int, Seen] = field(default_factory=dict)
    gone: dict[int, int] = field(default_factory=dict)
    used: int = 0  # bytes of the states
    swept_ms: int = 0

    def admit(self, owner: str, entries: list[AwarenessEntry], now_ms: int) -> list[AwarenessEntry]:
        """The entries `owner` may publish: changes to its own ids, or a new id of its own."""
        self._expire(now_ms)
        accepted = []
        owned = sum(1 for seen in self.states.values() if seen.owner == owner)
        for entry in entries:
            known = self.states.get(entry.client_id)
            if known is not None:
                if known.owner == owner and entry.clock >= known.entry.clock:
                    accepted.append(entry)
                continue
            if entry.state is None or entry.client_id in self.gone:
                continue
            if owned >= PRESENCE_IDS_PER_CONNECTION or not self._room_for(presence_size(entry)):
                continue
            owned += 1
            accepted.append(entry)
        return accepted

    def apply(self, owner: str, entries: list[AwarenessEntry], now_ms: int) -> None:
        """Record published entries (from any process) in the table."""
        for entry in entries:
            known = self.states.get(entry.client_id)
            if known is not None and (known.owner != owner or known.entry.clock > entry.clock):
                continue
            if entry.state is None:
                self._drop(entry.client_id)
                self.gone[entry.client_id] = now_ms
            elif known is not None or self._room_for(presence_size(entry)):
                self._drop(entry.client_id)
                self.states[entry.client_id] = Seen(entry, now_ms, owner, presence_size(entry))
                self.used += presence_size(entry)

    def departures(self, owner: str) -> list[AwarenessEntry]:
        """Entries that remove every id `owner` holds (it is closing)."""
        return [
            AwarenessEntry(client_id, seen.entry.clock + 1, None)
            for client_id, seen in self.states.items()
            if seen.owner == owner
        ]

    def encoded(self, now_ms: int) -> bytes | None:
        """Every live state as one awareness update, or None when nobody is here."""
        self._expire(now_ms)
        live = [seen.entry for seen in self.states.values()]
        return encode_awareness(live) if live else None

    def _room_for(self, size: int) -> bool:
        return len(self.states) < PRESENCE_MAX_STATES and self.used + size <= PRESENCE_MAX_BYTES

    def _drop(self, client_id: int) -> None:
        seen = self.states.pop(client_id, None)
        if seen is not None:
            self.used -= seen.size

    def _expire(self, now_ms: int) -> None:
        """Forget states not renewed within the timeout (looked at once a second at most)."""
        if now_ms - self.swept_ms < 1000:
            return
        self.swept_ms = now_ms
        horizon = now_ms - PRESENCE_TIMEOUT_MS
        for client_id in [c for c, seen in self.states.items() if seen.at_ms < horizon]:
            self._drop(client_id)
        for client_id in [c for c, at in self.gone.items() if at < horizon]:
            del self.gone[client_id]


def presence_size(entry: AwarenessEntry) -> int:
    return len(entry.raw)


def presence_record(owner: str, entry: AwarenessEntry) -> bytes:
    """One presence entry as the store keeps it: its owner, a space, the awareness update."""
    return owner.encode() + b" " + encode_awareness([entry])


def read_presence_record(record: bytes) -> tuple[str, list[AwarenessEntry]]:
    owner, _, payload = record.partition(b" ")
    return owner.decode(), decode_awareness(payload)


class PresenceOutbox:
    """Presence changes of this process waiting for the next tick: per document and owner,
    the newest entry of each client id. One store call publishes them all."""

    def __init__(self) -> None:
        self._waiting: dict[tuple[str, str], dict[int, AwarenessEntry]] = {}

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def add(self, name: str, owner: str, entries: list[AwarenessEntry]) -> None:
        newest = self._waiting.setdefault((name, owner), {})
        for entry in entries:
            known = newest.get(entry.client_id)
            if known is None or entry.clock >= known.clock:
                newest[entry.client_id] = entry

    def take(self, now_ms: int) -> list[PresenceChange]:
        """Everything waiting, as store changes; the outbox is empty afterwards."""
        waiting, self._waiting = self._waiting, {}
        return [
            PresenceChange(
                doc=name,
                payload=encode_awareness(list(entries.values())),
                author=owner,
                states={
                    cid: presence_record(owner, e)
                    for cid, e in entries.items()
                    if e.state is not None
                },
                removed=tuple(cid for cid, e in entries.items() if e.state is None),
                now_ms=now_ms,
            )
            for (name, owner), entries in waiting.items()
        ]
