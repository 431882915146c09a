"""What a Yjs update holds, read without applying it, and the limits every update meets.

The CRDT engine recurses over nested values and nested shared types: deep enough nesting
overflows its native stack and ends the process (a crash, not an exception). So no byte from
a client reaches pycrdt before this module has read it (Yjs update format v1), bounding the
number of structs, the size and nesting depth of every value, and, with the document's
`DocumentStructure`, the nesting depth of shared types across every update ever accepted.
"""

from __future__ import annotations

import re
import uuid
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

import orjson

from boards.lib0 import Malformed, Reader

ID = tuple[int, int]
RootKey = tuple[str, str]  # (root map, key)

# Content kinds (the low five bits of a struct's info byte).
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, DOC, SKIP = (
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
)
XML_ELEMENT, XML_HOOK = 3, 5  # shared type refs that carry a name


@dataclass(frozen=True)
class Limits:
    """What one update may hold (see the README's limits table)."""

    max_structs: int = 100_000
    max_value_bytes: int = 256 * 1024
    max_value_depth: int = 32
    max_type_depth: int = 8


# Stored documents were checked update by update; read whole, they may hold any number of parts.
STORED = Limits(max_structs=2**40, max_value_bytes=2**40, max_value_depth=64, max_type_depth=64)


class Rejected(Exception):
    """A well-formed update the server will not take; `code` is shown to its author."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def too_deep() -> Rejected:
    return Rejected("too_deep", "This change nests things deeper than a board allows.")


class Item(NamedTuple):
    """One item of an update: its id range and how it names its parent (a named tuple, made
    for every item of every update read).

    Exactly one of `root` (a root type's name), `parent` (the id of the parent type's item)
    and `origin` (a neighbour whose parent it shares) is set, as the update encodes it.
    """

    client: int
    clock: int
    length: int
    is_type: bool
    root: str | None
    parent: ID | None
    origin: ID | None
    key: str | None

    @property
    def last(self) -> ID:
        return (self.client, self.clock + self.length - 1)


@dataclass
class ParsedUpdate:
    """The items and deletions of an update, read strictly."""

    items: list[Item] = field(default_factory=list)
    deletes: list[tuple[int, int, int]] = field(default_factory=list)

    def clock_ends(self) -> dict[int, int]:
        """The clock after the last item of each client the update holds."""
        ends: dict[int, int] = {}
        for item in self.items:
            ends[item.client] = max(ends.get(item.client, 0), item.clock + item.length)
        return ends


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = str.maketrans({c: None for c in map(chr, range(128)) if c not in "[]{}"})


def json_depth(text: str) -> int:
    """The bracket nesting depth of a JSON text, found without parsing it recursively."""
    brackets = _JSON_STRING.sub("", text).translate(_BRACKETS)
    if not brackets:
        return 0
    return max(accumulate(1 if c in "[{" else -1 for c in brackets))


class _UpdateReader:
    def __init__(self, data: bytes, limits: Limits) -> None:
        self.reader = Reader(data)
        self.limits = limits
        self.structs = 0

    def count(self, n: int = 1) -> None:
        self.structs += n
        if self.structs > self.limits.max_structs:
            raise Rejected(
                "too_large", f"One change may hold at most {self.limits.max_structs} parts."
            )

    def value_size(self, size: int) -> None:
        if size > self.limits.max_value_bytes:
            raise Rejected(
                "too_large",
                f"A single value may be at most {self.limits.max_value_bytes // 1024} KiB.",
            )

    def json_text(self) -> str:
        text = self.reader.var_string()
        self.value_size(len(text))
        if json_depth(text) > self.limits.max_value_depth:
            raise too_deep()
        return text

    def any_value(self, depth: int = 0) -> None:
        """Skip one lib0 `Any` value, refusing it past the depth limit."""
        if depth > self.limits.max_value_depth:
            raise too_deep()
        reader = self.reader
        tag = reader.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag == 125:
            reader.var_int()
        elif tag == 124:
            reader.take(4)
        elif tag in (123, 122):
            reader.take(8)
        elif tag == 119:
            reader.var_string()
        elif tag == 118:
            for _ in range(self._length()):
                reader.var_string()
                self.any_value(depth + 1)
        elif tag == 117:
            for _ in range(self._length()):
                self.any_value(depth + 1)
        elif tag == 116:
            reader.var_bytes()
        else:
            raise Malformed(f"unknown value type {tag}")

    def _length(self) -> int:
        """A count of things to follow; each takes at least one byte."""
        length = self.reader.var_uint()
        if length > len(self.reader.data) - self.reader.pos:
            raise Malformed("count beyond the frame")
        self.count(0)
        return length

    def content(self, kind: int) -> int:
        """Read an item's content; returns its length in clock units."""
        reader = self.reader
        if kind == DELETED:
            return reader.var_uint()
        if kind in (JSON, ANY):
            length = self._length()
            for _ in range(length):
                if kind == JSON:
                    self.json_text()
                else:
                    start = reader.pos
                    self.any_value()
                    self.value_size(reader.pos - start)
            return length
        if kind == BINARY:
            self.value_size(len(reader.var_bytes()))
        elif kind == STRING:
            text = reader.var_string()
            self.value_size(len(text))
            return len(text.encode("utf-16-le")) // 2
        elif kind == EMBED:
            self.json_text()
        elif kind == FORMAT:
            reader.var_string()
            self.json_text()
        elif kind == TYPE:
            if reader.var_uint() in (XML_ELEMENT, XML_HOOK):
                reader.var_string()
        elif kind == DOC:
            reader.var_string()
            self.any_value()
        else:
            raise Malformed(f"unknown content type {kind}")
        return 1

    def id(self) -> ID:
        return (self.reader.var_uint(), self.reader.var_uint())

    def parse(self) -> ParsedUpdate:
        reader, parsed = self.reader, ParsedUpdate()
        for _ in range(self._length()):
            structs = self._length()
            client, clock = reader.var_uint(), reader.var_uint()
            for _ in range(structs):
                self.count()
                info = reader.byte()
                kind = info & 0x1F
                if kind in (GC, SKIP):
                    clock += reader.var_uint()
                    continue
                origin = self.id() if info & 0x80 else None
                right = self.id() if info & 0x40 else None
                root = parent = key = None
                if origin is None and right is None:
                    if reader.var_uint() == 1:
                        root = reader.var_string()
                    else:
                        parent = self.id()
                    if info & 0x20:
                        key = reader.var_string()
                length = self.content(kind)
                if length < 1:
                    raise Malformed("empty item")
                parsed.items.append(
                    Item(client, clock, length, kind == TYPE, root, parent, origin or right, key)
                )
                clock += length
        for _ in range(self._length()):
            client = reader.var_uint()
            for _ in range(self._length()):
                self.count()
                parsed.deletes.append((client, reader.var_uint(), reader.var_uint()))
        if not reader.done():
            raise Malformed("trailing bytes after update")
        return parsed


