"""Playback of a recorded session: a room's document as it was at any moment, the updates of
a span of time, and what happened when (chapters, activity, markers).

Everything is read from the SQL archive (keyframes and updates, indexed by document and
server time), then from the room store for what compaction has not archived yet. Nothing is
replayed from a document's start: a moment is its newest keyframe at or before it plus the
updates after that keyframe (at most one keyframe interval, `COMPACT_AFTER` updates, plus
what the store still holds).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pycrdt
from channels.db import database_sync_to_async
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Min, Q, Value
from pycrdt import write_var_uint

from boards.archive import keyframe_at
from boards.models import DocumentUpdate
from boards.store import START, Entry, RoomStore, parse_id
from rooms.models import Recording, RecordingPresence, Room
from rooms.people import MEMBER_ID, members
from rooms.permissions import GUEST_NAME
from rooms.profiles import FORMER_MEMBER, shown_name
from rooms.recordings import person_name

#: The documents of a room that a recording covers.
DOC_KINDS = ("board", "chat", "room")
#: Entries read from the archive or the store at a time.
PAGE_ENTRIES = 1000
#: The most updates, and of their bytes, one answer of `updates_in` carries.
MAX_UPDATES = 5000
MAX_UPDATE_BYTES = 8 * 1024 * 1024
#: About this many intervals divide a recording's activity.
ACTIVITY_INTERVALS = 200
MIN_INTERVAL_MS = 1000
#: The first characters of a chat message that its marker shows.
MARKER_TEXT_LENGTH = 80
#: The highest sequence number of an entry id the archive holds (an `IntegerField`): the
#: entry id "<ms>-<MAX_SEQ>" comes after every entry of that millisecond.
MAX_SEQ = 2**31 - 1
#: A Yjs update of an empty document (what a document was before anyone wrote to it).
EMPTY_UPDATE = pycrdt.Doc().get_update()


def after_ms(ms: int) -> str:
    """The entry id that every entry taken after server time `ms` follows, and none before."""
    return f"{ms}-{MAX_SEQ}"


def _entries(rows: Iterable[DocumentUpdate]) -> list[Entry]:
    return [Entry(r.entry_id, bytes(r.payload), r.author, r.ms) for r in rows]


def _archived_page(
    name: str, after: str, until_ms: int, limit: int, before: str | None = None
) -> list[Entry]:
    """At most `limit` archived entries of `name` after entry `after` taken at or before
    `until_ms` (and before entry `before`, if given), oldest first: a range of the unique
    (doc, ms, seq) index."""
    ms, seq = parse_id(after)
    rows = DocumentUpdate.objects.filter(doc=name, ms__gte=ms, ms__lte=until_ms).exclude(
        ms=ms, seq__lte=seq
    )
    if before is not None:
        before_ms, before_seq = parse_id(before)
        rows = rows.filter(Q(ms__lt=before_ms) | Q(ms=before_ms, seq__lt=before_seq))
    return _entries(rows.order_by("ms", "seq")[:limit])


def _archived_beyond(name: str, ms: int) -> bool:
    """Whether the archive holds an entry of `name` taken after server time `ms`: then every
    entry up to `ms` is archived (the archive grows in order, without gaps)."""
    return DocumentUpdate.objects.filter(doc=name, ms__gt=ms).exists()


archived_page = database_sync_to_async(_archived_page)
archived_beyond = database_sync_to_async(_archived_beyond)


async def entry_pages(
    store: RoomStore, name: str, after: str, until_ms: int, page: int = PAGE_ENTRIES
) -> AsyncIterator[list[Entry]]:
    """Every entry of `name` after entry `after` taken at or before server time `until_ms`,
    oldest first and exactly once, a page at a time: the archive's, then those the store
    holds that compaction has not archived yet.

    Compaction may archive and trim entries between two reads; whatever lies between the
    cursor and the first entry the store still holds is read from the archive again, so
    nothing is skipped."""
    cursor = after
    while True:
        rows = await archived_page(name, cursor, until_ms, page)
        if rows:
            cursor = rows[-1].id
            yield rows
        if len(rows) < page:
            break
    if await archived_beyond(name, until_ms):
        return
    while True:
        recent = await store.read(name, after=cursor, limit=page)
        missed = await archived_page(name, cursor, until_ms, page, recent[0].id if recent else None)
        if missed:
            cursor = missed[-1].id
            yield missed
            continue
        kept = [entry for entry in recent if entry.time_ms <= until_ms]
        if kept:
            cursor = kept[-1].id
            yield kept
        if len(kept) < page:
            return


@dataclass(frozen=True)
class Archived:
    """What the archive holds of a document up to a moment: its newest keyframe then (the
    state as stored), the updates after it (payloads, oldest first), the entry they reach,
    and whether that is all (the archive holds a later entry, so nothing up to the moment
    waits in the store)."""

    keyframe: bytes | None
    updates: list[bytes]
    cursor: str
    complete: bool


def _archived_until(name: str, ms: int) -> Archived:
    keyframe = keyframe_at(name, ms).first()
    updates: list[bytes] = []
    cursor = keyframe.upto if keyframe else START
    while True:
        page = _archived_page(name, cursor, ms, PAGE_ENTRIES)
        updates.extend(entry.payload for entry in page)
        cursor = page[-1].id if page else cursor
        if len(page) < PAGE_ENTRIES:
            break
    state = bytes(keyframe.state) if keyframe else None
    return Archived(state, updates, cursor, _archived_beyond(name, ms))


def _archived_all(names: list[str], ms: int) -> list[Archived]:
    return [_archived_until(name, ms) for name in names]


archived_all = database_sync_to_async(_archived_all)


async def moments(store: RoomStore, names: list[str], ms: int) -> list[list[bytes]]:
    """Documents as they were at server time `ms`, each as the Yjs updates that an empty
    document takes in order: its newest keyframe at or before `ms` as it was stored, then
    every update after that keyframe up to `ms` (archived, or still only in the store)
    merged into one, and none after `ms`. A keyframe goes out as it is because merging
    re-encodes all of it, which is most of the work for a big board, and a client applying
    two updates pays nothing for it. The archive is read in one database call for all the
    documents; the store only for a moment it has not archived."""
    found = await archived_all(names, ms)
    parts = []
    for name, archived in zip(names, found, strict=True):
        updates = archived.updates
        if not archived.complete:
            async for page in entry_pages(store, name, archived.cursor, ms):
                updates.extend(entry.payload for entry in page)
        own = [archived.keyframe] if archived.keyframe is not None else []
        if updates:
            own.append(updates[0] if len(updates) == 1 else pycrdt.merge_updates(*updates))
        parts.append(own or [EMPTY_UPDATE])
    return parts


async def state_at(store: RoomStore, doc_name: str, ms: int) -> bytes:
    """The document `doc_name` as it was at server time `ms` (see `moments`), as one Yjs
    update."""
    [parts] = await moments(store, [doc_name], ms)
    return parts[0] if len(parts) == 1 else pycrdt.merge_updates(*parts)


@dataclass(frozen=True)
class Span:
    """Updates of one document in a span of server time, and where the next answer starts
    (server time of the last update here: the rest are after it), None when this is all."""

    entries: list[Entry]
    next_ms: int | None


async def updates_in(
    store: RoomStore,
    doc_name: str,
    from_ms: int,
    to_ms: int,
    max_updates: int = MAX_UPDATES,
    max_bytes: int = MAX_UPDATE_BYTES,
) -> Span:
    """The updates of `doc_name` taken after server time `from_ms` up to `to_ms`, oldest
    first: at most `max_updates` of them and `max_bytes` of payload. An answer ends between
    two milliseconds, so the next one starts after `next_ms` without repeating or missing
    one (a single millisecond holding more than the limits comes whole)."""
    taken: list[Entry] = []
    size = 0
    async for page in entry_pages(store, doc_name, after_ms(from_ms), to_ms):
        for entry in page:
            if len(taken) >= max_updates or size + len(entry.payload) > max_bytes:
                if taken and taken[-1].time_ms != entry.time_ms:
                    return Span(taken, taken[-1].time_ms)
                whole = [e for e in taken if e.time_ms != entry.time_ms]
                if whole:
                    return Span(whole, whole[-1].time_ms)
            taken.append(entry)
            size += len(entry.payload)
    return Span(taken, None)


def encode_updates(
    entries: Iterable[Entry], start_ms: int, shown: Callable[[str], str] = str
) -> bytes:
    """Updates in the playback wire format (lib0): a varuint count, then per update a varuint
    time (ms from `start_ms`), a varstring author (the identity id as `shown` shows it),
    and a varuint8array of the Yjs update."""
    listed = list(entries)
    parts = [write_var_uint(len(listed))]
    for entry in listed:
        author = shown(entry.author).encode()
        parts += [
            write_var_uint(max(0, entry.time_ms - start_ms)),
            write_var_uint(len(author)),
            author,
            write_var_uint(len(entry.payload)),
            entry.payload,
        ]
    return b"".join(parts)


def encode_states(states: Iterable[tuple[str, list[bytes]]]) -> bytes:
    """Documents in the playback wire format of `states` (lib0): a varuint count of parts,
    then per part a varstring name (`board`, `chat` or `room`) and a varuint8array Yjs
    update. A document's parts come in the order an empty document takes them (see
    `moments`)."""
    parts = [(name, update) for name, updates in states for update in updates]
    encoded = [write_var_uint(len(parts))]
    for name, update in parts:
        label = name.encode()
        encoded += [write_var_uint(len(label)), label, write_var_uint(len(update)), update]
    return b"".join(encoded)


@dataclass(frozen=True)
class Window:
    """A recording as playback reads it: its room and its span of server time (up to now
    while it runs)."""

    recording_id: int
    slug: str
    anonymous: bool
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def doc(self, kind: str) -> str:
        return f"{self.slug}/{kind}"

    def clamp(self, offset_ms: int) -> int:
        """A time from the start, clamped into the recording."""
        return min(max(offset_ms, 0), self.duration_ms)


def window_of(recording: Recording, now_ms: int) -> Window:
    end = (
        recording.ended_ms if recording.ended_ms is not None else max(now_ms, recording.started_ms)
    )
    return Window(
        recording.pk, recording.room.slug, recording.room.anonymous, recording.started_ms, end
    )


@dataclass
class People:
    """Who appears in a recording, in order of first appearance: those sampled present (as
    `rooms.recordings` lists them), then authors of its updates never sampled present. In
    an anonymous room each is "Person <n>" (id "person-<n>") in that order, nothing else."""

    anonymous: bool
    names: dict[str, str] = field(default_factory=dict)

    @cached_property
    def ids(self) -> dict[str, str]:
        """Identity id -> the id playback shows."""
        if self.anonymous:
            return {identity: f"person-{n}" for n, identity in enumerate(self.names, 1)}
        return {identity: identity for identity in self.names}

    def shown(self, identity: str) -> str:
        """The id playback shows for `identity` (in an anonymous room, never a real one)."""
        return self.ids.get(identity, "unknown" if self.anonymous else identity)

    def listed(self) -> list[dict[str, str]]:
        """The people list: `[{"id", "name"}]`, named as kept (in English where the server
        names them), as the recording file carries it."""
        if self.anonymous:
            count = len(self.names)
            return [{"id": f"person-{n}", "name": f"Person {n}"} for n in range(1, count + 1)]
        return [{"id": identity, "name": name} for identity, name in self.names.items()]

    def named(self) -> list[dict[str, str]]:
        """The people list as a page shows it: `listed`, with the names the server gives
        ("Person 2", "Guest", "Former member") in the active language."""
        if self.anonymous:
            count = len(self.names)
            return [{"id": f"person-{n}", "name": person_name(n)} for n in range(1, count + 1)]
        return [{"id": identity, "name": shown_name(name)} for identity, name in self.names.items()]


def _window_docs(window: Window) -> list[str]:
    return [window.doc(kind) for kind in DOC_KINDS]


def _people(window: Window, recent_authors: Iterable[str]) -> People:
    """Everyone sampled present in the recording, then the authors of its archived updates in
    order of their first update, then `recent_authors` (of updates not archived yet); those
    never sampled present are named as the room's members are ("Guest" for invite tokens,
    "Former member" for accounts that are no longer members, or deleted)."""
    presence = (
        RecordingPresence.objects.filter(recording_id=window.recording_id)
        .order_by("second", "pk")
        .values_list("identity", "name")
    )
    names: dict[str, str] = {}
    for identity, name in presence:
        names.setdefault(identity, name)
    archived = (
        DocumentUpdate.objects.filter(
            doc__in=_window_docs(window), ms__gte=window.start_ms, ms__lte=window.end_ms
        )
        .values("author")
        .annotate(first=Min("ms"))
        .order_by("first", "author")
        .values_list("author", flat=True)
    )
    unseen = [a for a in dict.fromkeys([*archived, *recent_authors]) if a not in names]
    if unseen:
        room = Room.objects.get(slug=window.slug)
        named = {person.id: person.name for person in members(room)}
        names.update(
            (
                author,
                named.get(author) or (FORMER_MEMBER if MEMBER_ID.fullmatch(author) else GUEST_NAME),
            )
            for author in unseen
        )
    return People(window.anonymous, names)


people_of = database_sync_to_async(_people)


def _archive_end(name: str, until_ms: int) -> str | None:
    """The id of the newest archived entry of `name` taken at or before `until_ms`."""
    last = (
        DocumentUpdate.objects.filter(doc=name, ms__lte=until_ms)
        .order_by("-ms", "-seq")
        .values_list("ms", "seq")
        .first()
    )
    return f"{last[0]}-{last[1]}" if last else None


archive_end = database_sync_to_async(_archive_end)


async def unarchived(store: RoomStore, name: str, window: Window) -> list[Entry]:
    """The entries of `name` in the recording that only the store holds so far."""
    end = await archive_end(name, window.end_ms)
    start = after_ms(window.start_ms - 1)
    cursor = end if end is not None and parse_id(end) > parse_id(start) else start
    return [
        entry async for page in entry_pages(store, name, cursor, window.end_ms) for entry in page
    ]


async def recording_people(store: RoomStore, window: Window) -> People:
    """`People` of the recording, including authors of updates not archived yet."""
    recent = [
        entry.author
        for kind in DOC_KINDS
        for entry in await unarchived(store, window.doc(kind), window)
    ]
    return await people_of(window, recent)


def interval_of(window: Window) -> int:
    """The length of one activity interval: about `ACTIVITY_INTERVALS` over the recording,
    at least `MIN_INTERVAL_MS`."""
    return max(MIN_INTERVAL_MS, math.ceil(window.duration_ms / ACTIVITY_INTERVALS))


def _counts(window: Window, interval: int) -> list[tuple[str, int, str, int]]:
    """Archived board and chat updates of the recording counted per (document, interval,
    author), by the database."""
    bucket = ExpressionWrapper(
        (F("ms") - Value(window.start_ms)) / Value(interval), output_field=BigIntegerField()
    )
    rows = (
        DocumentUpdate.objects.filter(
            doc__in=[window.doc("board"), window.doc("chat")],
            ms__gte=window.start_ms,
            ms__lte=window.end_ms,
        )
        .annotate(bucket=bucket)
        .values_list("doc", "bucket", "author")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(doc, int(b), author, n) for doc, b, author, n in rows]


archived_counts = database_sync_to_async(_counts)


async def activity(store: RoomStore, window: Window, people: People) -> dict[str, Any]:
    """Board edits and chat messages per interval of the recording, in all and per person:
    `{"intervalMs", "edits": [n...], "messages": [n...], "people": {id: [n...]}}`."""
    interval = interval_of(window)
    size = window.duration_ms // interval + 1
    counts = await archived_counts(window, interval)
    for kind in ("board", "chat"):
        name = window.doc(kind)
        for entry in await unarchived(store, name, window):
            counts.append((name, (entry.time_ms - window.start_ms) // interval, entry.author, 1))
    edits, messages = [0] * size, [0] * size
    per_person: dict[str, list[int]] = {}
    for doc, bucket, author, n in counts:
        index = min(max(bucket, 0), size - 1)
        (edits if doc == window.doc("board") else messages)[index] += n
        person = people.shown(author)
        per_person.setdefault(person, [0] * size)[index] += n
    return {"intervalMs": interval, "edits": edits, "messages": messages, "people": per_person}


async def history_in(store: RoomStore, name: str, window: Window) -> tuple[bytes, list[Entry]]:
    """Document `name` just before the recording, and its updates in the recording (the
    chat and room documents, whose writes the server makes and limits)."""
    before = window.start_ms - 1
    base = await state_at(store, name, before)
    pages = entry_pages(store, name, after_ms(before), window.end_ms)
    return base, [entry async for page in pages for entry in page]


async def chat_messages(store: RoomStore, window: Window) -> list[tuple[int, str, dict[str, Any]]]:
    """Every chat message written in the recording, as (ms from its start, its author's
    identity id, the message as the chat document holds it), in the order written."""
    base, entries = await history_in(store, window.doc("chat"), window)
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(base)
    inserted: list[Any] = []

    def note(event: Any) -> None:
        for change in event.delta:
            inserted.extend(change.get("insert", []))

    messages = doc.get("messages", type=pycrdt.Array)
    subscription = messages.observe(note)  # kept: a dropped subscription stops observing
    written: list[tuple[int, str, dict[str, Any]]] = []
    for entry in entries:
        doc.apply_update(entry.payload)
        at = entry.time_ms - window.start_ms
        written.extend(
            (at, str(message.get("authorId") or entry.author), message)
            for message in inserted
            if isinstance(message, dict)
        )
        inserted.clear()
    messages.unobserve(subscription)
    return written


async def message_markers(store: RoomStore, window: Window, people: People) -> list[dict[str, Any]]:
    """A marker for every chat message written in the recording: `{"type": "message", "at",
    "author", "text"}` (its first `MARKER_TEXT_LENGTH` characters)."""
    return [
        {
            "type": "message",
            "at": at,
            "author": people.shown(author),
            "text": str(message.get("text", ""))[:MARKER_TEXT_LENGTH],
        }
        for at, author, message in await chat_messages(store, window)
    ]


@dataclass
class _Lab:
    """What the room document said at a moment: the phase, the agenda and the vote."""

    phase: Any = None
    agenda: list[Any] = field(default_factory=list)
    vote: Any = None

    @classmethod
    def read(cls, doc: pycrdt.Doc) -> _Lab:
        room = doc.get("room", type=pycrdt.Map)
        agenda = room.get("agenda")
        return cls(room.get("phase"), agenda if isinstance(agenda, list) else [], room.get("vote"))

    def phase_title(self) -> tuple[int, str] | None:
        """The current phase's position in the agenda and its title, if it has one."""
        for index, phase in enumerate(self.agenda):
            if isinstance(phase, dict) and phase.get("id") == self.phase:
                return index, str(phase.get("title", ""))
        return None


