"""The room store: where every accepted update of a document lives, with its author and time.

`RoomStore` is the contract; `RedisRoomStore` serves production (streams shared by any number
of server processes) and `MemoryRoomStore` the embedded one-process default. One contract
suite (tests/boards/test_store_contract.py) runs over all three kinds (memory, one Redis, a
Redis Cluster).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from boards.store.base import (
    PRESENCE_MAX_STATES,
    PRESENCE_TIMEOUT_MS,
    START,
    Entry,
    PresenceChange,
    RoomStore,
    Snapshot,
    StoreBusy,
    Topic,
    parse_id,
    room_of,
)

__all__ = [
    "PRESENCE_MAX_STATES",
    "PRESENCE_TIMEOUT_MS",
    "START",
    "Entry",
    "PresenceChange",
    "RoomStore",
    "Snapshot",
    "StoreBusy",
    "Topic",
    "create_store",
    "parse_id",
    "room_of",
]

_process_stores: dict[tuple[str, str], RoomStore] = {}


def create_store() -> RoomStore:
    """Build the store named by `settings.ROOM_STORE`.

    A store whose state lives in this process (the embedded one) is built once per process,
    so that whoever asks (the hub, a room being deleted) sees the same documents.
    """
    config = settings.ROOM_STORE
    backend, url = str(config["BACKEND"]), str(config.get("URL", ""))
    shared = _process_stores.get((backend, url))
    if shared is not None:
        return shared
    cls = import_string(backend)
    store: RoomStore = cls(url=url)
    if store.process_local:
        _process_stores[(backend, url)] = store
    return store
