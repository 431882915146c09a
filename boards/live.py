"""Who is in each of many rooms now, for the directory and the home page: read from the room
store that every server process shares, a bounded number of rooms at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from boards.attendance import present_in
from boards.hub import get_hub
from rooms.recordings import Person

#: Rooms whose presence is read at once (each read is one store call per document).
ROOMS_AT_ONCE = 8


async def present_in_rooms(slugs: Sequence[str]) -> dict[str, frozenset[Person]]:
    """The people present in each room of `slugs` (empty for a room nobody is in)."""
    store = get_hub().store
    gate = asyncio.Semaphore(ROOMS_AT_ONCE)

    async def read(slug: str) -> frozenset[Person]:
        async with gate:
            return await present_in(store, slug)

    people = await asyncio.gather(*(read(slug) for slug in slugs))
    return dict(zip(slugs, people, strict=True))
