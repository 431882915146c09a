"""Room events (`rooms.events`) for the sockets of this process: one channel on the channel
layer per process, in the group of every room it has sockets for, instead of a channel and
a group membership per socket (each of which costs memory and a Redis call per join)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from channels.layers import get_channel_layer

from rooms.events import room_group

logger = logging.getLogger(__name__)

#: channels-redis forgets a group membership after a day; a room's is renewed when a socket
#: joins and it is older than this.
RENEW_AFTER_SECONDS = 3600.0


class RoomListener(Protocol):
    """A socket that hears about its room."""

    async def room_access_changed(self, event: dict[str, Any]) -> None: ...


class RoomEvents:
    """Delivers each room's events to the local sockets of that room."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[RoomListener]] = {}
        self._joined: dict[str, float] = {}
        self._channel: str | None = None
        self._opening = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def join(self, slug: str, listener: RoomListener) -> None:
        """Send `slug`'s events to `listener` from now on."""
        self._listeners.setdefault(slug, set()).add(listener)
        layer = get_channel_layer()
        if layer is None:
            return
        async with self._opening:
            if self._channel is None:
                self._channel = await layer.new_channel()
                self._task = asyncio.create_task(self._receive_forever(layer, self._channel))
        if time.monotonic() - self._joined.get(slug, -RENEW_AFTER_SECONDS) >= RENEW_AFTER_SECONDS:
            self._joined[slug] = time.monotonic()
            await layer.group_add(room_group(slug), self._channel)

    def leave(self, slug: str, listener: RoomListener) -> None:
        """Stop sending `slug`'s events to `listener` (the room's group membership stays
        until it lapses; events for a room with nobody here are dropped)."""
        listeners = self._listeners.get(slug)
        if listeners is None:
            return
        listeners.discard(listener)
        if not listeners:
            del self._listeners[slug]
            self._joined.pop(slug, None)

    async def _receive_forever(self, layer: Any, channel: str) -> None:
        while True:
            try:
                event = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reading room events failed; retrying")
                await asyncio.sleep(0.5)
                continue
            listeners = self._listeners.get(str(event.get("slug")), set())
            await asyncio.gather(*(_deliver(listener, event) for listener in list(listeners)))

    async def close(self) -> None:
        """Stop reading events."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


async def _deliver(listener: RoomListener, event: dict[str, Any]) -> None:
    try:
        await listener.room_access_changed(event)
    except Exception:
        logger.exception("a room event could not be delivered")
