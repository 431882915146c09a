"""The room store: where every accepted update of a document lives, with its author and time.

`RoomStore` is the contract; `RedisRoomStore` serves production (streams shared by any number
of server processes) and `MemoryRoomStore` the embedded one-process default. One contract
suite (tests/boards/test_store_contract.py) runs over both.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from boards.store.base import START, Entry, RoomStore, Snapshot, Topic, parse_id

__all__ = ["START", "Entry", "RoomStore", "Snapshot", "Topic", "create_store", "parse_id"]


def create_store() -> RoomStore:
    """Build the store named by `settings.ROOM_STORE`."""
    config = settings.ROOM_STORE
    cls = import_string(str(config["BACKEND"]))
    store: RoomStore = cls(url=str(config.get("URL", "")))
    return store
