"""The production room store: one Redis Stream per document log, shared by every process.

Keys (all under the `coworking:` prefix). Every key of a room carries the room's hash tag
`{<slug>}`, so a Redis Cluster keeps a room on one shard and a room's keys are found by one
pattern; `<name>` is the whole document name "<slug>/<doc>":
  {<slug>}:doc:<name>:log            stream of accepted updates (fields: u = update, a = author)
  {<slug>}:doc:<name>:awareness      stream of awareness updates (capped, expires when idle)
  {<slug>}:doc:<name>:presence       hash client id -> encoded awareness state
  {<slug>}:doc:<name>:presence-seen  sorted set client id -> when its state was saved (ms)
  {<slug>}:doc:<name>:snapshot       hash {state, upto}: the newest keyframe
  {<slug>}:quota:<key>               hash {w: window number, n: spent in it, p: in the one before}
  {meta}:dirty          set of documents with entries not yet archived to SQL
  {meta}:compacting     sorted set of documents taken for compaction -> lease deadline (ms)
  wake:<uuid>           per-store-object stream used only to interrupt a blocking XREAD
  lock:<name>           SET NX PX locks
In a Redis Cluster (a `redis+cluster://` or `rediss+cluster://` URL) every shard also has
  {<shard>}:doorbell           stream touched by every append and awareness message there
  {<shard>}:wake:<uuid>        the wake stream, one per shard
where `<shard>` is a tag that hashes to the lowest slot of that shard.

Scripts read the time from Redis (`TIME`), so every process agrees on quota windows and
leases whatever its own clock says. Every script and transaction touches keys of one slot.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

import redis.asyncio as redis
from django.conf import settings
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.crc import key_slot
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

from boards.store.base import (
    COMPACT_LEASE_MS,
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

PREFIX = "coworking:"
# One hash tag for both, so TAKE_DIRTY touches one slot in a cluster.
DIRTY = f"{PREFIX}{{meta}}:dirty"
COMPACTING = f"{PREFIX}{{meta}}:compacting"
AWARENESS_MAXLEN = 256
#: Awareness and presence of a document nobody touched for this long expire.
PRESENCE_EXPIRE_MS = 2 * PRESENCE_TIMEOUT_MS
DELETE_BATCH = 500
#: At most this many appends go to Redis in one pipeline.
APPEND_BATCH = 256
#: The first append of a batch waits this long for others to join it: Redis is woken once
#: per write, and waking it costs the writing process more than the write itself.
APPEND_GATHER_SECONDS = 0.008
#: Ballots of a vote nobody ends are forgotten this long after the last cast.
VOTE_EXPIRE_MS = 7 * 24 * 3600 * 1000
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
NOW_MS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(t[2] / 1000)
"""
RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# KEYS: quota hash. ARGV: amount, limit, window ms. A sliding window: what the previous
# fixed window spent counts for the part of it the sliding window still covers.
SPEND = (
    NOW_MS
    + """
local amount, limit, span = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / span)
local found = redis.call('HMGET', KEYS[1], 'w', 'n', 'p')
local current, previous = 0, 0
if tonumber(found[1]) == window then
  current, previous = tonumber(found[2]), tonumber(found[3]) or 0
elseif tonumber(found[1]) == window - 1 then
  previous = tonumber(found[2])
end
local covered = (span - (now - window * span)) / span
if current + previous * covered + amount > limit then return 0 end
redis.call('HSET', KEYS[1], 'w', window, 'n', current + amount, 'p', previous)
redis.call('PEXPIRE', KEYS[1], 2 * span)
return 1
"""
)
# KEYS: the voter's ballot hash (target -> n), the vote's tally hash.
# ARGV: target, delta, budget, per target, expire ms.
CAST_VOTE = """
local delta, budget, per = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local n = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') + delta
local total = delta
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
if n < 0 or n > per or total > budget then return false end
if n == 0 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], n) end
if redis.call('HINCRBY', KEYS[2], ARGV[1], delta) <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return redis.call('HGETALL', KEYS[1])
"""
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
    origin = fields.get(b"o")
    return Entry(
        text_id,
        fields[b"u"],
        fields[b"a"].decode(),
        parse_id(text_id)[0],
        fields.get(b"s", b""),
        origin.decode() if origin else "",
    )