def parse_update(data: bytes, limits: Limits) -> ParsedUpdate:
    """Read a Yjs v1 update strictly; raises Malformed (bad bytes) or Rejected (a limit)."""
    return _UpdateReader(data, limits).parse()


class RangeMap:
    """Per client, sorted clock ranges with a value each; lookups by (client, clock)."""

    def __init__(self) -> None:
        self._starts: dict[int, list[int]] = {}
        self._ranges: dict[tuple[int, int], tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._ranges)

    def get(self, ident: ID) -> int | None:
        client, clock = ident
        starts = self._starts.get(client)
        if not starts:
            return None
        i = bisect_right(starts, clock) - 1
        if i < 0:
            return None
        end, value = self._ranges[(client, starts[i])]
        return value if clock < end else None

    def put(self, client: int, clock: int, length: int, value: int) -> None:
        """Record a range; a range already known is left as it is (updates repeat)."""
        if self.get((client, clock)) is not None:
            return
        starts = self._starts.setdefault(client, [])
        if starts:
            last = starts[-1]
            end, known = self._ranges[(client, last)]
            if end == clock and known == value:
                self._ranges[(client, last)] = (clock + length, value)
                return
        if not starts or starts[-1] < clock:
            starts.append(clock)
        else:
            insort(starts, clock)
        self._ranges[(client, clock)] = (clock + length, value)


