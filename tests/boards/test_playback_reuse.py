"""Reusing a recording over HTTP: a new lab from its board at a moment, the live board put
back to a moment, the Markdown summary, and the portable file exported and imported back."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client, override_settings
from PIL import Image

from boards.documents import load_document
from boards.models import DocumentKeyframe, DocumentUpdate
from boards.store import Entry, create_store
from rooms.invites import create_invite
from rooms.media import store_image
from rooms.models import MediaFile, Membership, Recording, RecordingPresence, Role, Room

pytestmark = pytest.mark.django_db(transaction=True)

ROOTS = {"board": ("objects", pycrdt.Map), "chat": ("messages", pycrdt.Array)}


def member(room: Room, username: str, role: Role) -> tuple[Client, User]:
    user = User.objects.create_user(username, first_name=username.title())
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


@dataclass
class Session:
    """Writes a room's documents through the store as clients and the server would, one
    update a change, and remembers when each was taken."""

    slug: str
    docs: dict[str, pycrdt.Doc] = field(default_factory=dict)

    def change(self, kind: str, author: str, edit: Callable[[Any], None]) -> int:
        doc = self.docs.setdefault(kind, pycrdt.Doc())
        name, root_type = ROOTS.get(kind, ("room", pycrdt.Map))
        before = doc.get_state()
        edit(doc.get(name, type=root_type))
        update = doc.get_update(before)

        async def append() -> Entry:
            return await create_store().append(f"{self.slug}/{kind}", update, author)

        entry = async_to_sync(append)()
        time.sleep(0.003)
        return entry.time_ms


def note(text: str, x: float, y: float) -> pycrdt.Map:
    fields = {"type": "note", "x": x, "y": y, "w": 200.0, "h": 160.0, "color": "yellow"}
    return pycrdt.Map({**fields, "author": "Ada", "text": pycrdt.Text(text)})


def png() -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(data, "PNG")
    return SimpleUploadedFile("dot.png", data.getvalue(), content_type="image/png")


AGENDA = [
    {"id": "p1", "title": "Warm-up", "minutes": 5, "tools": {}},
    {"id": "p2", "title": "Ideas", "minutes": 10, "tools": {}},
]


@dataclass
class Recorded:
    room: Room
    recording: Recording
    ada: Client
    bob: Client
    session: Session
    times: dict[str, int]

    @property
    def url(self) -> str:
        return f"/r/{self.room.slug}/recordings/{self.recording.pk}"

    def at(self, moment: str) -> int:
        return self.times[moment] - self.recording.started_ms


def record(slug: str, anonymous: bool = False) -> Recorded:
    """A lab's recorded session: a frame made before it, then two phases with notes, an
    image, a chat message and a vote; a recording shown running in the room document."""
    room = Room.objects.create(slug=slug, title="Jam", kind="lab", anonymous=anonymous)
    ada_client, ada = member(room, "ada", Role.FACILITATOR)
    bob_client, bob = member(room, "bob", Role.PARTICIPANT)
    a, b = f"u{ada.pk}", f"u{bob.pk}"
    image = store_image(room, ada, png())
    session = Session(slug)
    frame = {"type": "frame", "x": 0.0, "y": 0.0, "w": 1000.0, "h": 1000.0}
    session.change(
        "board", a, lambda o: o.update({"f": pycrdt.Map({**frame, "title": pycrdt.Text("Ideas")})})
    )
    started = int(time.time() * 1000)
    time.sleep(0.003)
    recording = Recording.objects.create(room=room, title="Session", started_ms=started)
    running = {"id": str(recording.pk), "title": "Session", "startedAt": started}
    RecordingPresence.objects.create(
        recording=recording, second=started // 1000, identity=a, name="Ada"
    )
    RecordingPresence.objects.create(
        recording=recording, second=started // 1000, identity=b, name="Bob"
    )
    times = {
        "warm-up": session.change(
            "room", a, lambda r: r.update({"recording": running, "agenda": AGENDA, "phase": "p1"})
        ),
        "hello": session.change("board", b, lambda o: o.update({"n1": note("Hello", 10, 20)})),
        "welcome": session.change(
            "chat", a, lambda m: m.append({"authorId": a, "author": "Ada", "text": "Welcome *all*"})
        ),
        "ideas": session.change("room", a, lambda r: r.update({"phase": "p2"})),
        "two": session.change("board", b, lambda o: o.update({"n2": note("# Idea two", 2000, 0)})),
        "image": session.change(
            "board",
            a,
            lambda o: o.update(
                {
                    "img": pycrdt.Map(
                        {
                            "type": "image",
                            "x": 0.0,
                            "y": 2000.0,
                            "w": 4.0,
                            "h": 4.0,
                            "src": f"/r/{slug}/media/{image.name}",
                            "alt": "",
                        }
                    )
                }
            ),
        ),
        "vote": session.change("room", a, lambda r: r.update({"vote": {"id": "v1", "open": True}})),
        "voted": session.change(
            "room",
            a,
            lambda r: r.update(
                {"vote": {"id": "v1", "open": False, "results": {"n2": 3, "n1": 1}}}
            ),
        ),
        "edited": session.change("board", b, lambda o: o["n1"]["text"].insert(5, " world")),
        "done": session.change("room", a, lambda r: r.update({"phase": None})),
    }
    recording.ended_ms = times["done"] + 5
    recording.save()
    time.sleep(0.006)
    return Recorded(room, recording, ada_client, bob_client, session, times)


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    made = record("jam")
    yield made
    async_to_sync(create_store().delete_documents)("")


def document(body: bytes) -> dict[str, Any]:
    """A whole document's roots as plain data."""
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(body)
    return {
        "objects": doc.get("objects", type=pycrdt.Map).to_py() or {},
        "messages": doc.get("messages", type=pycrdt.Array).to_py() or [],
        "room": doc.get("room", type=pycrdt.Map).to_py() or {},
    }