class _Append(NamedTuple):
    doc: str
    payload: bytes
    author: str
    digest: bytes
    origin: str
    added: asyncio.Future[Entry]

    def fields(self) -> dict[str, bytes | str]:
        """The stream entry's fields: the update, its author and, if any, digest and origin."""
        fields: dict[str, bytes | str] = {"u": self.payload, "a": self.author}
        if self.digest:
            fields["s"] = self.digest
        if self.origin:
            fields["o"] = self.origin
        return fields

    def entry(self, entry_id: str) -> Entry:
        ms = parse_id(entry_id)[0]
        return Entry(entry_id, self.payload, self.author, ms, self.digest, self.origin)


def _vote_key(vote: str, part: str) -> str:
    """A key of vote "<room slug>/<vote id>", under the room's hash tag."""
    room, _, vote_id = vote.partition("/")
    return f"{PREFIX}{{{room}}}:vote:{vote_id}:{part}"


def _resp(commands: Iterable[Sequence[bytes | str]]) -> bytes:
    """Commands in Redis's protocol (RESP arrays of bulk strings): what redis-py's packer
    makes of them, at a third of its cost for the many small appends of a busy process."""
    parts: list[bytes] = []
    for command in commands:
        parts.append(b"*%d\r\n" % len(command))
        for arg in command:
            data = arg.encode() if isinstance(arg, str) else arg
            parts += (b"$%d\r\n" % len(data), data, b"\r\n")
    return b"".join(parts)


def _settle(
    waiting: Sequence[_Append],
    entries: Sequence[Entry] = (),
    error: Exception | None = None,
) -> None:
    """Answer waiting appends: each with its entry, or all with `error`."""
    for index, (*_, added) in enumerate(waiting):
        if not added.done():
            if error is None:
                added.set_result(entries[index])
            else:
                added.set_exception(error)


def cluster_url(url: str) -> str | None:
    """The plain URL of a cluster's seed node if `url` names a Redis Cluster, else None."""
    scheme, _, rest = url.partition("://")
    plain = CLUSTER_SCHEMES.get(scheme)
    return f"{plain}://{rest}" if plain else None


@lru_cache(maxsize=1024)
def _tag_of_slot(slot: int) -> str:
    """A hash tag that lands on `slot` (every process finds the same one)."""
    number = 0
    while key_slot(f"shard-{number}".encode()) != slot:
        number += 1
    return f"shard-{number}"


class _WaitingPool(redis.BlockingConnectionPool):
    """Callers wait for a free connection; one that waits past the timeout gets `StoreBusy`."""

    async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().get_connection(*args, **kwargs)
        except RedisConnectionError as error:
            if isinstance(error.__cause__, TimeoutError):
                raise StoreBusy("no Redis connection came free in time") from error
            raise


