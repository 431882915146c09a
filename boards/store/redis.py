"""The production room store: one Redis Stream per document log, shared by every process.

Keys (all under the `coworking:` prefix). Every key of a room carries the room's hash tag
`{<slug>}`, so a Redis Cluster keeps a room on one shard and a room's keys are found by one
pattern; `<name>` is the whole document name "<slug>/<doc>":
  {<slug>}:doc:<name>:log            stream of accepted updates (fields: u = update, a = author)
  {<slug>}:doc:<name>:awareness      stream of awareness updates (capped, expires when idle)
  {<slug>}:doc:<name>:presence       hash client id -> encoded awareness state
  {<slug>}:doc:<name>:presence-seen  sorted set client id -> when its state was saved (ms)
  {<slug>}:doc:<name>:snapshot       hash {state, upto}: the newest keyframe
  {<slug>}:quota:<key>               hash {w: window number, n: spent in it}
  dirty                 set of documents with entries not yet archived to SQL
  compacting            sorted set of documents taken for compaction -> lease deadline (ms)
  wake:<uuid>           per-store-object stream used only to interrupt a blocking XREAD
  lock:<name>           SET NX PX locks

Scripts read the time from Redis (`TIME`), so every process agrees on quota windows and
leases whatever its own clock says.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError

from boards.store.base import (
    COMPACT_LEASE_MS,
    PRESENCE_MAX_STATES,
    PRESENCE_TIMEOUT_MS,
    START,
    Entry,
    RoomStore,
    Snapshot,
    Topic,
    parse_id,
    room_of,
)

PREFIX = "coworking:"
DIRTY = f"{PREFIX}dirty"
COMPACTING = f"{PREFIX}compacting"
AWARENESS_MAXLEN = 256
#: Awareness and presence of a document nobody touched for this long expire.
PRESENCE_EXPIRE_MS = 2 * PRESENCE_TIMEOUT_MS
DELETE_BATCH = 500
NOW_MS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(t[2] / 1000)
"""
RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# KEYS: quota hash. ARGV: amount, limit, window ms.
SPEND = (
    NOW_MS
    + """
local window = math.floor(now / tonumber(ARGV[3]))
local found = redis.call('HMGET', KEYS[1], 'w', 'n')
local used = 0
if tonumber(found[1]) == window then used = tonumber(found[2]) end
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'w', window, 'n', used + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
)
# KEYS: dirty set, compacting sorted set. ARGV: lease ms.
TAKE_DIRTY = (
    NOW_MS
    + """
local names = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  table.insert(names, name)
end
for _, name in ipairs(names) do redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), name) end
return names
"""
)
# KEYS: presence hash, presence-seen sorted set.
# ARGV: now ms, stale before ms, max states, expire ms, count of removed, removed ids...,
# then client id, state pairs.
SAVE_PRESENCE = """
local now, removed = tonumber(ARGV[1]), tonumber(ARGV[5])
for i = 6, 5 + removed do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
for i = 6 + removed, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], now, ARGV[i])
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])) do
  redis.call('HDEL', KEYS[1], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
    redis.call('HDEL', KEYS[1], id)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
"""
# KEYS: presence hash, presence-seen sorted set. ARGV: since ms.
LOAD_PRESENCE = """
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])) do
  redis.call('HDEL', KEYS[1], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""
DOC_KEY = re.compile(r"\{[^}]*\}:doc:(?P<doc>.+):(?P<kind>[a-z-]+)")
GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


def _doc_key(doc: str, kind: str) -> str:
    return f"{PREFIX}{{{room_of(doc)}}}:doc:{doc}:{kind}"


def _key(topic: Topic) -> str:
    return _doc_key(topic.doc, topic.kind)


def _topic(key: str) -> Topic:
    """The topic a stream key belongs to (the inverse of `_key`)."""
    match = DOC_KEY.fullmatch(key.removeprefix(PREFIX))
    if match is None or match["kind"] not in ("log", "awareness"):
        raise ValueError(f"not a document stream: {key!r}")
    return Topic(match["doc"], "log" if match["kind"] == "log" else "awareness")


def _glob(text: str) -> str:
    return GLOB_SPECIAL.sub(r"\\\1", text)


def _entry(entry_id: bytes | str, fields: Mapping[bytes, bytes]) -> Entry:
    text_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return Entry(text_id, fields[b"u"], fields[b"a"].decode(), parse_id(text_id)[0])


class RedisRoomStore(RoomStore):
    """Streams and keyframes in Redis; `listen` is one multiplexed XREAD BLOCK."""

    def __init__(self, url: str = "") -> None:
        super().__init__(url or "redis://localhost:6379/0")
        # redis-py's annotations cannot tell bytes replies from decoded ones: typed as Any.
        # Every command (scripts included: they are re-loaded when a restarted Redis lost
        # them) is retried on a connection error, so a pooled connection that went stale
        # when Redis restarted costs a reconnect, not a failed call. A repeated XADD of a
        # Yjs update is harmless because applying an update twice changes nothing.
        options: dict[str, Any] = {
            "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=8),
            "retry_on_error": [ConnectionError, TimeoutError],
        }
        self._redis: Any = redis.Redis.from_url(self.url, **options)
        # Blocking reads get their own connection so they never delay appends.
        self._reader: Any = redis.Redis.from_url(self.url, single_connection_client=True, **options)
        self._wake_key = f"{PREFIX}wake:{uuid.uuid4().hex}"
        self._wake_cursor = START
        self._release_lock = self._redis.register_script(RELEASE_LOCK)
        self._spend = self._redis.register_script(SPEND)
        self._take_dirty = self._redis.register_script(TAKE_DIRTY)
        self._save_presence = self._redis.register_script(SAVE_PRESENCE)
        self._load_presence = self._redis.register_script(LOAD_PRESENCE)

    async def append(self, doc: str, payload: bytes, author: str) -> Entry:
        # Not a transaction: `dirty` lives outside the room's hash slot.
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(_key(Topic(doc, "log")), {"u": payload, "a": author})
            pipe.sadd(DIRTY, doc)
            entry_id, _ = await pipe.execute()
        return _entry(entry_id, {b"u": payload, b"a": author.encode()})

    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        rows = await self._redis.xrange(_key(Topic(doc, "log")), min=f"({after}", count=limit)
        return [_entry(entry_id, fields) for entry_id, fields in rows]

    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        # Compaction trims the log only up to the keyframe before the newest, so the whole
        # log is at most about two compaction intervals long.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(_doc_key(doc, "snapshot"))
            pipe.xrange(_key(Topic(doc, "log")))
            found, rows = await pipe.execute()
        snapshot = Snapshot(found[b"state"], found[b"upto"].decode()) if found else None
        after = parse_id(snapshot.upto if snapshot else START)
        entries = [_entry(entry_id, fields) for entry_id, fields in rows]
        return snapshot, [e for e in entries if parse_id(e.id) > after]

    async def last_id(self, topic: Topic) -> str:
        rows = await self._redis.xrevrange(_key(topic), count=1)
        return rows[0][0].decode() if rows else START

    async def trim(self, doc: str, upto: str) -> None:
        ms, seq = parse_id(upto)
        await self._redis.xtrim(_key(Topic(doc, "log")), minid=f"{ms}-{seq + 1}", approximate=False)

    async def get_snapshot(self, doc: str) -> Snapshot | None:
        found = await self._redis.hgetall(_doc_key(doc, "snapshot"))
        if not found:
            return None
        return Snapshot(state=found[b"state"], upto=found[b"upto"].decode())

    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        await self._redis.hset(
            _doc_key(doc, "snapshot"), mapping={"state": snapshot.state, "upto": snapshot.upto}
        )

    async def publish_awareness(self, doc: str, payload: bytes, author: str) -> Entry:
        key = _key(Topic(doc, "awareness"))
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {"u": payload, "a": author}, maxlen=AWARENESS_MAXLEN, approximate=False)
            pipe.pexpire(key, PRESENCE_EXPIRE_MS)
            entry_id, _ = await pipe.execute()
        return _entry(entry_id, {b"u": payload, b"a": author.encode()})

    async def save_presence(
        self, doc: str, states: Mapping[int, bytes], removed: Iterable[int], now_ms: int
    ) -> None:
        gone = [str(client_id) for client_id in removed]
        pairs = [item for c, state in states.items() for item in (str(c), bytes(state))]
        limits = [now_ms - PRESENCE_TIMEOUT_MS, PRESENCE_MAX_STATES, PRESENCE_EXPIRE_MS]
        await self._save_presence(
            keys=[_doc_key(doc, "presence"), _doc_key(doc, "presence-seen")],
            args=[now_ms, *limits, len(gone), *gone, *pairs],
        )

    async def load_presence(self, doc: str, since_ms: int) -> dict[int, bytes]:
        flat = await self._load_presence(
            keys=[_doc_key(doc, "presence"), _doc_key(doc, "presence-seen")], args=[since_ms]
        )
        return {int(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}

    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        streams: dict[str, str] = {self._wake_key: self._wake_cursor}
        streams.update((_key(topic), cursor) for topic, cursor in cursors.items())
        reply = await self._reader.xread(streams, block=max(1, int(block * 1000)))
        found: list[tuple[Topic, Entry]] = []
        for raw_key, rows in reply or []:
            key = raw_key.decode()
            if key == self._wake_key:
                self._wake_cursor = rows[-1][0].decode()
                continue
            topic = _topic(key)
            found.extend((topic, _entry(entry_id, fields)) for entry_id, fields in rows)
        found.sort(key=lambda item: parse_id(item[1].id))
        return found

    async def wake(self) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"w": 1}, maxlen=1)
            pipe.expire(self._wake_key, 60)
            await pipe.execute()

    async def mark_dirty(self, doc: str) -> None:
        await self._redis.sadd(DIRTY, doc)

    async def take_dirty(self, lease_ms: int = COMPACT_LEASE_MS) -> list[str]:
        names = await self._take_dirty(keys=[DIRTY, COMPACTING], args=[lease_ms])
        return sorted({name.decode() for name in names})

    async def finish_compaction(self, doc: str) -> None:
        await self._redis.zrem(COMPACTING, doc)

    async def spend(self, key: str, amount: int, limit: int, window_ms: int) -> bool:
        quota = f"{PREFIX}{{{room_of(key)}}}:quota:{key}"
        return bool(await self._spend(keys=[quota], args=[amount, limit, window_ms]))

    async def delete_documents(self, prefix: str) -> None:
        # Every key under the room's hash tag belongs to the room.
        pattern = f"{PREFIX}{{{_glob(room_of(prefix))}}}:*"
        batch: list[bytes] = []
        async for key in self._redis.scan_iter(match=pattern, count=DELETE_BATCH):
            batch.append(key)
            if len(batch) >= DELETE_BATCH:
                await self._redis.unlink(*batch)
                batch = []
        if batch:
            await self._redis.unlink(*batch)
        names = [n async for n in self._redis.sscan_iter(DIRTY, match=f"{_glob(prefix)}*")]
        if names:
            await self._redis.srem(DIRTY, *names)
        taken = [n async for n, _ in self._redis.zscan_iter(COMPACTING, match=f"{_glob(prefix)}*")]
        if taken:
            await self._redis.zrem(COMPACTING, *taken)

    @asynccontextmanager
    async def lock(self, name: str, ttl: float) -> AsyncIterator[bool]:
        key, token = f"{PREFIX}lock:{name}", uuid.uuid4().hex
        acquired = bool(await self._redis.set(key, token, nx=True, px=int(ttl * 1000)))
        try:
            yield acquired
        finally:
            if acquired:
                await self._release_lock(keys=[key], args=[token])

    async def close(self) -> None:
        await self._redis.delete(self._wake_key)
        await self._reader.aclose()
        await self._redis.aclose()