def live(name: str) -> dict[str, Any]:
    loaded = async_to_sync(load_document)(create_store(), name)
    return document(loaded.doc.get_update())


def test_a_recording_opens_as_a_new_lab_at_a_moment_with_its_images(recorded: Recorded) -> None:
    at = recorded.at("image")
    answer = recorded.bob.post(f"{recorded.url}/open/", {"at": at})
    assert answer.status_code == 201
    room = Room.objects.get(slug=answer.json()["url"].split("/")[2])
    assert answer.json()["url"] == f"/r/{room.slug}/"
    assert (room.kind, room.title) == ("lab", "Session at 00:00")
    assert Membership.objects.get(room=room).user.username == "bob"
    assert Membership.objects.get(room=room).role == Role.FACILITATOR
    board = live(f"{room.slug}/board")["objects"]
    then = document(recorded.ada.get(f"{recorded.url}/state?doc=board&at={at}").content)
    copied = board["img"].pop("src")
    assert then["objects"]["img"].pop("src") != copied
    assert board == then["objects"] and set(board) == {"f", "n1", "n2", "img"}
    assert copied.startswith(f"/r/{room.slug}/media/")
    assert MediaFile.objects.filter(room=room).count() == 1
    assert recorded.bob.get(copied).status_code == 200


def test_opening_needs_someone_signed_in_who_may_watch(recorded: Recorded) -> None:
    outsider = Client()
    outsider.force_login(User.objects.create_user("eve"))
    assert outsider.post(f"{recorded.url}/open/", {"at": 0}).status_code == 403
    _, token = create_invite(recorded.room, Role.OBSERVER, None)
    refused = Client().post(f"{recorded.url}/open/?token={token}", {"at": 0})
    assert refused.status_code == 403 and "Sign in" in refused.json()["error"]
    assert outsider.post(f"{recorded.url}/open/?token={token}", {"at": 0}).status_code == 201
    assert recorded.ada.post(f"{recorded.url}/open/", {"at": "soon"}).status_code == 400
    assert recorded.ada.get(f"{recorded.url}/open/").status_code == 405
    assert Room.objects.count() == 2