def resolve_depths(items: list[Item], known: RangeMap) -> list[int | None]:
    """The depth of each item (1 = directly in a root type), or None where it cannot be
    told: a parent or neighbour that neither the update nor `known` holds."""
    local = RangeMap()
    for index, item in enumerate(items):
        local.put(item.client, item.clock, item.length, index)
    depths: list[int | None] = [None] * len(items)
    done = [False] * len(items)
    for start in range(len(items)):
        chain: list[tuple[int, int]] = []  # (item, levels it sits below what it refers to)
        seen: set[int] = set()
        index, base = start, None
        while True:
            if done[index]:
                base = depths[index]
                break
            if index in seen:  # neighbours in a cycle: no real document has them
                break
            seen.add(index)
            item = items[index]
            if item.root is not None:
                depths[index], done[index], base = 1, True, 1
                break
            ref, step = (item.parent, 1) if item.parent is not None else (item.origin, 0)
            assert ref is not None
            chain.append((index, step))
            following = local.get(ref)
            if following is None:
                base = known.get(ref)
                break
            index = following
        for at, step in reversed(chain):
            base = None if base is None else base + step
            depths[at], done[at] = base, True
    return depths


@dataclass(frozen=True)
class Placement:
    """An update's items placed in a document: each item's depth, and the counted keys set."""

    depths: list[int | None]
    keyed: list[tuple[RootKey, Item]]


@dataclass(frozen=True)
class StructureChange:
    """What one update changes in a `DocumentStructure`: depth ranges (client, clock,
    length, depth), the root-map keys it sets ((root, key), client, clock, length) and its
    deletions. The process that accepts an update stores it with the update (`encode`), so
    that the others record the update without reading it again."""

    ranges: list[list[int]]
    keyed: list[tuple[RootKey, int, int, int]]
    deletes: list[tuple[int, int, int]]

    def encode(self) -> bytes:
        keyed = [[*key, client, clock, length] for key, client, clock, length in self.keyed]
        return orjson.dumps([self.ranges, keyed, self.deletes])

    @classmethod
    def decode(cls, data: bytes) -> StructureChange:
        """Read an encoded change (the store is trusted: only this service writes there);
        raises Malformed if it is not one."""
        try:
            ranges, keyed, deletes = orjson.loads(data)
            return cls(ranges, [((root, key), *rest) for root, key, *rest in keyed], deletes)
        except (ValueError, TypeError) as error:
            raise Malformed("unreadable structure change") from error


