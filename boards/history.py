"""A document's whole history, oldest first: what session playback replays."""

from __future__ import annotations

from boards.archive import archived_history
from boards.store import START, Entry, RoomStore, parse_id


async def document_history(store: RoomStore, name: str) -> list[Entry]:
    """Every accepted update of `name` with its author and server time: the SQL archive,
    then whatever the store holds that compaction has not archived yet."""
    archived = await archived_history(name)
    after = archived[-1].id if archived else START
    recent = [e for e in await store.read(name, after=after) if parse_id(e.id) > parse_id(after)]
    return archived + recent