def test_a_facilitator_puts_the_live_board_back_to_a_moment(recorded: Recorded) -> None:
    recorded.session.change("board", "u9", lambda o: o.pop("n2"))
    recorded.session.change("board", "u9", lambda o: o.update({"n3": note("Later", 0, 0)}))
    at = recorded.at("two")
    assert recorded.bob.post(f"{recorded.url}/restore/", {"at": at}).status_code == 403
    answer = recorded.ada.post(f"{recorded.url}/restore/", {"at": at})
    assert answer.status_code == 200
    # n2 comes back, the image and n3 (made later) go, n1's text changes back
    assert answer.json() == {"at": at, "restored": 1, "removed": 2, "changed": 1}
    then = document(recorded.ada.get(f"{recorded.url}/state?doc=board&at={at}").content)
    assert live("jam/board")["objects"] == then["objects"]


def test_the_summary_tells_the_session_in_markdown(recorded: Recorded) -> None:
    answer = recorded.bob.get(f"{recorded.url}/summary.md")
    assert answer["Content-Type"] == "text/markdown; charset=utf-8"
    text = answer.content.decode()
    assert text.startswith("# Session\n")
    assert "- People: Ada, Bob" in text
    assert "1. Warm-up: 5 min planned, 00:00 spent" in text
    assert "2. Ideas: 10 min planned, 00:00 spent" in text
    warm_up, ideas = text.split("### Warm-up")[1], text.split("### Ideas (")[1]
    assert warm_up.split("###")[0].strip().endswith("- Hello — Ada")  # as it was then
    assert "- \\# Idea two — Ada" in ideas.split("##")[0]
    assert "1. \\# Idea two: 3 dots\n2. Hello: 1 dot" in text
    assert "**Ada**: Welcome *all*" in text
    end = text.split("## The board at the end")[1]
    assert end.index("### Ideas") < end.index("- Hello world") < end.index("### Not in a frame")
    assert end.index("### Not in a frame") < end.index("Idea two")


def test_an_anonymous_rooms_summary_names_nobody() -> None:
    made = record("quiet", anonymous=True)
    try:
        text = made.ada.get(f"{made.url}/summary.md").content.decode()
    finally:
        async_to_sync(create_store().delete_documents)("")
    assert "- People: Person 1, Person 2" in text and "**Person 1**: Welcome" in text
    assert "Ada" not in text and "Bob" not in text


async def joined(chunks: AsyncIterator[bytes]) -> bytes:
    """A streamed answer's body (the export streams from an async iterator)."""
    return b"".join([chunk async for chunk in chunks])


def export_lines(client: Client, url: str) -> list[dict[str, Any]]:
    response = client.get(f"{url}/export.jsonl")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/jsonl"
    assert isinstance(response, StreamingHttpResponse)
    body = async_to_sync(joined)(response.streaming_content)  # type: ignore[arg-type]
    return [json.loads(line) for line in body.decode().splitlines()]


def upload(client: Client, lines: list[dict[str, Any]] | bytes) -> Any:
    body = lines if isinstance(lines, bytes) else "\n".join(map(json.dumps, lines)).encode()
    return client.post("/recordings/import/", {"file": SimpleUploadedFile("r.jsonl", body)})


def test_the_export_is_the_recording_in_time_order(recorded: Recorded) -> None:
    lines = export_lines(recorded.bob, recorded.url)
    started, ended = recorded.recording.started_ms, recorded.recording.ended_ms
    assert lines[0] == {
        "format": "coworking-recording",
        "version": 1,
        "title": "Session",
        "startedAt": started,
        "endedAt": ended,
        "anonymous": False,
        "people": [
            {"id": f"u{User.objects.get(username='ada').pk}", "name": "Ada"},
            {"id": f"u{User.objects.get(username='bob').pk}", "name": "Bob"},
        ],
    }
    assert [set(line) for line in lines[1:2]] == [{"doc", "state"}]  # the frame made before
    updates = lines[2:]
    assert [line["at"] for line in updates] == sorted(line["at"] for line in updates)
    assert [line["at"] for line in updates] == [t - started for t in recorded.times.values()]
    assert {line["doc"] for line in updates} == {"board", "chat", "room"}