class RedisRoomStore(RoomStore):
    """Streams and keyframes in Redis; `listen` is one multiplexed XREAD BLOCK (in a cluster:
    one per shard, on its doorbell, then the shard's streams read in one round trip)."""

    def __init__(
        self, url: str = "", max_connections: int | None = None, wait_seconds: float | None = None
    ) -> None:
        super().__init__(url or "redis://localhost:6379/0")
        size = max_connections or int(getattr(settings, "REDIS_MAX_CONNECTIONS", 32))
        self._wait_seconds = wait_seconds or float(getattr(settings, "REDIS_WAIT_SECONDS", 5))
        # redis-py's annotations cannot tell bytes replies from decoded ones: typed as Any.
        # Every command (scripts included: they are re-loaded when a restarted Redis lost
        # them) is retried on a connection error, so a pooled connection that went stale
        # when Redis restarted costs a reconnect, not a failed call. A repeated XADD of a
        # Yjs update is harmless because applying an update twice changes nothing.
        self._retry = Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=8)
        options: dict[str, Any] = {
            "retry": self._retry,
            "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        }
        seed = cluster_url(self.url)
        self._gate: asyncio.Semaphore | None = None
        self._append_connection: Any = None
        self._redis: Any
        self._reader: Any
        if seed is None:
            pool = _WaitingPool.from_url(
                self.url, max_connections=size, timeout=self._wait_seconds, **options
            )
            self._redis = redis.Redis(connection_pool=pool)
            self._append_connection = pool.make_connection()
            # Blocking reads get their own connection so they never delay appends.
            self._reader = redis.Redis.from_url(self.url, single_connection_client=True, **options)
        else:
            # A cluster client keeps a pool per shard that fails rather than waits when full:
            # callers queue here instead, so at most `size` connections go to any shard.
            self._gate = asyncio.Semaphore(size)
            self._redis = RedisCluster.from_url(seed, max_connections=size, **options)
            # The reader blocks on at most one connection per shard.
            self._reader = RedisCluster.from_url(seed, max_connections=2, **options)
        self._appends: list[_Append] = []
        self._appender: asyncio.Task[None] | None = None
        self._wake_id = uuid.uuid4().hex
        self._wake_cursors: dict[str, str] = {}
        self._lowest_slots: tuple[object, dict[str, int]] = (None, {})
        self._release_lock = self._redis.register_script(RELEASE_LOCK)
        self._spend = self._redis.register_script(SPEND)
        self._casting = asyncio.Lock()
        self._take_dirty = self._redis.register_script(TAKE_DIRTY)
        self._save_presence = self._redis.register_script(SAVE_PRESENCE)
        self._load_presence = self._redis.register_script(LOAD_PRESENCE)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Wait for a turn toward a cluster (one Redis waits in its pool instead)."""
        if self._gate is None:
            yield
            return
        try:
            await asyncio.wait_for(self._gate.acquire(), self._wait_seconds)
        except TimeoutError as error:
            raise StoreBusy("no Redis connection came free in time") from error
        try:
            yield
        finally:
            self._gate.release()

    async def _lowest_slots_of(self, client: Any) -> tuple[Any, dict[str, int]]:
        """The cluster's slot table and the lowest slot of each primary (by node name)."""
        await client.initialize()
        slots = client.nodes_manager.slots_cache
        if self._lowest_slots[0] is not slots:
            lowest: dict[str, int] = {}
            for slot, nodes in slots.items():
                lowest[nodes[0].name] = min(slot, lowest.get(nodes[0].name, slot))
            self._lowest_slots = (slots, lowest)
        return slots, self._lowest_slots[1]

    async def _shard(self, client: Any, key: str) -> str:
        """The tag of the shard that holds `key` ("" for one Redis): its lowest slot's tag."""
        if self._gate is None:
            return ""
        slots, lowest = await self._lowest_slots_of(client)
        return _tag_of_slot(lowest[slots[key_slot(key.encode())][0].name])

    async def _shards(self) -> list[str]:
        """Every shard's tag ("" for one Redis)."""
        if self._gate is None:
            return [""]
        _, lowest = await self._lowest_slots_of(self._redis)
        return [_tag_of_slot(slot) for slot in lowest.values()]

    def _wake_key(self, shard: str) -> str:
        return (
            f"{PREFIX}{{{shard}}}:wake:{self._wake_id}"
            if shard
            else f"{PREFIX}wake:{self._wake_id}"
        )

    async def _ring(self, pipe: Any, key: str) -> None:
        """In a cluster, touch the doorbell of `key`'s shard (readers there block on it)."""
        if self._gate is not None:
            doorbell = f"{PREFIX}{{{await self._shard(self._redis, key)}}}:doorbell"
            pipe.xadd(doorbell, {"d": 1}, maxlen=1, approximate=False)

    def append(
        self, doc: str, payload: bytes, author: str, digest: bytes = b"", origin: str = ""
    ) -> asyncio.Future[Entry]:
        """Appends gather for `APPEND_GATHER_SECONDS` or until the round trip under way ends,
        and go in the next round trip together (see `_send_appends`)."""
        added: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._appends.append(_Append(doc, payload, author, digest, origin, added))
        if self._appender is None:
            self._appender = asyncio.create_task(self._send_appends(), name="store-appends")
        return added

    async def _send_appends(self) -> None:
        """Send waiting appends, at most `APPEND_BATCH` per pipeline, until none wait. There is
        at most one waiting append per socket (each waits for its own before the next)."""
        batch: list[_Append] = []
        try:
            await asyncio.sleep(APPEND_GATHER_SECONDS)
            while self._appends:
                batch = self._appends[:APPEND_BATCH]
                del self._appends[:APPEND_BATCH]
                try:
                    entries = await self._append_batch(batch)
                except Exception as error:
                    _settle(batch, error=error)
                else:
                    _settle(batch, entries=entries)
        except BaseException:  # cancelled: nothing may wait forever
            for *_, added in [*batch, *self._appends]:
                added.cancel()
            self._appends.clear()
            raise
        finally:
            self._appender = None

    async def _append_batch(self, batch: list[_Append]) -> list[Entry]:
        keys = [_key(Topic(append.doc, "log")) for append in batch]
        dirty = dict.fromkeys(append.doc for append in batch)
        if self._gate is None:
            replies = await self._append_directly(keys, batch, dirty)
        else:
            # Not a transaction: `dirty` lives outside the rooms' hash slots.
            async with self._turn(), self._redis.pipeline(transaction=False) as pipe:
                for key, append in zip(keys, batch, strict=True):
                    pipe.xadd(key, append.fields())
                pipe.sadd(DIRTY, *dirty)
                for key in {await self._shard(self._redis, key): key for key in keys}.values():
                    await self._ring(pipe, key)
                replies = await pipe.execute()
        return [
            append.entry(entry_id.decode() if isinstance(entry_id, bytes) else entry_id)
            for entry_id, append in zip(replies[: len(batch)], batch, strict=True)
        ]

    async def _append_directly(
        self, keys: list[str], batch: list[_Append], dirty: Iterable[str]
    ) -> list[Any]:
        """One Redis: the batch's commands, written at once on a connection of the appends'
        own (so no other call can hold up an update) and answered in order; a connection
        error retries the batch on a new connection (an update stored twice changes
        nothing). A Redis that does not answer in time gets `StoreBusy`."""
        commands: list[tuple[bytes | str, ...]] = [
            ("XADD", key, "*", *chain.from_iterable(append.fields().items()))
            for key, append in zip(keys, batch, strict=True)
        ]
        commands.append(("SADD", DIRTY, *dirty))
        packed = _resp(commands)
        connection = self._append_connection

        async def send() -> list[Any]:
            try:
                await connection.send_packed_command(packed)
                return [await connection.read_response() for _ in commands]
            except BaseException:
                await connection.disconnect()  # what it had not read would answer the next
                raise

        try:
            async with asyncio.timeout(self._wait_seconds):  # no task of its own, unlike wait_for
                return await self._retry.call_with_retry(send, lambda _: connection.disconnect())
        except TimeoutError as error:
            raise StoreBusy("Redis did not take the updates in time") from error

    async def read(self, doc: str, after: str = START, limit: int | None = None) -> list[Entry]:
        async with self._turn():
            rows = await self._redis.xrange(_key(Topic(doc, "log")), min=f"({after}", count=limit)
        return [_entry(entry_id, fields) for entry_id, fields in rows]

    async def load(self, doc: str) -> tuple[Snapshot | None, list[Entry]]:
        # Compaction trims the log only up to the keyframe before the newest, so the whole
        # log is at most about two compaction intervals long.
        async with self._turn(), self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(_doc_key(doc, "snapshot"))
            pipe.xrange(_key(Topic(doc, "log")))
            found, rows = await pipe.execute()
        snapshot = Snapshot(found[b"state"], found[b"upto"].decode()) if found else None
        after = parse_id(snapshot.upto if snapshot else START)
        entries = [_entry(entry_id, fields) for entry_id, fields in rows]
        return snapshot, [e for e in entries if parse_id(e.id) > after]

    async def last_id(self, topic: Topic) -> str:
        async with self._turn():
            rows = await self._redis.xrevrange(_key(topic), count=1)
        return rows[0][0].decode() if rows else START

    async def trim(self, doc: str, upto: str) -> None:
        ms, seq = parse_id(upto)
        async with self._turn():
            await self._redis.xtrim(
                _key(Topic(doc, "log")), minid=f"{ms}-{seq + 1}", approximate=False
            )

    async def snapshot_upto(self, doc: str) -> str | None:
        async with self._turn():
            upto = await self._redis.hget(_doc_key(doc, "snapshot"), "upto")
        return upto.decode() if upto is not None else None

    async def put_snapshot(self, doc: str, snapshot: Snapshot) -> None:
        async with self._turn():
            await self._redis.hset(
                _doc_key(doc, "snapshot"), mapping={"state": snapshot.state, "upto": snapshot.upto}
            )

    async def _queue_awareness(self, pipe: Any, doc: str, payload: bytes, author: str) -> None:
        """Queue the XADD (whose reply is the entry id) and the upkeep of one awareness message."""
        key = _key(Topic(doc, "awareness"))
        pipe.xadd(key, {"u": payload, "a": author}, maxlen=AWARENESS_MAXLEN, approximate=False)
        pipe.pexpire(key, PRESENCE_EXPIRE_MS)
        await self._ring(pipe, key)

    @staticmethod
    def _presence_call(
        doc: str, states: Mapping[int, bytes], removed: Iterable[int], now_ms: int
    ) -> tuple[list[str], list[Any]]:
        """The keys and arguments of SAVE_PRESENCE."""
        gone = [str(client_id) for client_id in removed]
        pairs = [item for c, state in states.items() for item in (str(c), bytes(state))]
        limits = [now_ms - PRESENCE_TIMEOUT_MS, PRESENCE_MAX_STATES, PRESENCE_EXPIRE_MS]
        keys = [_doc_key(doc, "presence"), _doc_key(doc, "presence-seen")]
        return keys, [now_ms, *limits, len(gone), *gone, *pairs]

    async def publish_presence(self, changes: Sequence[PresenceChange]) -> list[Entry]:
        calls = [self._presence_call(c.doc, c.states, c.removed, c.now_ms) for c in changes]
        published: list[int] = []  # where each change's XADD reply is
        saved: list[int] = []  # and its SAVE_PRESENCE reply
        async with self._turn():
            async with self._redis.pipeline(transaction=False) as pipe:
                for change, (keys, args) in zip(changes, calls, strict=True):
                    published.append(len(pipe))
                    await self._queue_awareness(pipe, change.doc, change.payload, change.author)
                    saved.append(len(pipe))
                    # A cluster pipeline refuses `evalsha` by name, not the command.
                    pipe.execute_command(
                        "EVALSHA", self._save_presence.sha, len(keys), *keys, *args
                    )
                replies = await pipe.execute(raise_on_error=False) if changes else []
            for index in published + saved:
                if isinstance(replies[index], Exception) and not isinstance(
                    replies[index], NoScriptError
                ):
                    raise replies[index]
            # A Redis that restarted has forgotten the script: this loads it again.
            for (keys, args), index in zip(calls, saved, strict=True):
                if isinstance(replies[index], NoScriptError):
                    await self._save_presence(keys=keys, args=args)
        return [
            _entry(replies[index], {b"u": change.payload, b"a": change.author.encode()})
            for change, index in zip(changes, published, strict=True)
        ]

    async def load_presence(self, doc: str, since_ms: int) -> dict[int, bytes]:
        async with self._turn():
            flat = await self._load_presence(
                keys=[_doc_key(doc, "presence"), _doc_key(doc, "presence-seen")], args=[since_ms]
            )
        return {int(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}

    async def listen(self, cursors: Mapping[Topic, str], block: float) -> list[tuple[Topic, Entry]]:
        block_ms = max(1, int(block * 1000))
        if self._gate is None:
            wake_key = self._wake_key("")
            streams = {wake_key: self._wake_cursors.get(wake_key, START)}
            streams.update((_key(topic), cursor) for topic, cursor in cursors.items())
            found = self._take(await self._reader.xread(streams, block=block_ms))
        else:
            found = await self._listen_cluster(cursors, block_ms)
        found.sort(key=lambda item: item[1].time_ms)  # stable: each stream keeps its order
        return found

    def _take(self, reply: Any) -> list[tuple[Topic, Entry]]:
        """The document entries of an XREAD reply; of a wake stream its position is noted
        instead, and doorbells are skipped."""
        found: list[tuple[Topic, Entry]] = []
        for raw_key, rows in reply or []:
            key = raw_key.decode()
            if key.endswith(f":wake:{self._wake_id}"):
                self._wake_cursors[key] = rows[-1][0].decode()
            elif not key.endswith("}:doorbell"):
                topic = _topic(key)
                found.extend((topic, _entry(entry_id, fields)) for entry_id, fields in rows)
        return found

    async def _listen_cluster(
        self, cursors: Mapping[Topic, str], block_ms: int
    ) -> list[tuple[Topic, Entry]]:
        """Read every shard's streams (one XREAD per slot, one round trip per shard); when
        nothing is there, block on each shard's doorbell and wake stream, then read again."""
        shards: dict[str, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        for topic, cursor in cursors.items():
            key = _key(topic)
            shards[await self._shard(self._reader, key)][key_slot(key.encode())][key] = cursor
        if not shards:
            shards[(await self._shards())[0]] = {}
        found, doorbells = await self._read_shards(shards)
        if found:
            return found
        waits = {
            shard: asyncio.create_task(
                self._xread(
                    self._reader,
                    {
                        f"{PREFIX}{{{shard}}}:doorbell": doorbells[shard],
                        self._wake_key(shard): self._wake_cursors.get(self._wake_key(shard), START),
                    },
                    block_ms,
                )
            )
            for shard in shards
        }
        try:
            await asyncio.wait(waits.values(), return_when=asyncio.FIRST_COMPLETED)
            # The other shards' reads would block on: interrupt them.
            await self._wake_shards([shard for shard, task in waits.items() if not task.done()])
            for reply in await asyncio.gather(*waits.values()):
                self._take(reply)
        finally:
            for task in waits.values():
                task.cancel()
        found, _ = await self._read_shards(shards)
        return found

    def _xread(self, client: Any, streams: Mapping[str, str], block_ms: int | None = None) -> Any:
        """XREAD on the node of the streams (which share a slot), named outright: a cluster
        client would otherwise ask a node for the keys of every XREAD."""
        block = ["BLOCK", block_ms] if block_ms is not None else []
        node = self._reader.get_node_from_key(next(iter(streams)))
        return client.execute_command(
            "XREAD", *block, "STREAMS", *streams, *streams.values(), target_nodes=node
        )

    async def _read_shards(
        self, shards: Mapping[str, Mapping[int, Mapping[str, str]]]
    ) -> tuple[list[tuple[Topic, Entry]], dict[str, str]]:
        """New entries of every stream, and each shard's doorbell position read before them."""
        async with self._reader.pipeline(transaction=False) as pipe:
            for shard, slots in shards.items():
                pipe.xrevrange(f"{PREFIX}{{{shard}}}:doorbell", count=1)
                for streams in slots.values():
                    self._xread(pipe, streams)
            replies = iter(await pipe.execute())
        found: list[tuple[Topic, Entry]] = []
        doorbells: dict[str, str] = {}
        for shard, slots in shards.items():
            rows = next(replies)
            doorbells[shard] = rows[0][0].decode() if rows else START
            for _ in slots:
                found.extend(self._take(next(replies)))
        return found, doorbells

    async def _wake_shards(self, shards: Iterable[str]) -> None:
        async with self._turn(), self._redis.pipeline(transaction=False) as pipe:
            for shard in shards:
                pipe.xadd(self._wake_key(shard), {"w": 1}, maxlen=1)
                pipe.expire(self._wake_key(shard), 60)
            await pipe.execute()

    async def wake(self) -> None:
        await self._wake_shards(await self._shards())

    async def mark_dirty(self, doc: str) -> None:
        async with self._turn():
            await self._redis.sadd(DIRTY, doc)

    async def take_dirty(self, lease_ms: int = COMPACT_LEASE_MS) -> list[str]:
        async with self._turn():
            names = await self._take_dirty(keys=[DIRTY, COMPACTING], args=[lease_ms])
        return sorted({name.decode() for name in names})

    async def finish_compaction(self, doc: str) -> None:
        async with self._turn():
            await self._redis.zrem(COMPACTING, doc)

    async def spend(self, key: str, amount: int, limit: int, window_ms: int) -> bool:
        quota = f"{PREFIX}{{{room_of(key)}}}:quota:{key}"
        async with self._turn():
            return bool(await self._spend(keys=[quota], args=[amount, limit, window_ms]))

    async def logs(self, prefix: str) -> list[str]:
        pattern = f"{PREFIX}{{{_glob(room_of(prefix))}}}:doc:{_glob(prefix)}*:log"
        async with self._turn():
            keys = [key async for key in self._redis.scan_iter(match=pattern, count=DELETE_BATCH)]
        return sorted({_topic(key.decode()).doc for key in keys})

    async def cast_vote(
        self, vote: str, voter: str, target: str, delta: int, budget: int, per_target: int
    ) -> dict[str, int] | None:
        keys = [_vote_key(vote, f"by:{voter}"), _vote_key(vote, "tally")]
        # One cast at a time per process: scripts run concurrently through redis-py's
        # asyncio cluster client lost replies and used closed connections under test. Votes
        # come at the pace of people; their atomicity across processes is the script's.
        async with self._casting, self._turn():
            flat = await self._redis.eval(
                CAST_VOTE, len(keys), *keys, target, delta, budget, per_target, VOTE_EXPIRE_MS
            )
        if flat is None:
            return None
        return {flat[i].decode(): int(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def vote_results(self, vote: str) -> dict[str, int]:
        async with self._turn():
            tally = await self._redis.hgetall(_vote_key(vote, "tally"))
        return {target.decode(): int(n) for target, n in tally.items()}

    async def forget_vote(self, vote: str) -> None:
        pattern = _glob(_vote_key(vote, "*")[: -len("*")]) + "*"
        async with self._turn():
            keys = [key async for key in self._redis.scan_iter(match=pattern, count=DELETE_BATCH)]
            for start in range(0, len(keys), DELETE_BATCH):
                await self._redis.unlink(*keys[start : start + DELETE_BATCH])

    async def delete_documents(self, prefix: str) -> None:
        # Every key under the room's hash tag belongs to the room (a cluster scans every
        # primary, though the room's keys share one slot).
        pattern = f"{PREFIX}{{{_glob(room_of(prefix))}}}:*"
        async with self._turn():
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
            taken = [
                n async for n, _ in self._redis.zscan_iter(COMPACTING, match=f"{_glob(prefix)}*")
            ]
            if taken:
                await self._redis.zrem(COMPACTING, *taken)

    @asynccontextmanager
    async def lock(self, name: str, ttl: float) -> AsyncIterator[bool]:
        key, token = f"{PREFIX}lock:{name}", uuid.uuid4().hex
        async with self._turn():
            acquired = bool(await self._redis.set(key, token, nx=True, px=int(ttl * 1000)))
        try:
            yield acquired
        finally:
            if acquired:
                async with self._turn():
                    await self._release_lock(keys=[key], args=[token])

    async def close(self) -> None:
        if self._appender is not None:
            await asyncio.shield(self._appender)
        for shard in await self._shards():
            await self._redis.delete(self._wake_key(shard))
        await self._reader.aclose()
        if self._append_connection is not None:
            await self._append_connection.disconnect()
        await self._redis.aclose()
