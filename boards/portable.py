"""The portable recording file: a recorded session written out as JSON lines (`export.jsonl`),
and read back into a new lab room of this or another server.

Line 1 says what the file is: `{"format": "coworking-recording", "version": 1, "title",
"startedAt", "endedAt", "anonymous", "people"}`. Then, for each document that held anything
before the recording began, its state then: `{"doc", "state"}`. Then every update of the
recording in time order: `{"doc", "at", "author", "update"}` (`at` in ms from the start,
`author` as playback shows it, bytes in base64).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import orjson
import pycrdt
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from boards.lib0 import Malformed
from boards.models import DocumentKeyframe, DocumentUpdate
from boards.playback import (
    DOC_KINDS,
    EMPTY_UPDATE,
    People,
    Window,
    after_ms,
    entry_pages,
    state_at,
)
from boards.protocol import reraise_control_flow
from boards.reuse import create_lab
from boards.store import Entry, RoomStore
from boards.structure import STORED, DocumentStructure, Limits, Rejected, parse_update
from rooms.models import Recording, RecordingPresence
from rooms.permissions import GUEST_NAME, normalise_name, user_identity
from rooms.recordings import clean_title

FORMAT = "coworking-recording"
VERSION = 1
#: The export answers in chunks of about this many bytes.
CHUNK_BYTES = 64 * 1024
#: What an imported update may hold: any number of parts, as stored documents, but nested no
#: deeper than a client's update may be (the engine recurses over nesting).
IMPORTED = Limits(max_structs=STORED.max_structs, max_value_bytes=STORED.max_value_bytes)
#: Archive rows written at a time by an import.
IMPORT_BATCH = 500
#: Limits of `DocumentUpdate.author`, `RecordingPresence.identity` and `.name`.
AUTHOR_LENGTH = 80
NAME_LENGTH = 150
#: The title of an imported recording whose file names none (in the importer's language).
UNTITLED = gettext_lazy("Imported recording")


def _line(value: dict[str, Any]) -> bytes:
    return orjson.dumps(value) + b"\n"


async def _updates(store: RoomStore, name: str, window: Window) -> AsyncIterator[Entry]:
    async for page in entry_pages(store, name, after_ms(window.start_ms - 1), window.end_ms):
        for entry in page:
            yield entry


async def recording_file(
    store: RoomStore, window: Window, title: str, people: People
) -> AsyncIterator[bytes]:
    """The recording as a portable file, in chunks: the header, each document's state at the
    start, then the updates of all three documents merged in time order. A page of each
    document's updates is held at a time, never the whole recording."""
    yield _line(
        {
            "format": FORMAT,
            "version": VERSION,
            "title": title,
            "startedAt": window.start_ms,
            "endedAt": window.end_ms,
            "anonymous": window.anonymous,
            "people": people.listed(),
        }
    )
    for kind in DOC_KINDS:
        state = await state_at(store, window.doc(kind), window.start_ms - 1)
        if state != EMPTY_UPDATE:
            yield _line({"doc": kind, "state": base64.b64encode(state).decode()})
    shown = people.shown if window.anonymous else str
    streams = [_updates(store, window.doc(kind), window) for kind in DOC_KINDS]
    heads = [await anext(stream, None) for stream in streams]
    chunk: list[bytes] = []
    size = 0
    while True:
        waiting = [(entry.time_ms, index) for index, entry in enumerate(heads) if entry]
        if not waiting:
            break
        _, index = min(waiting)
        entry = heads[index]
        assert entry is not None
        line = _line(
            {
                "doc": DOC_KINDS[index],
                "at": entry.time_ms - window.start_ms,
                "author": shown(entry.author),
                "update": base64.b64encode(entry.payload).decode(),
            }
        )
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(chunk)
            chunk, size = [], 0
        heads[index] = await anext(streams[index], None)
    if chunk:
        yield b"".join(chunk)


