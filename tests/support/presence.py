"""Publishing presence through the store contract in tests, one change at a time."""

from __future__ import annotations

import time
from collections.abc import Mapping

from boards.store import Entry, PresenceChange, RoomStore


async def publish(
    store: RoomStore,
    doc: str,
    payload: bytes = b"\x00",
    states: Mapping[int, bytes] | None = None,
    removed: tuple[int, ...] = (),
    now_ms: int | None = None,
    author: str = "conn1",
) -> Entry:
    """Publish one awareness update and record `states` (seen now, or at `now_ms`)."""
    seen = int(time.time() * 1000) if now_ms is None else now_ms
    change = PresenceChange(doc, payload, author, states or {}, removed, seen)
    [entry] = await store.publish_presence([change])
    return entry
