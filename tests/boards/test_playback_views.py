"""The playback endpoints: who may watch, what a moment and a span look like over HTTP, and
that an anonymous room's playback names nobody."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import Client

from boards.lib0 import Reader
from boards.store import Entry, create_store
from rooms.invites import create_invite
from rooms.models import Membership, Recording, RecordingPresence, Role, Room

pytestmark = pytest.mark.django_db(transaction=True)


def member(room: Room, username: str) -> tuple[Client, User]:
    user = User.objects.create_user(username, first_name=username.title())
    Membership.objects.create(room=room, user=user, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(user)
    return client, user


def write(slug: str, kind: str, author: str, change: dict[str, object]) -> int:
    """Append an update of `slug`'s document `kind` to the store; its server time."""
    doc: pycrdt.Doc = pycrdt.Doc()
    if kind == "chat":
        doc.get("messages", type=pycrdt.Array).append(change)
    else:
        doc.get("objects", type=pycrdt.Map).update(change)

    async def append() -> Entry:
        return await create_store().append(f"{slug}/{kind}", doc.get_update(), author)

    entry = async_to_sync(append)()
    time.sleep(0.003)
    return entry.time_ms


@pytest.fixture
def recorded() -> Iterator[tuple[Room, Recording, Client, User, list[int]]]:
    """An anonymous lab's recording of three board edits and a chat message by Ada (the
    embedded store lives as long as the process: its documents are forgotten after)."""
    room = Room.objects.create(slug="play", title="Play", kind="lab", anonymous=True)
    client, ada = member(room, "ada")
    started = int(time.time() * 1000) - 1
    times = [write("play", "board", f"u{ada.pk}", {f"n{i}": i}) for i in range(3)]
    times.append(write("play", "chat", f"u{ada.pk}", {"authorId": f"u{ada.pk}", "text": "hi"}))
    recording = Recording.objects.create(
        room=room, title="Jam", started_ms=started, ended_ms=times[-1] + 10
    )
    RecordingPresence.objects.create(
        recording=recording, second=started // 1000, identity=f"u{ada.pk}", name="Ada"
    )
    yield room, recording, client, ada, times
    async_to_sync(create_store().delete_documents)("play/")


def board_at(body: bytes) -> dict[str, object]:
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(body)
    return doc.get("objects", type=pycrdt.Map).to_py() or {}


def test_members_and_invite_holders_watch_and_others_are_refused(recorded: tuple) -> None:
    room, recording, client, _, _ = recorded
    url = f"/r/play/recordings/{recording.pk}"
    assert client.get(f"{url}.json").status_code == 200
    outsider = Client()
    outsider.force_login(User.objects.create_user("eve"))
    assert outsider.get(f"{url}.json").status_code == 403
    assert outsider.get(f"{url}/state?doc=board&at=0").status_code == 403
    _, token = create_invite(room, Role.OBSERVER, None)
    assert Client().get(f"{url}/state?doc=board&at=0&token={token}").status_code == 200
    assert client.get(f"/r/play/recordings/{recording.pk + 99}.json").status_code == 404
    other = Room.objects.create(slug="other", title="Other")
    elsewhere = Recording.objects.create(room=other, title="X", started_ms=1, ended_ms=2)
    assert client.get(f"/r/play/recordings/{elsewhere.pk}/state?doc=board").status_code == 404


def test_the_state_is_the_board_of_that_moment_clamped_into_the_recording(
    recorded: tuple,
) -> None:
    _, recording, client, _, times = recorded
    url = f"/r/play/recordings/{recording.pk}/state"
    response = client.get(f"{url}?doc=board&at={times[1] - recording.started_ms}")
    assert response["Content-Type"] == "application/octet-stream"
    assert board_at(response.content) == {"n0": 0.0, "n1": 1.0}
    late = client.get(f"{url}?doc=board&at=99999999")
    assert late["X-Recording-At"] == str(recording.ended_ms - recording.started_ms)
    assert board_at(late.content) == {"n0": 0.0, "n1": 1.0, "n2": 2.0}
    assert client.get(f"{url}?doc=board&at=-5")["X-Recording-At"] == "0"
    bad = client.get(f"{url}?doc=secrets&at=0")
    assert bad.status_code == 400 and "doc=board" in bad.json()["error"]


