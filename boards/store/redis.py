"""The production room store: one Redis Stream per document log, shared by every process.

Keys (all under the `coworking:` prefix):
  doc:<name>:log        stream of accepted updates (fields: u = update, a = author)
  doc:<name>:awareness  capped stream of awareness updates
  doc:<name>:snapshot   hash {state, upto}: the newest keyframe
  dirty                 set of documents with entries not yet archived to SQL
  wake:<uuid>           per-store-object stream used only to interrupt a blocking XREAD
  lock:<name>           SET NX PX locks
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError

from boards.store.base import START, Entry, RoomStore, Snapshot, Topic, parse_id

PREFIX = "coworking:"
AWARENESS_MAXLEN = 1000
RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _key(topic: Topic) -> str:
    return f"{PREFIX}doc:{topic.doc}:{topic.kind}"


def _entry(entry_id: bytes | str, fields: Mapping[bytes, bytes]) -> Entry:
    text_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return Entry(text_id, fields[b"u"], fields[b"a"].decode(), parse_id(text_id)[0])


class RedisRoomStore(RoomStore):
    """Streams and keyframes in Redis; `listen` is one multiplexed XREAD BLOCK."""

    def __init__(self, url: str = "") -> None:
        super().__init__(url or "redis://localhost:6379/0")
        # redis-py's annotations cannot tell bytes replies from decoded ones: typed as Any.
        # Commands are retried across a Redis restart; a repeated XADD of a Yjs update is
        # harmless because applying an update twice changes nothing.
        options: dict[str, Any] = {
            "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=8),
            "retry_on_error": [ConnectionError, TimeoutError],
        }
        self._redis: Any = redis.Redis.from_url(self.url, **options)
        # Blocking reads get their own connection so they never delay appends.
        self._reader: Any = redis.Redis.from_url(self.url, single_connection_client=True, **options)
        self._wake_key = f"{PREFIX}wake:{uuid.uuid4().hex}"
        self._wake_cursor = START
        self._topics: dict[str, Topic] = {}

    async def append(self, doc: str, payload: bytes, author: str) -> Entry:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(_key(Topic(doc, "log")), {"u": payload, "a": author})
            pipe.sadd(f"{PREFIX}dirty", doc)
            entry_id, _ = await pipe.execute()
        return _entry(entry_id, {b"u": payload, b"a": author.encode()})

    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        rows = await self._redis.xrange(_key(Topic(doc, "log")), min=f"({after}", count=limit)
        return [_entry(entry_id, fields) for entry_id, fields in rows]

    async def last_id(self, topic: Topic) -> str:
        rows = await self._redis.xrevrange(_key(topic), count=1)
        return rows[0][0].decode() if rows else START

    async def trim(self, doc: str, upto: str) -> None:
        ms, seq = parse_id(upto)
        await self._redis.xtrim(_key(Topic(doc, "log")), minid=f"{ms}-{seq + 1}", approximate=False)

    async def get_snapshot(self, doc: str) -> Snapshot | None:
        found = await self._redis.hgetall(f"{PREFIX}doc:{doc}:snapshot")
        if not found:
            return None
        return Snapshot(state=found[b"state"], upto=found[b"upto"].decode())

    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        await self._redis.hset(
            f"{PREFIX}doc:{doc}:snapshot", mapping={"state": snapshot.state, "upto": snapshot.upto}
        )

    async def publish_awareness(self, doc: str, payload: bytes, author: str) -> Entry:
        entry_id = await self._redis.xadd(
            _key(Topic(doc, "awareness")),
            {"u": payload, "a": author},
            maxlen=AWARENESS_MAXLEN,
            approximate=True,
        )
        return _entry(entry_id, {b"u": payload, b"a": author.encode()})

    async def recent_awareness(self, doc: str, since_ms: int) -> list[Entry]:
        rows = await self._redis.xrange(_key(Topic(doc, "awareness")), min=f"{since_ms}-0")
        return [_entry(entry_id, fields) for entry_id, fields in rows]

    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        streams: dict[str, str] = {self._wake_key: self._wake_cursor}
        for topic, cursor in cursors.items():
            key = _key(topic)
            self._topics[key] = topic
            streams[key] = cursor
        reply = await self._reader.xread(streams, block=max(1, int(block * 1000)))
        found: list[tuple[Topic, Entry]] = []
        for raw_key, rows in reply or []:
            key = raw_key.decode()
            if key == self._wake_key:
                self._wake_cursor = rows[-1][0].decode()
                continue
            topic = self._topics[key]
            found.extend((topic, _entry(entry_id, fields)) for entry_id, fields in rows)
        found.sort(key=lambda item: parse_id(item[1].id))
        return found

    async def wake(self) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"w": 1}, maxlen=1)
            pipe.expire(self._wake_key, 60)
            await pipe.execute()

    async def mark_dirty(self, doc: str) -> None:
        await self._redis.sadd(f"{PREFIX}dirty", doc)

    async def take_dirty(self) -> list[str]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.smembers(f"{PREFIX}dirty")
            pipe.delete(f"{PREFIX}dirty")
            members, _ = await pipe.execute()
        return sorted(m.decode() for m in members)

    @asynccontextmanager
    async def lock(self, name: str, ttl: float) -> AsyncIterator[bool]:
        key, token = f"{PREFIX}lock:{name}", uuid.uuid4().hex
        acquired = bool(await self._redis.set(key, token, nx=True, px=int(ttl * 1000)))
        try:
            yield acquired
        finally:
            if acquired:
                await self._redis.eval(RELEASE_LOCK, 1, key, token)

    async def close(self) -> None:
        await self._redis.delete(self._wake_key)
        await self._reader.aclose()
        await self._redis.aclose()
