"""The account page: name, password, language and time zone, the focus log, the data
download and deleting an account (what was written stays, by a "Former member")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from boards.connection import write_as_server
from boards.documents import load_document
from boards.hub import Hub
from boards.store import create_store
from rooms.focus_summary import weekly_minutes, zone_of
from rooms.models import (
    Activity,
    FocusEntry,
    Membership,
    Profile,
    Recording,
    RecordingPresence,
    Role,
    Room,
    ScheduledSession,
    Work,
    profile_of,
)
from tests.rooms.test_profiles import PASSWORD, add_work, guest, join, person, picture, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def write(name: str, change: Any) -> None:
    async def run() -> None:
        hub = Hub(create_store(), compact=False)
        try:
            await write_as_server(hub, name, "test", change)
        finally:
            await hub.close()

    async_to_sync(run)()


def say(slug: str, user: User, text: str) -> None:
    """A chat message as the server writes it for `user`."""
    message = {"id": text, "authorId": f"u{user.pk}", "author": user.first_name, "text": text}

    def append(doc: pycrdt.Doc) -> None:
        doc.get("messages", type=pycrdt.Array).append({**message, "ts": 1_700_000_000_000})

    write(f"{slug}/chat", append)


def add_note(doc: pycrdt.Doc, user: User, key: str) -> None:
    """A note as a client makes one (a map with its author's name and id)."""
    fields = {"type": "note", "author": user.first_name, "authorId": f"u{user.pk}"}
    doc.get("objects", type=pycrdt.Map)[key] = pycrdt.Map(fields)


def note(slug: str, user: User, key: str) -> None:
    """A note on the board of room `slug`."""
    write(f"{slug}/board", partial(add_note, user=user, key=key))


def document(name: str) -> dict[str, Any]:
    loaded = async_to_sync(load_document)(create_store(), name)
    return {
        "messages": list(loaded.doc.get("messages", type=pycrdt.Array)),
        "objects": loaded.doc.get("objects", type=pycrdt.Map).to_py(),
    }


def stay(user: User, room: Room | None, days_ago: float, minutes: int, done: bool | None) -> None:
    FocusEntry.objects.create(
        user=user,
        room=room,
        started_at=datetime.now(UTC) - timedelta(days=days_ago),
        goal=f"goal {days_ago}",
        done=done,
        focus_ms=minutes * 60_000,
    )


def test_the_account_page_shows_the_focus_log_in_your_time_zone() -> None:
    client, ada = person("ada")
    profile = profile_of(ada)
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    room = join(ada, "studio")
    FocusEntry.objects.create(
        user=ada,
        room=room,
        started_at=datetime(2024, 3, 4, 23, 30, tzinfo=UTC),
        goal="Mix the chorus",
        done=True,
        focus_ms=50 * 60_000,
    )
    stay(ada, None, 0, 25, False)
    page = client.get("/account/").content.decode()
    assert "Mix the chorus" in page and "Studio" in page
    assert "Tue 5 Mar, 08:30" in page  # 23:30 UTC is 08:30 the next day in Tokyo
    assert "A room since deleted" in page
    assert "<dd>2</dd>" in page and "<dd>1</dd>" in page and "<dd>75</dd>" in page
    assert "Minutes of focus per week" in page


def test_weekly_minutes_count_each_week_in_the_persons_time_zone() -> None:
    _, ada = person("ada")
    now = datetime(2024, 3, 13, 12, tzinfo=UTC)  # a Wednesday
    for started, minutes in [
        (datetime(2024, 3, 11, 9, tzinfo=UTC), 30),  # this week
        (datetime(2024, 3, 10, 23, 30, tzinfo=UTC), 20),  # Monday 00:30 in Berlin: this week
        (datetime(2024, 3, 4, 10, tzinfo=UTC), 60),  # last week
        (datetime(2023, 12, 1, 10, tzinfo=UTC), 99),  # long ago
    ]:
        FocusEntry.objects.create(user=ada, started_at=started, focus_ms=minutes * 60_000)
    weeks = weekly_minutes(ada, zone_of("Europe/Berlin"), now=now)
    assert len(weeks) == 8
    assert [week.minutes for week in weeks] == [0, 0, 0, 0, 0, 0, 60, 50]
    assert weeks[-1].start.isoformat() == "2024-03-11"
    assert [week.height for week in weeks[-2:]] == [100, 83]


def test_changing_the_display_name_and_settings() -> None:
    client, ada = person("ada")
    assert (
        client.post("/account/", {"form": "name", "first_name": "  Ada\u200b  L. "}).status_code
        == 302
    )
    ada.refresh_from_db()
    assert ada.first_name == "Ada L."
    assert client.post("/account/", {"form": "name", "first_name": "\u200b "}).status_code == 400
    saved = client.post(
        "/account/", {"form": "settings", "language": "pt", "time_zone": "America/Sao_Paulo"}
    )
    assert saved.status_code == 302
    profile = Profile.objects.get(user=ada)
    assert (profile.language, profile.time_zone) == ("pt", "America/Sao_Paulo")


@pytest.mark.parametrize(
    "data", [{"time_zone": "Mars/Olympus"}, {"time_zone": "UTC", "language": "xx"}]
)
def test_unknown_time_zones_and_languages_are_refused(data: dict[str, str]) -> None:
    client, ada = person("ada")
    response = client.post("/account/", {"form": "settings", "language": "", **data})
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert profile_of(ada).time_zone == "UTC"


def test_changing_the_password_keeps_you_signed_in() -> None:
    client, ada = person("ada")
    new = "an-Other-pass-42"
    wrong = client.post(
        "/account/",
        {"form": "password", "old_password": "nope", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 400
    right = client.post(
        "/account/",
        {"form": "password", "old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert right.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(new)
    assert client.get("/account/").status_code == 200


def test_guests_have_no_password_or_delete_forms() -> None:
    client = Client()
    client.force_login(guest())
    page = client.get("/account/").content.decode()
    assert 'data-testid="name-form"' in page
    assert 'data-testid="password-form"' not in page and 'data-testid="delete-form"' not in page


def test_the_data_download_holds_everything_about_you() -> None:
    client, ada = person("ada", "Ada")
    client.post(
        "/account/profile/",
        {"bio": "Hello", "links": "https://ada.example/", "visibility": "signed_in"},
    )
    add_work(client, "Cover", (20, 20))
    room = join(ada, "studio", Role.FACILITATOR)
    other = Room.objects.create(slug="other", title="Other")
    stay(ada, room, 1, 40, True)
    ScheduledSession.objects.create(
        room=room,
        title="Morning focus",
        starts_at=datetime(2024, 5, 1, 8, tzinfo=UTC),
        minutes=120,
        created_by=ada,
    )
    _, ben = person("ben")
    join(ben, "studio")
    say("studio", ada, "mine")
    say("studio", ben, "his")
    say("other", ada, "not a member there")
    response = client.get("/account/data.json")
    assert response["Content-Disposition"] == 'attachment; filename="coworking-ada.json"'
    data = json.loads(response.content)
    assert data["account"]["username"] == "ada" and data["account"]["name"] == "Ada"
    assert data["profile"]["bio"] == "Hello" and data["profile"]["links"] == [
        "https://ada.example/"
    ]
    assert data["works"][0]["title"] == "Cover"
    assert data["works"][0]["image"].startswith("http://testserver/people/media/")
    assert data["memberships"] == [
        {
            "room": "studio",
            "title": "Studio",
            "role": "facilitator",
            "joinedAt": data["memberships"][0]["joinedAt"],
        }
    ]
    assert data["focusLog"][0]["focusMs"] == 40 * 60_000 and data["focusLog"][0]["done"] is True
    assert data["activities"][0]["verb"] == Activity.Verb.WORK
    assert data["scheduledSessions"][0]["title"] == "Morning focus"
    assert [m["text"] for m in data["chatMessages"]] == ["mine"]
    assert data["chatMessages"][0]["room"] == "studio"
    assert other.slug not in json.dumps(data["memberships"])


def test_deleting_needs_the_password() -> None:
    client, ada = person("ada")
    response = client.post("/account/delete/", {"password": "wrong"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=ada.pk).exists()


def test_the_only_facilitator_of_a_room_with_others_cannot_leave_it_behind() -> None:
    client, ada = person("ada")
    join(ada, "studio", Role.FACILITATOR)
    _, ben = person("ben")
    join(ben, "studio")
    page = client.get("/account/").content.decode()
    assert "You are the only facilitator of" in page and "Studio" in page
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 409
    assert "Make someone else a facilitator of “Studio” first." in response.content.decode()
    assert User.objects.filter(pk=ada.pk).exists()
    Membership.objects.filter(user=ben).update(role=Role.FACILITATOR)
    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 302


def test_deleting_an_account_leaves_its_words_to_a_former_member(media_root: Path) -> None:
    client, ada = person("ada", "Ada")
    client.post(
        "/account/profile/",
        {"visibility": "signed_in", "links": "", "avatar": upload(picture())},
    )
    add_work(client, "Cover", (20, 20))
    files = [profile_of(ada).avatar, Work.objects.get().image]
    assert all((media_root / path).exists() for path in files)
    jam = join(ada, "jam")
    _, ben = person("ben", "Ben")
    join(ben, "jam", Role.FACILITATOR)
    solo = join(ada, "solo", Role.FACILITATOR)
    stay(ada, jam, 1, 30, True)
    recording = Recording.objects.create(room=jam, title="Jam", started_ms=1, ended_ms=2)
    RecordingPresence.objects.create(
        recording=recording, second=1, identity=f"u{ada.pk}", name="Ada"
    )
    say("jam", ada, "hello from Ada")
    say("jam", ben, "hello from Ben")
    note("jam", ada, "n1")
    note("jam", ben, "n2")
    for user, key in ((ada, "p1"), (ben, "p2")):  # private notes nobody has revealed yet
        write(f"jam/private.u{user.pk}", partial(add_note, user=user, key=key))

    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not User.objects.filter(pk=ada.pk).exists()
    assert client.get("/account/").status_code == 302  # signed out
    assert not Profile.objects.filter(user_id=ada.pk).exists()
    assert not FocusEntry.objects.filter(user_id=ada.pk).exists()
    assert not Room.objects.filter(pk=solo.pk).exists()
    assert list(Membership.objects.values_list("user__username", flat=True)) == ["ben"]
    assert not any((media_root / path).exists() for path in files)

    chat = document("jam/chat")["messages"]
    assert [(m["text"], m["author"]) for m in chat] == [
        ("hello from Ada", "Former member"),
        ("hello from Ben", "Ben"),
    ]
    objects = document("jam/board")["objects"]
    assert objects["n1"]["author"] == "Former member" and objects["n2"]["author"] == "Ben"
    assert RecordingPresence.objects.get().name == "Former member"
    # A reveal later cannot put Ada's name back on the board.
    assert document(f"jam/private.u{ada.pk}")["objects"] == {}
    assert list(document(f"jam/private.u{ben.pk}")["objects"]) == ["p2"]