class DocumentStructure:
    """Where every item of one document sits, kept as updates are accepted.

    It knows each item's depth below the root types (as clock ranges, so a document costs
    a few entries per object) and the live keys of its root maps (a board's objects). `place`
    refuses, by the limits it is given, shared types nested too deep or placed where their
    depth is unknown, and keys beyond a root map's bound.
    """

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex[:16]  # names this index among every process's
        self.depths = RangeMap()
        self._live: dict[RootKey, ID] = {}  # (root, key) -> the item that sets it
        self._counts: Counter[str] = Counter()  # root -> live keys
        self._key_starts: dict[int, list[int]] = {}
        self._key_items: dict[ID, tuple[int, RootKey]] = {}  # item -> (length, key)

    def live_keys(self, root: str) -> int:
        return self._counts[root]

    def place(
        self, parsed: ParsedUpdate, limits: Limits, counted: str | None = None, max_keys: int = 0
    ) -> Placement:
        """Where an update's items go; refused (Rejected) if it nests a shared type past
        `limits.max_type_depth` or where its depth is unknown, or adds keys to the root map
        `counted` beyond `max_keys`. Nothing is recorded until `record`."""
        placement = self._placement(parsed)
        for item, depth in zip(parsed.items, placement.depths, strict=True):
            if item.is_type and (depth is None or depth > limits.max_type_depth):
                raise too_deep()
        if counted is not None and max_keys:
            removed = {key for key, _ in self._deleted_keys(parsed.deletes) if key[0] == counted}
            added = {
                key
                for key, _ in placement.keyed
                if key[0] == counted and (key not in self._live or key in removed)
            }
            if added and self.live_keys(counted) - len(removed) + len(added) > max_keys:
                raise Rejected("too_many_objects", f"A board holds at most {max_keys} objects.")
        return placement

    def follow(self, parsed: ParsedUpdate) -> list[int | None]:
        """Record an update the store already holds, as it is; the depths of its types."""
        placement = self._placement(parsed)
        self.record(parsed, placement)
        return [d for item, d in zip(parsed.items, placement.depths, strict=True) if item.is_type]

    def _placement(self, parsed: ParsedUpdate) -> Placement:
        depths = resolve_depths(parsed.items, self.depths)
        return Placement(depths, self._keyed(parsed.items, depths))

    def record(self, parsed: ParsedUpdate, placement: Placement) -> None:
        """Take an accepted update into account."""
        self.apply(self.change(parsed, placement))

    @staticmethod
    def change(parsed: ParsedUpdate, placement: Placement) -> StructureChange:
        """What recording a placed update changes, to apply here and in other processes."""
        ranges: list[list[int]] = []
        for item, depth in zip(parsed.items, placement.depths, strict=True):
            if depth is None:
                continue
            last = ranges[-1] if ranges else None
            if (
                last
                and last[0] == item.client
                and sum(last[1:3]) == item.clock
                and last[3] == depth
            ):
                last[2] += item.length
            else:
                ranges.append([item.client, item.clock, item.length, depth])
        keyed = [(key, item.client, item.clock, item.length) for key, item in placement.keyed]
        return StructureChange(ranges, keyed, parsed.deletes)

    def apply(self, change: StructureChange) -> None:
        """Take a change (of this process's update, or read with another's) into account."""
        for client, clock, length, depth in change.ranges:
            self.depths.put(client, clock, length, depth)
        for key, client, clock, length in change.keyed:
            ident = (client, clock)
            if key not in self._live:
                self._counts[key[0]] += 1
            self._live[key] = ident
            if ident not in self._key_items:
                self._key_items[ident] = (length, key)
                starts = self._key_starts.setdefault(client, [])
                if not starts or starts[-1] < clock:
                    starts.append(clock)
                else:
                    insort(starts, clock)
        for key, ident in self._deleted_keys(change.deletes):
            if self._live.get(key) == ident:
                del self._live[key]
                self._counts[key[0]] -= 1

    def _keyed(self, items: list[Item], depths: list[int | None]) -> list[tuple[RootKey, Item]]:
        """The items that set a key of a root map, with their (root, key)."""
        found: list[tuple[RootKey, Item]] = []
        local: dict[ID, RootKey] = {}
        for item, depth in zip(items, depths, strict=True):
            if depth != 1:
                continue
            key = None
            if item.root is not None and item.key is not None:
                key = (item.root, item.key)
            elif item.origin is not None:
                key = local.get(item.origin) or self._key_at(item.origin)
            if key is not None:
                local[item.last] = key
                found.append((key, item))
        return found

    def _key_at(self, ident: ID) -> RootKey | None:
        client, clock = ident
        starts = self._key_starts.get(client, [])
        i = bisect_right(starts, clock) - 1
        if i < 0:
            return None
        length, key = self._key_items[(client, starts[i])]
        return key if clock < starts[i] + length else None

    def _deleted_keys(self, deletes: list[tuple[int, int, int]]) -> list[tuple[RootKey, ID]]:
        gone = []
        for client, clock, length in deletes:
            starts = self._key_starts.get(client, [])
            for start in starts[bisect_left(starts, clock) : bisect_left(starts, clock + length)]:
                gone.append((self._key_items[(client, start)][1], (client, start)))
        return gone


def read_state_vector(state: bytes) -> dict[int, int]:
    """A Yjs state vector as {client: clock}."""
    reader = Reader(state)
    return {reader.var_uint(): reader.var_uint() for _ in range(reader.var_uint())}


@dataclass(frozen=True)
class Known:
    """What a document held at some moment: its state vector and its deletions, merged."""

    state: dict[int, int]
    deleted: dict[int, list[tuple[int, int]]]

    @classmethod
    def of(cls, state: bytes, update_since: Callable[[bytes], bytes]) -> Known:
        """From a document's state vector and its `get_update` (which, asked for what is
        newer than its own state, answers with its delete set alone)."""
        deleted: dict[int, list[tuple[int, int]]] = {}
        for client, clock, length in sorted(parse_update(update_since(state), STORED).deletes):
            ranges = deleted.setdefault(client, [])
            if ranges and clock <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(ranges[-1][1], clock + length))
            else:
                ranges.append((clock, clock + length))
        return cls(read_state_vector(state), deleted)

    def covers(self, parsed: ParsedUpdate) -> bool:
        """Whether an update adds nothing: a reconnecting client's sync reply, say."""
        if any(item.clock + item.length > self.state.get(item.client, 0) for item in parsed.items):
            return False
        for client, clock, length in parsed.deletes:
            ranges = self.deleted.get(client, [])
            i = bisect_right(ranges, (clock, 2**62)) - 1
            if i < 0 or clock + length > ranges[i][1]:
                return False
        return True
