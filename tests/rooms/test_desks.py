"""The co-working room page and its desks: who sits there, and how long they focused today."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from rooms.desks import start_of_today
from rooms.models import FocusEntry, Membership, Profile, Role, Room

pytestmark = pytest.mark.django_db


def member(room: Room, username: str, role: Role = Role.PARTICIPANT) -> tuple[Client, User]:
    user = User.objects.create_user(username, first_name=username.title())
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def focus(user: User, room: Room | None, minutes: int, started_ago: timedelta) -> None:
    started = timezone.now() - started_ago
    FocusEntry.objects.create(
        user=user, room=room, started_at=started, ended_at=started, focus_ms=minutes * 60_000
    )


def test_a_coworking_room_has_its_own_page_and_a_lab_keeps_the_board_page() -> None:
    jam = Room.objects.create(slug="jam", title="Jam", kind=Room.Kind.COWORKING)
    lab = Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)
    client, user = member(jam, "ada")
    Membership.objects.create(room=lab, user=user, role=Role.PARTICIPANT)

    coworking = client.get("/r/jam/")
    assert next(t.name for t in coworking.templates) == "coworking.html"
    assert b"frontend/coworking.js" in coworking.content
    assert b'data-testid="desks"' in coworking.content
    assert b"frontend/room.js" not in coworking.content

    board = client.get("/r/lab/")
    assert next(t.name for t in board.templates) == "room.html"
    assert b"frontend/room.js" in board.content
    assert b'data-testid="desks"' not in board.content


def test_desks_list_the_members_with_their_cards_and_todays_focus() -> None:
    room = Room.objects.create(slug="jam", title="Jam")
    other = Room.objects.create(slug="other", title="Other")
    client, ada = member(room, "ada")
    _, ben = member(room, "ben", Role.OBSERVER)
    Profile.objects.create(user=ada, city="Lagos", country="Nigeria", disciplines=["design"])
    since_midnight = timezone.now() - start_of_today()
    focus(ada, room, 25, started_ago=since_midnight / 2)
    focus(ada, room, 50, started_ago=since_midnight / 4)
    focus(ada, room, 90, started_ago=since_midnight + timedelta(hours=1))  # yesterday
    focus(ada, other, 30, started_ago=since_midnight / 2)  # another room
    focus(ben, room, 10, started_ago=since_midnight / 3)

    response = client.get("/r/jam/desks.json")

    assert response.status_code == 200
    people = response.json()["people"]
    assert set(people) == {f"u{ada.pk}", f"u{ben.pk}"}
    desk = people[f"u{ada.pk}"]
    assert desk["focusedTodayMs"] == 75 * 60_000
    assert desk["name"] == "Ada" and desk["username"] == "ada"
    assert desk["place"] == "Lagos, Nigeria"
    assert desk["disciplines"] and desk["url"].endswith("/ada/")
    assert people[f"u{ben.pk}"]["focusedTodayMs"] == 10 * 60_000


def test_today_is_each_persons_own_day() -> None:
    room = Room.objects.create(slug="jam", title="Jam")
    client, ada = member(room, "ada")
    Profile.objects.create(user=ada, time_zone="Pacific/Kiritimati")  # UTC+14
    _, ben = member(room, "ben")
    Profile.objects.create(user=ben, time_zone="Pacific/Pago_Pago")  # UTC-11
    for user, zone in ((ada, "Pacific/Kiritimati"), (ben, "Pacific/Pago_Pago")):
        midnight = start_of_today(zone)
        focus(user, room, 5, started_ago=timezone.now() - midnight + timedelta(minutes=1))
        focus(user, room, 20, started_ago=timezone.now() - midnight - timedelta(minutes=1))
    people = client.get("/r/jam/desks.json").json()["people"]
    assert people[f"u{ada.pk}"]["focusedTodayMs"] == 20 * 60_000
    assert people[f"u{ben.pk}"]["focusedTodayMs"] == 20 * 60_000


def test_desks_can_be_asked_for_some_people_only() -> None:
    room = Room.objects.create(slug="jam", title="Jam")
    client, _ = member(room, "ada")
    _, ben = member(room, "ben")
    outsider = User.objects.create_user("cy")

    response = client.get(f"/r/jam/desks.json?ids=u{ben.pk},u{outsider.pk},bogus,u")

    assert list(response.json()["people"]) == [f"u{ben.pk}"]


def test_desks_are_for_members_only() -> None:
    room = Room.objects.create(slug="jam", title="Jam")
    member(room, "ada")
    stranger = Client()
    stranger.force_login(User.objects.create_user("sam"))

    assert stranger.get("/r/jam/desks.json").status_code == 403
    assert stranger.get("/r/nowhere/desks.json").status_code == 404
    assert Client().get("/r/jam/desks.json").status_code == 403
    assert stranger.post("/r/jam/desks.json").status_code == 405
