"""The recordings of a room over HTTP: listed for its members (or an invite token), renamed
and deleted by its facilitators; the room document follows a running one."""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import Client

from boards.connection import write_as_server
from boards.documents import load_document
from boards.hub import Hub
from boards.room_commands import room_values
from boards.store import create_store
from rooms.invites import create_invite
from rooms.models import Membership, Recording, RecordingPresence, Role, Room
from rooms.recordings import shown

pytestmark = pytest.mark.django_db
REFUSED = {"error": "Only facilitators can rename or delete recordings."}


def join(room: Room, role: Role, name: str) -> tuple[Client, User]:
    """A signed-in member of `room`."""
    user = User.objects.create_user(name.lower(), first_name=name)
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def recorded(room: Room, title: str, started_ms: int, ended_ms: int | None) -> Recording:
    return Recording.objects.create(
        room=room, title=title, started_ms=started_ms, ended_ms=ended_ms
    )


def present(recording: Recording, second: int, *people: tuple[str, str]) -> None:
    RecordingPresence.objects.bulk_create(
        RecordingPresence(recording=recording, second=second, identity=who, name=name)
        for who, name in people
    )


def test_members_list_a_rooms_recordings_newest_first_with_who_was_there() -> None:
    room = Room.objects.create(slug="lab", title="Lab", kind="lab")
    member, _ = join(room, Role.OBSERVER, "Oli")
    first = recorded(room, "Kick-off", 1_000_000, 1_060_000)
    running = recorded(room, "Now", 2_000_000, None)
    present(first, 1000, ("u2", "Bob"), ("u1", "Ada"))
    present(first, 1010, ("u1", "Ada"), ("u3", "Cy"))
    present(first, 1020, ("u2", "Bob"))
    listed = member.get("/r/lab/recordings.json").json()
    assert [item["id"] for item in listed] == [str(running.pk), str(first.pk)]
    now, kick_off = listed
    assert kick_off == {
        "id": str(first.pk),
        "title": "Kick-off",
        "startedAt": 1_000_000,
        "endedAt": 1_060_000,
        "durationMs": 60_000,
        "people": [
            {"id": "u2", "name": "Bob"},
            {"id": "u1", "name": "Ada"},
            {"id": "u3", "name": "Cy"},
        ],
    }
    assert now["endedAt"] is None and now["people"] == []
    assert now["durationMs"] > 1_700_000_000_000 - 2_000_000, "up to now while it records"


def test_an_anonymous_room_lists_people_under_stable_pseudonyms() -> None:
    room = Room.objects.create(slug="lab", title="Lab", anonymous=True)
    member, _ = join(room, Role.PARTICIPANT, "Pat")
    recording = recorded(room, "Ideas", 1_000, 5_000)
    present(recording, 1, ("u7", "Zoe"))
    present(recording, 2, ("u7", "Zoe"), ("u3", "Ada"))
    [listed] = member.get("/r/lab/recordings.json").json()
    assert listed["people"] == [
        {"id": "person-1", "name": "Person 1"},
        {"id": "person-2", "name": "Person 2"},
    ]
    body = member.get("/r/lab/recordings.json").content.decode()
    assert "Zoe" not in body and "u7" not in body


def test_the_list_takes_an_invite_token_and_refuses_everyone_else() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    Room.objects.create(slug="other", title="Other")
    recorded(room, "Kick-off", 1_000, 2_000)
    _, token = create_invite(room, Role.OBSERVER)
    [listed] = Client().get(f"/r/lab/recordings.json?token={token}").json()
    assert listed["title"] == "Kick-off"
    stranger, _ = join(Room.objects.get(slug="other"), Role.FACILITATOR, "Sam")
    assert stranger.get("/r/lab/recordings.json").status_code == 403
    assert Client().get("/r/lab/recordings.json").status_code == 403
    assert Client().get("/r/lab/recordings.json?token=forged").status_code == 403
    assert stranger.get("/r/nowhere/recordings.json").status_code == 404


