"""Settings of the live Redis Cluster test: the room store on the cluster (`ROOM_STORE_URL`);
the channel layer and the throttle cache, which do not speak Redis Cluster, on a plain
Redis (`REDIS_URL`)."""

import os

from coworking.settings import *  # noqa: F403
from coworking.settings import ROOM_STORE

ROOM_STORE = {
    **ROOM_STORE,
    "BACKEND": "boards.store.redis.RedisRoomStore",
    "URL": os.environ["ROOM_STORE_URL"],
}