class ImportRefused(Exception):
    """A recording file that cannot be imported, with what is wrong with it (in the active
    language: the importer's)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Header:
    title: str
    duration_ms: int
    anonymous: bool
    people: list[tuple[str, str]]


def _integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _json(raw: bytes, number: int) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ImportRefused(gettext("Line {number} is not JSON.").format(number=number)) from error


def _person(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict) or set(value) != {"id", "name"}:
        return None
    identity, name = value["id"], value["name"]
    if not isinstance(identity, str) or not identity or len(identity) > AUTHOR_LENGTH:
        return None
    if not isinstance(name, str):
        return None
    return identity, normalise_name(name, NAME_LENGTH) or GUEST_NAME


def read_header(raw: bytes) -> Header:
    """The first line of a recording file, checked."""
    value = _json(raw, 1)
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        # Translators: "format" and its value are the file's words, kept as they are.
        said = gettext('This is not a recording file (line 1 says no "format": "{format}").')
        raise ImportRefused(said.format(format=FORMAT))
    if value.get("version") != VERSION or not _integer(value.get("version")):
        said = gettext("Only version {version} recording files can be imported.")
        raise ImportRefused(said.format(version=VERSION))
    title, started, ended = value.get("title"), value.get("startedAt"), value.get("endedAt")
    if not isinstance(title, str) or not _integer(started) or not _integer(ended):
        # Translators: the words in quotes are the file's, kept as they are.
        raise ImportRefused(gettext('Line 1 needs "title" (text), "startedAt" and "endedAt" (ms).'))
    if ended < started:
        raise ImportRefused(gettext("The recording ends before it starts."))
    anonymous = value.get("anonymous")
    if not isinstance(anonymous, bool):
        # Translators: "anonymous", true and false are the file's words, kept as they are.
        raise ImportRefused(gettext('Line 1 needs "anonymous": true or false.'))
    listed = value.get("people", [])
    people = [_person(person) for person in listed] if isinstance(listed, list) else [None]
    if None in people or len({person[0] for person in people if person}) != len(people):
        # Translators: the words in quotes are the file's, kept as they are.
        raise ImportRefused(gettext('"people" must be a list of {"id", "name"}, each id once.'))
    return Header(
        clean_title(title) or str(UNTITLED),
        ended - started,
        anonymous,
        [person for person in people if person is not None],
    )


@dataclass
class _Document:
    """One document as the import reads it: its state so far (every update applied, so that
    one the engine cannot take is refused) and where its archive rows have reached."""

    name: str
    doc: pycrdt.Doc = field(default_factory=pycrdt.Doc)
    structure: DocumentStructure = field(default_factory=DocumentStructure)
    updates: int = 0
    last: tuple[int, int] = (-1, -1)

    def take(self, update: bytes, number: int) -> None:
        """Check `update` strictly, then apply it (ImportRefused if it cannot be)."""
        try:
            depths = self.structure.follow(parse_update(update, IMPORTED))
        except (Malformed, Rejected) as error:
            said = gettext("Line {number}: the update cannot be read ({reason}).")
            raise ImportRefused(said.format(number=number, reason=error)) from error
        if any(depth is not None and depth > IMPORTED.max_type_depth for depth in depths):
            said = gettext("Line {number}: the update nests types too deep.")
            raise ImportRefused(said.format(number=number))
        try:
            self.doc.apply_update(update)
        except BaseException as error:  # a Rust panic in pycrdt is a BaseException
            reraise_control_flow(error)
            said = gettext("Line {number}: the update cannot be applied.")
            raise ImportRefused(said.format(number=number)) from error

    def next_id(self, ms: int) -> tuple[int, int]:
        """The archive entry id of this document's next update, taken at `ms`."""
        self.last = (ms, self.last[1] + 1 if self.last[0] == ms else 0)
        return self.last


def _bytes(value: Any, number: int) -> bytes:
    if not isinstance(value, str):
        said = gettext("Line {number}: the update must be base64 text.")
        raise ImportRefused(said.format(number=number))
    try:
        data = base64.b64decode(value, validate=True)
    except binascii.Error as error:
        said = gettext("Line {number}: the update is not valid base64.")
        raise ImportRefused(said.format(number=number)) from error
    if not data:
        raise ImportRefused(gettext("Line {number}: the update is empty.").format(number=number))
    return data


class _Writer:
    """Writes an imported recording's documents to the archive of room `slug`, the update
    taken at `at` ms from the start at server time `base_ms + at`, with a keyframe every
    `COMPACT_AFTER` updates of a document, as compaction would."""

    def __init__(self, slug: str, base_ms: int) -> None:
        self.base_ms = base_ms
        self.documents = {kind: _Document(f"{slug}/{kind}") for kind in DOC_KINDS}
        self.rows: list[DocumentUpdate] = []
        self.every = int(settings.ROOM_STORE["COMPACT_AFTER"])

    def start_state(self, kind: str, state: bytes) -> None:
        """The document as it was before the recording: a keyframe just before its start."""
        document = self.documents[kind]
        ms, seq = document.next_id(self.base_ms - 1)
        DocumentKeyframe.objects.create(doc=document.name, ms=ms, seq=seq, state=state)

    def update(self, kind: str, at: int, author: str, update: bytes) -> None:
        document = self.documents[kind]
        ms, seq = document.next_id(self.base_ms + at)
        self.rows.append(
            DocumentUpdate(doc=document.name, ms=ms, seq=seq, author=author, payload=update)
        )
        document.updates += 1
        if document.updates % self.every == 0:
            self.flush()
            state = document.doc.get_update()
            DocumentKeyframe.objects.create(doc=document.name, ms=ms, seq=seq, state=state)
        if len(self.rows) >= IMPORT_BATCH:
            self.flush()

    def flush(self) -> None:
        DocumentUpdate.objects.bulk_create(self.rows)
        self.rows = []