def test_facilitators_rename_and_delete_recordings_and_nobody_else() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    facilitator, _ = join(room, Role.FACILITATOR, "Fay")
    participant, _ = join(room, Role.PARTICIPANT, "Pat")
    recording = recorded(room, "Kick-off", 1_000, 2_000)
    rename = f"/r/lab/recordings/{recording.pk}/rename/"
    delete = f"/r/lab/recordings/{recording.pk}/delete/"
    for path in (rename, delete):
        refused = participant.post(path, {"title": "Mine"})
        assert (refused.status_code, refused.json()) == (403, REFUSED)
    renamed = facilitator.post(rename, {"title": "  Kick-off,\u202e take two "})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Kick-off, take two"
    assert facilitator.post(rename, {"title": " \u200b "}).status_code == 400
    assert facilitator.post("/r/lab/recordings/999/rename/", {"title": "X"}).status_code == 404
    stranger, _ = join(Room.objects.create(slug="other", title="Other"), Role.FACILITATOR, "Sam")
    assert stranger.post(rename, {"title": "X"}).status_code == 403
    other_room = recorded(Room.objects.get(slug="other"), "Theirs", 1, 2)
    assert facilitator.post(f"/r/lab/recordings/{other_room.pk}/delete/").status_code == 404
    assert facilitator.get(delete).status_code == 405
    gone = facilitator.post(delete)
    assert gone.json() == {"deleted": str(recording.pk)}
    assert not Recording.objects.filter(pk=recording.pk).exists()
    assert facilitator.post(delete).status_code == 404


def test_rename_and_delete_need_the_csrf_token() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    _, user = join(room, Role.FACILITATOR, "Fay")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    recording = recorded(room, "Kick-off", 1_000, 2_000)
    response = browser.post(f"/r/lab/recordings/{recording.pk}/delete/")
    assert response.status_code == 403
    assert Recording.objects.filter(pk=recording.pk).exists()


async def _show(slug: str, value: dict[str, Any] | None) -> None:
    hub = Hub(create_store(), compact=False)
    try:

        def write(doc: pycrdt.Doc) -> None:
            doc.get("room", type=pycrdt.Map)["recording"] = value

        await write_as_server(hub, f"{slug}/room", "u0", write)
    finally:
        await hub.close()


async def _showing(slug: str) -> Any:
    loaded = await load_document(create_store(), f"{slug}/room")
    return room_values(loaded.doc)["recording"]


@pytest.mark.django_db(transaction=True)
def test_a_running_recording_renamed_or_deleted_changes_what_the_room_shows() -> None:
    room = Room.objects.create(slug="lab-recorded-live", title="Lab")
    facilitator, _ = join(room, Role.FACILITATOR, "Fay")
    running = recorded(room, "Now", 5_000, None)
    async_to_sync(_show)(room.slug, shown(running))
    path = f"/r/{room.slug}/recordings/{running.pk}"
    facilitator.post(f"{path}/rename/", {"title": "Live session"})
    assert async_to_sync(_showing)(room.slug) == {
        "id": str(running.pk),
        "title": "Live session",
        "startedAt": 5_000,
    }
    assert facilitator.post(f"{path}/delete/").status_code == 200
    assert async_to_sync(_showing)(room.slug) is None, "stopped for everyone"
    assert not Recording.objects.exists()


def test_the_room_page_and_the_lobby_list_recordings_with_links_to_play_them() -> None:
    room = Room.objects.create(slug="lab", title="Design lab", kind="lab")
    elsewhere = Room.objects.create(slug="other", title="Other")
    member, _ = join(room, Role.PARTICIPANT, "Pat")
    recording = recorded(room, "Kick-off", 1_700_000_000_000, 1_700_000_000_000 + 3_900_000)
    recorded(elsewhere, "Not yours", 1_700_000_000_000, None)
    page = member.get("/r/lab/").content.decode()
    assert f'href="/r/lab/recordings/{recording.pk}/">Kick-off</a>' in page
    assert '<time datetime="2023-11-14T22:13:20+00:00" data-local-time>' in page
    assert "1 h 05 min" in page and "frontend/local-time.js" in page
    lobby = member.get("/").content.decode()
    assert "Recent recordings" in lobby and "Kick-off" in lobby and "Design lab" in lobby
    assert "Not yours" not in lobby


def test_a_room_made_in_the_lobby_may_record_every_session() -> None:
    browser = Client()
    browser.force_login(User.objects.create_user("fay", first_name="Fay"))
    made = {"title": "Jam", "slug": "jam", "kind": "lab", "record_labs": "on"}
    assert browser.post("/", made).status_code == 302
    assert Room.objects.get(slug="jam").record_labs