def _vote(value: Any) -> tuple[str, bool, Any] | None:
    """A room's `vote` value as (id, open, results), None if there is none."""
    if not isinstance(value, dict) or "id" not in value:
        return None
    return str(value["id"]), bool(value.get("open")), value.get("results")


def _titled(marker: dict[str, Any], lab: _Lab) -> dict[str, Any]:
    """`marker` with the title of `lab`'s current phase (what a vote in it is on), if any."""
    found = lab.phase_title()
    return {**marker, "title": found[1]} if found is not None and found[1] else marker


async def lab_timeline(
    store: RoomStore, window: Window
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The chapters of the recording (its phases: `{"index", "title", "startMs", "endMs"}`,
    `index` being the phase's position in the agenda) and its vote markers (`{"type":
    "vote", "at", "title"?, "results"?}`: at a vote's end with its results, or at the
    opening of one still open when the recording ends), from the room document."""
    base, entries = await history_in(store, window.doc("room"), window)
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(base)
    lab = _Lab.read(doc)
    chapters: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    opened: dict[str, dict[str, Any]] = {}

    def enter(state: _Lab, at: int) -> None:
        found = state.phase_title() if state.phase is not None else None
        if found is not None:
            chapters.append({"index": found[0], "title": found[1], "startMs": at, "endMs": None})

    enter(lab, 0)
    for entry in entries:
        doc.apply_update(entry.payload)
        now, at = _Lab.read(doc), entry.time_ms - window.start_ms
        if now.phase != lab.phase:
            if chapters and chapters[-1]["endMs"] is None:
                chapters[-1]["endMs"] = at
            enter(now, at)
        before, after = _vote(lab.vote), _vote(now.vote)
        if after is not None and after != before:
            vote_id, is_open, results = after
            if is_open:
                opened[vote_id] = _titled({"type": "vote", "at": at}, now)
            elif before is not None and before[0] == vote_id and before[1]:
                start = opened.pop(vote_id, None) or _titled({}, lab)
                ended = {"type": "vote", "at": at, "results": results}
                votes.append({**ended, **({"title": start["title"]} if "title" in start else {})})
        lab = now
    if chapters and chapters[-1]["endMs"] is None:
        chapters[-1]["endMs"] = window.duration_ms
    votes.extend(opened.values())
    return chapters, sorted(votes, key=lambda marker: marker["at"])


def phase_titles(chapters: Iterable[dict[str, Any]]) -> list[str]:
    """The titles of a recording's phases in the order it first reached them, each once."""
    return list(dict.fromkeys(str(c["title"]) for c in chapters if c["title"]))


def _ended(recording_id: object) -> Recording | None:
    text = str(recording_id)
    if not text.isdigit():
        return None
    return (
        Recording.objects.select_related("room")
        .filter(pk=int(text), ended_ms__isnull=False)
        .first()
    )


def _keep_phases(recording_id: int, titles: list[str]) -> None:
    Recording.objects.filter(pk=recording_id).update(phases=titles)


ended_recording = database_sync_to_async(_ended)
keep_phases = database_sync_to_async(_keep_phases)


async def remember_phases(store: RoomStore, recording_id: object) -> None:
    """Keep on an ended recording the titles of the phases it went through (`phases`, what
    the recordings lists show without reading its history); nothing for one still running
    or deleted."""
    recording = await ended_recording(recording_id)
    if recording is None:
        return
    chapters, _ = await lab_timeline(store, window_of(recording, recording.started_ms))
    await keep_phases(recording.pk, phase_titles(chapters))