def _read_line(raw: bytes, number: int, duration_ms: int) -> tuple[str, int | None, str, bytes]:
    """A line after the header: (doc, at, author, bytes) for an update, (doc, None, "",
    bytes) for a document's state at the start."""
    value = _json(raw, number)
    if not isinstance(value, dict) or value.get("doc") not in DOC_KINDS:
        kinds = ", ".join(DOC_KINDS)
        # Translators: "doc" and the words after "one of" are the file's, kept as they are.
        said = gettext('Line {number}: "doc" must be one of {kinds}.')
        raise ImportRefused(said.format(number=number, kinds=kinds))
    if set(value) == {"doc", "state"}:
        return value["doc"], None, "", _bytes(value["state"], number)
    if set(value) != {"doc", "at", "author", "update"}:
        # Translators: the words in quotes are the file's, kept as they are.
        said = gettext('Line {number} needs "doc", "at", "author" and "update".')
        raise ImportRefused(said.format(number=number))
    at, author = value["at"], value["author"]
    if not _integer(at) or not 0 <= at <= duration_ms:
        # Translators: "at" is the file's word, kept as it is.
        said = gettext('Line {number}: "at" must be ms within the recording.')
        raise ImportRefused(said.format(number=number))
    if not isinstance(author, str) or len(author) > AUTHOR_LENGTH:
        # Translators: "author" is the file's word, kept as it is.
        said = gettext('Line {number}: "author" must be text of at most {count} characters.')
        raise ImportRefused(said.format(number=number, count=AUTHOR_LENGTH))
    return value["doc"], at, author, _bytes(value["update"], number)


def import_recording(user: User, lines: Iterable[bytes], now_ms: int) -> Recording:
    """A new lab room for `user` (its facilitator) holding the recording of a file's `lines`,
    which ends just before `now_ms`: its documents' updates in the room's archive at their
    times from its start, and a `Recording` spanning them. The documents continue live from
    where the recording ends (without a recording running). Sync ORM code; ImportRefused,
    with nothing made, for a file that is not sound."""
    numbered = enumerate((line.rstrip(b"\r\n") for line in lines), 1)
    first = next(numbered, None)
    if first is None or not first[1].strip():
        raise ImportRefused(gettext("The file is empty."))
    header = read_header(first[1])
    base_ms = now_ms - header.duration_ms - 2
    if base_ms < 1:
        raise ImportRefused(gettext("The recording is longer than time itself."))
    with transaction.atomic():
        room = create_lab(user, header.title, header.anonymous)
        writer = _Writer(room.slug, base_ms)
        last_at, updated = 0, False
        for number, raw in numbered:
            if not raw.strip():
                continue
            kind, at, author, data = _read_line(raw, number, header.duration_ms)
            document = writer.documents[kind]
            if at is None and (updated or document.last[0] >= 0):
                said = gettext("Line {number}: a document's state comes once, before any update.")
                raise ImportRefused(said.format(number=number))
            if at is not None and at < last_at:
                said = gettext("Line {number}: the updates are not in time order.")
                raise ImportRefused(said.format(number=number))
            document.take(data, number)
            if at is None:
                writer.start_state(kind, data)
            else:
                writer.update(kind, at, author, data)
                last_at, updated = at, True
        _stop_showing_recording(writer, header.duration_ms + 1, user_identity(user).id)
        writer.flush()
        recording = Recording.objects.create(
            room=room,
            title=header.title,
            started_ms=base_ms,
            ended_ms=base_ms + header.duration_ms,
            started_by=user,
        )
        RecordingPresence.objects.bulk_create(
            RecordingPresence(
                recording=recording, second=base_ms // 1000, identity=identity, name=name
            )
            for identity, name in header.people
        )
    return recording


def _stop_showing_recording(writer: _Writer, at: int, author: str) -> None:
    """The room document as the recording left it may show a recording running (the one
    exported, of another room): the new room shows none, written just after the end."""
    document = writer.documents["room"]
    room = document.doc.get("room", type=pycrdt.Map)
    if room.get("recording") is None:
        return
    before = document.doc.get_state()
    room["recording"] = None
    writer.update("room", at, author, document.doc.get_update(before))