def test_an_anonymous_recording_names_nobody(recorded: tuple) -> None:
    _, recording, client, ada, times = recorded
    details = client.get(f"/r/play/recordings/{recording.pk}.json").json()
    assert details["people"] == [{"id": "person-1", "name": "Person 1"}]
    assert details["activity"]["people"].keys() == {"person-1"}
    assert sum(details["activity"]["edits"]) == 3 and sum(details["activity"]["messages"]) == 1
    assert details["markers"] == [
        {
            "type": "message",
            "at": times[3] - recording.started_ms,
            "author": "person-1",
            "text": "hi",
        }
    ]
    assert f"u{ada.pk}" not in str(details) and "Ada" not in str(details)
    body = client.get(f"/r/play/recordings/{recording.pk}/updates?doc=board&from=0").content
    reader = Reader(body)
    assert reader.var_uint() == 3
    for i in range(3):
        at, author, update = reader.var_uint(), reader.var_string(), reader.var_bytes()
        assert (at, author) == (times[i] - recording.started_ms, "person-1") and update
    assert reader.done()


def test_authors_never_seen_present_are_named_as_members_guests_or_former_members(
    recorded: tuple,
) -> None:
    room, recording, client, _, _ = recorded
    Room.objects.filter(pk=room.pk).update(anonymous=False)
    RecordingPresence.objects.all().delete()
    _, ben = member(room, "ben")
    gone = User.objects.create_user("cy")
    for author in (f"u{ben.pk}", f"u{gone.pk}", "i7"):
        write("play", "board", author, {author: 1})
    Recording.objects.filter(pk=recording.pk).update(ended_ms=int(time.time() * 1000) + 10)
    gone.delete()
    details = client.get(f"/r/play/recordings/{recording.pk}.json").json()
    assert [person["name"] for person in details["people"]] == [
        "Ada",
        "Ben",
        "Former member",
        "Guest",
    ]


#: The root of each document of a room, and its type.
ROOTS = {
    "board": ("objects", pycrdt.Map),
    "chat": ("messages", pycrdt.Array),
    "room": ("room", pycrdt.Map),
}


def contents(kind: str, updates: list[bytes]) -> object:
    """What a document of `kind` holds once it takes `updates` in order."""
    doc: pycrdt.Doc = pycrdt.Doc()
    for update in updates:
        doc.apply_update(update)
    name, root = ROOTS[kind]
    return doc.get(name, type=root).to_py()


def test_states_answers_the_three_documents_as_state_does(recorded: tuple) -> None:
    room, recording, client, _, times = recorded
    url = f"/r/play/recordings/{recording.pk}"
    for at in (-5, 0, times[1] - recording.started_ms, times[3] - recording.started_ms, 99999999):
        response = client.get(f"{url}/states?at={at}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        reader = Reader(response.content)
        parts: dict[str, list[bytes]] = {"board": [], "chat": [], "room": []}
        for _ in range(reader.var_uint()):
            parts[reader.var_string()].append(reader.var_bytes())
        assert reader.done()
        for kind, updates in parts.items():
            single = client.get(f"{url}/state?doc={kind}&at={at}")
            assert updates and contents(kind, updates) == contents(kind, [single.content])
            assert response["X-Recording-At"] == single["X-Recording-At"]
    assert client.get(f"{url}/states")["X-Recording-At"] == "0"
    assert client.get(f"{url}/states?at=soon").status_code == 400
    outsider = Client()
    outsider.force_login(User.objects.create_user("eve"))
    assert outsider.get(f"{url}/states?at=0").status_code == 403
    _, token = create_invite(room, Role.OBSERVER, None)
    assert Client().get(f"{url}/states?at=0&token={token}").status_code == 200
    assert client.get(f"/r/play/recordings/{recording.pk + 99}/states").status_code == 404
