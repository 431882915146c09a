"""Managing a room from inside it over HTTP: the invite API and the settings endpoint."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from rooms.invites import create_invite, load_invite
from rooms.models import Invite, Membership, Role, Room

pytestmark = pytest.mark.django_db

JSON = "application/json"
NOT_A_CHOICE = "Select a valid choice. {} is not one of the available choices."
AT_LEAST_ONE = "Ensure this value is greater than or equal to 1."


def member(room: Room, name: str, role: Role) -> Client:
    """A signed-in client of a new member of `room` with `role`."""
    user = User.objects.create_user(name.lower(), first_name=name)
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON)


@pytest.fixture
def room() -> Room:
    return Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)


@pytest.fixture
def fay(room: Room) -> Client:
    return member(room, "Fay", Role.FACILITATOR)


def test_a_facilitator_lists_creates_and_revokes_invites_as_json(room: Room, fay: Client) -> None:
    assert fay.get("/r/lab/invites.json").json() == []
    created = post_json(fay, "/r/lab/invites/", {"role": "observer", "days": 3, "max_uses": 2})
    assert created.status_code == 201
    invite = created.json()
    assert invite["role"] == "observer" and invite["roleLabel"] == "Observer"
    assert invite["uses"] == 0 and invite["maxUses"] == 2
    expires = datetime.fromisoformat(invite["expiresAt"])
    assert abs(expires - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    token = invite["url"].split("/i/")[1].rstrip("/")
    assert invite["url"].startswith("http://testserver/i/") and load_invite(token) is not None
    assert fay.get("/r/lab/invites.json").json() == [invite]

    guest = Client()
    assert guest.post(f"/i/{token}/", {"display_name": "Kofi"}).status_code == 302
    assert fay.get("/r/lab/invites.json").json()[0]["uses"] == 1

    revoked = post_json(fay, invite["revokeUrl"], {})
    assert revoked.json() == {"id": invite["id"], "removed": 1}
    assert fay.get("/r/lab/invites.json").json() == []
    assert load_invite(token) is None and guest.get("/r/lab/").status_code == 403


def test_json_is_answered_to_a_form_post_that_asks_for_it(fay: Client) -> None:
    response = fay.post("/r/lab/invites/", {"role": "participant"}, HTTP_ACCEPT=JSON)
    assert response.status_code == 201 and response.json()["maxUses"] is None
    revoke = fay.post(response.json()["revokeUrl"], HTTP_ACCEPT=JSON)
    assert revoke.json()["removed"] == 0


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.OBSERVER])
def test_only_facilitators_manage_invites_and_settings(room: Room, role: Role) -> None:
    invite, _ = create_invite(room, Role.PARTICIPANT)
    client = member(room, "Pat", role)
    invites_only = {"error": "Only facilitators can see, create or revoke invites."}
    assert client.get("/r/lab/invites.json").status_code == 403
    assert client.get("/r/lab/invites.json").json() == invites_only
    refused = post_json(client, "/r/lab/invites/", {"role": "facilitator"})
    assert refused.status_code == 403 and refused.json() == invites_only
    assert post_json(client, f"/r/lab/invites/{invite.pk}/revoke/", {}).status_code == 403
    settings = post_json(client, "/r/lab/settings.json", {"title": "Mine now"})
    assert settings.status_code == 403
    assert settings.json() == {"error": "Only the room's facilitators can change its settings."}
    assert client.get("/r/lab/settings.json").status_code == 403
    assert Invite.objects.count() == 1 and not Invite.objects.get().revoked
    assert Room.objects.get().title == "Lab"
    # The form post of an old page is refused with the 403 page.
    assert client.post("/r/lab/invites/", {"role": "facilitator"}).status_code == 403


def test_strangers_and_visitors_are_refused_as_json(room: Room) -> None:
    stranger = Client()
    stranger.force_login(User.objects.create_user("sam"))
    for client in (stranger, Client()):
        response = client.get("/r/lab/invites.json")
        assert response.status_code == 403
        assert response.json() == {"error": "You are not a member of this room."}
        assert post_json(client, "/r/lab/settings.json", {"title": "X"}).status_code == 403
    assert Client().get("/r/nowhere/invites.json").status_code == 404
    # Without JSON, visitors are sent to log in, as before.
    assert Client().post("/r/lab/invites/", {"role": "observer"}).status_code == 302


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"days": 0}, f"Valid for (days): {AT_LEAST_ONE}"),
        ({"days": 366}, "Valid for (days): Ensure this value is less than or equal to 365."),
        (
            {"max_uses": 0},
            "Most people who may join: Ensure this value is greater than or equal to 1.",
        ),
        (
            {"role": "owner"},
            "Role: Select a valid choice. owner is not one of the available choices.",
        ),
        ({"days": "soon"}, "Valid for (days): Enter a whole number."),
    ],
)
def test_invite_limits_are_refused_with_a_clear_error(
    fay: Client, body: dict[str, Any], error: str
) -> None:
    response = post_json(fay, "/r/lab/invites/", {"role": "participant", **body})
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert set(response.json()["fields"]) == set(body)
    assert not Invite.objects.exists()


def test_the_limits_themselves_are_accepted(fay: Client) -> None:
    for body in ({"days": 1, "max_uses": 1}, {"days": 365, "max_uses": 1000}):
        assert post_json(fay, "/r/lab/invites/", {"role": "observer", **body}).status_code == 201


def test_bad_json_is_refused_with_what_to_send(fay: Client) -> None:
    for url in ("/r/lab/invites/", "/r/lab/settings.json"):
        for raw in ("not json", "[1, 2]"):
            response = fay.post(url, raw, content_type=JSON)
            assert response.status_code == 400 and response.json()["error"].startswith("Send JSON")


def test_revoking_an_invite_of_another_room_is_not_found(room: Room, fay: Client) -> None:
    other = Room.objects.create(slug="other", title="Other")
    invite, token = create_invite(other, Role.PARTICIPANT)
    response = post_json(fay, f"/r/lab/invites/{invite.pk}/revoke/", {})
    assert response.status_code == 404 and load_invite(token) is not None


def test_a_facilitator_changes_the_settings_as_json(room: Room, fay: Client) -> None:
    assert fay.get("/r/lab/settings.json").json() == {
        "title": "Lab",
        "anonymous": False,
        "record_labs": False,
        "public": False,
        "language": "",
        "disciplines": [],
    }
    changed = {
        "title": "  Sound\u200b Lab ",
        "anonymous": True,
        "public": True,
        "language": "pt",
        "disciplines": ["music", "film"],
        "record_labs": True,
    }
    response = post_json(fay, "/r/lab/settings.json", changed)
    assert response.status_code == 200
    assert response.json() == {**changed, "title": "Sound Lab"}
    saved = Room.objects.get()
    assert (saved.title, saved.anonymous, saved.public) == ("Sound Lab", True, True)
    assert (saved.language, saved.disciplines, saved.record_labs) == ("pt", ["music", "film"], True)
    # Settings left out keep their values.
    assert post_json(fay, "/r/lab/settings.json", {"public": False}).json()["title"] == "Sound Lab"
    assert Room.objects.get().anonymous is True and Room.objects.get().public is False
    # The settings page shows the same form, the two new fields with it.
    page = fay.get("/r/lab/settings/").content.decode()
    assert 'name="anonymous"' in page and 'name="record_labs"' in page


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"title": "   "}, "Title: This field is required."),
        ({"title": "\u200b\u202e"}, "Title: Give the room a title."),
        ({"title": "x" * 121}, "Title: Ensure this value has at most 120 characters (it has 121)."),
        (
            {"language": "xx"},
            "Language: Select a valid choice. xx is not one of the available choices.",
        ),
        (
            {"disciplines": ["knitting"]},
            "Disciplines: Select a valid choice. knitting is not one of the available choices.",
        ),
        ({"public": "yes"}, "Send public as true or false."),
        ({"disciplines": "music"}, "Send disciplines as a list of strings."),
        ({"title": 5}, "Send title as a string."),
        ({"slug": "mine"}, "These are not settings of this room: slug."),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(
    room: Room, fay: Client, body: dict[str, Any], error: str
) -> None:
    response = post_json(fay, "/r/lab/settings.json", body)
    assert response.status_code == 400 and response.json()["error"] == error
    assert Room.objects.get().title == "Lab" and Room.objects.get().slug == "lab"


def test_a_coworking_room_has_no_recording_setting() -> None:
    room = Room.objects.create(slug="desk", title="Desk", kind=Room.Kind.COWORKING)
    fay = member(room, "Fay", Role.FACILITATOR)
    assert "record_labs" not in fay.get("/r/desk/settings.json").json()
    response = post_json(fay, "/r/desk/settings.json", {"record_labs": True})
    assert response.json() == {"error": "These are not settings of this room: record_labs."}


def test_the_room_page_carries_the_panels_for_facilitators_only(room: Room, fay: Client) -> None:
    page = fay.get("/r/lab/").content.decode()
    for test_id in ("invite-panel", "room-settings-dialog", "invite-announce"):
        assert f'data-testid="{test_id}"' in page
    pat = member(room, "Pat", Role.PARTICIPANT).get("/r/lab/").content.decode()
    assert 'data-testid="invite-panel"' not in pat and "room-settings-dialog" not in pat