@override_settings(
    ROOM_STORE={"BACKEND": "boards.store.memory.MemoryRoomStore", "COMPACT_AFTER": 2}
)
def test_an_imported_export_plays_back_as_the_original(recorded: Recorded) -> None:
    lines = export_lines(recorded.ada, recorded.url)
    answer = upload(recorded.bob, lines)
    assert answer.status_code == 201
    imported = Recording.objects.get(pk=answer.json()["recording"])
    room = imported.room
    assert answer.json() == {
        "url": f"/r/{room.slug}/recordings/{imported.pk}/",
        "room": f"/r/{room.slug}/",
        "recording": str(imported.pk),
    }
    assert (room.kind, room.title, imported.title) == ("lab", "Session", "Session")
    assert Membership.objects.get(room=room).user.username == "bob"
    assert DocumentKeyframe.objects.filter(doc=f"{room.slug}/board").count() == 3
    copy = f"/r/{room.slug}/recordings/{imported.pk}"
    original, again = (
        recorded.ada.get(f"{recorded.url}.json").json(),
        recorded.bob.get(f"{copy}.json").json(),
    )
    for key in ("durationMs", "people", "chapters", "markers", "activity"):
        assert original[key] == again[key], key
    duration = original["durationMs"]
    moments = sorted(
        {0, duration, *(t - recorded.recording.started_ms for t in recorded.times.values())}
    )
    moments += [at + 1 for at in moments] + [at - 1 for at in moments if at > 0]
    for kind in ("board", "chat", "room"):
        for at in moments:
            first = recorded.ada.get(f"{recorded.url}/state?doc={kind}&at={at}").content
            second = recorded.bob.get(f"{copy}/state?doc={kind}&at={at}").content
            assert document(first) == document(second), (kind, at)
    end = document(recorded.bob.get(f"{copy}/state?doc=room&at={duration}").content)
    assert end["room"]["recording"] is not None  # as recorded, but nothing runs in the new lab:
    assert live(f"{room.slug}/room")["room"] == {**end["room"], "recording": None}
    board = document(recorded.bob.get(f"{copy}/state?doc=board&at={duration}").content)
    assert live(f"{room.slug}/board") == board


def test_an_import_refuses_what_it_cannot_read_and_makes_nothing(recorded: Recorded) -> None:
    lines = export_lines(recorded.ada, recorded.url)
    rooms, updates = Room.objects.count(), DocumentUpdate.objects.count()
    garbage = base64.b64encode(b"\xff\xfe\x01\x02").decode()
    cases: list[tuple[list[dict[str, Any]] | bytes, str]] = [
        (b"", "empty"),
        (b"{nope\n", "Line 1 is not JSON"),
        ([{"format": "other"}], "not a recording file"),
        ([{**lines[0], "version": 2}], "version 1"),
        ([{**lines[0], "people": lines[0]["people"] * 2}], "each id once"),
        ([*lines[:3], {**lines[3], "doc": "secrets"}], 'Line 4: "doc" must be one of'),
        ([*lines[:3], {**lines[3], "update": "!!"}], "Line 4: the update is not valid base64"),
        ([*lines[:3], {**lines[3], "update": garbage}], "Line 4: the update cannot be read"),
        ([*lines[:4], {**lines[4], "at": 0}], "Line 5: the updates are not in time order"),
        ([*lines[:3], {**lines[3], "at": 10**9}], 'Line 4: "at" must be ms within'),
        ([*lines, lines[1]], "comes once, before any update"),
        ([*lines[:3], {**lines[3], "extra": 1}], 'Line 4 needs "doc", "at", "author"'),
        ((json.dumps(lines[0]) + "\n[1,2\n").encode(), "Line 2 is not JSON"),
    ]
    for body, message in cases:
        answer = upload(recorded.ada, body)
        assert answer.status_code == 400, message
        assert message in answer.json()["error"], (message, answer.json())
    assert (Room.objects.count(), DocumentUpdate.objects.count()) == (rooms, updates)
    assert Client().post("/recordings/import/", {}).status_code == 403
    assert recorded.ada.post("/recordings/import/", {}).status_code == 400
    with override_settings(RECORDING_IMPORT_MAX_BYTES=100):
        assert upload(recorded.ada, lines).status_code == 413
