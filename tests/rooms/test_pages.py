"""Accounts, lobby, room pages, invites and the operators' commands."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from rooms.invites import create_invite, load_invite
from rooms.models import Invite, Membership, Role, Room

pytestmark = pytest.mark.django_db


def signed_in(username: str = "ada") -> tuple[Client, User]:
    user = User.objects.create_user(username, password="pw-Long-enough-1", first_name="Ada")
    client = Client()
    client.force_login(user)
    return client, user


def test_signup_logs_in_and_lands_in_the_lobby() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "mia",
            "first_name": "Mia",
            "password1": "a-Strong-pass-9",
            "password2": "a-Strong-pass-9",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"].username == "mia"


def test_bad_signup_shows_a_message_and_creates_nobody() -> None:
    response = Client().post(
        "/accounts/signup/",
        {"username": "mia", "first_name": "Mia", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="mia").exists()


def test_visitors_get_the_front_door_and_cannot_create_rooms() -> None:
    page = Client().get("/")
    assert page.status_code == 200 and 'data-testid="landing"' in page.content.decode()
    assert Client().post("/", {"title": "Sound Lab", "kind": "lab"}).status_code == 200
    assert not Room.objects.exists()


def test_creating_a_room_makes_you_its_facilitator() -> None:
    client, user = signed_in()
    response = client.post("/", {"title": "Sound Lab", "slug": "", "kind": "lab"})
    room = Room.objects.get()
    assert response.headers["Location"] == f"/r/{room.slug}/"
    assert room.slug == "sound-lab"
    assert Membership.objects.get(room=room, user=user).role == Role.FACILITATOR
    assert b"Sound Lab" in client.get("/").content


def test_room_form_rejects_bad_slugs_with_a_message() -> None:
    client, _ = signed_in()
    response = client.post("/", {"title": "X", "slug": "Bad Slug!", "kind": "lab"})
    assert response.status_code == 200 and response.context["form"].errors["slug"]
    assert not Room.objects.exists()


def test_room_page_carries_the_client_config_and_refuses_strangers() -> None:
    client, user = signed_in()
    room = Room.objects.create(slug="lab", title="<script>alert(1)</script>", kind="lab")
    assert client.get("/r/lab/").status_code == 403
    Membership.objects.create(room=room, user=user, role=Role.OBSERVER)
    page = client.get("/r/lab/")
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    raw = re.search(rb'id="room-config" type="application/json">(.*?)</script>', page.content)
    assert raw is not None
    config = json.loads(raw.group(1))
    assert config["role"] == "observer" and config["canEdit"] is False
    assert config["user"] == {"id": f"u{user.pk}", "name": "Ada"}


def test_guest_joins_through_an_invite_link_with_its_role() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    _, token = create_invite(room, Role.OBSERVER)
    guest = Client()
    assert guest.get(f"/i/{token}/").status_code == 200
    bad = guest.post(f"/i/{token}/", {"display_name": "   "})
    assert bad.context["form"].errors
    response = guest.post(f"/i/{token}/", {"display_name": "Kofi"}, follow=True)
    assert response.redirect_chain[-1][0] == "/r/lab/"
    membership = Membership.objects.get(room=room)
    assert membership.role == Role.OBSERVER and membership.user.first_name == "Kofi"
    assert Invite.objects.get().uses == 1


def test_revoked_and_forged_invites_are_refused() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    invite, token = create_invite(room, Role.PARTICIPANT)
    assert load_invite(token) == invite
    assert load_invite(token[:-2] + "xx") is None
    invite.revoked = True
    invite.save()
    assert load_invite(token) is None
    response = Client().get(f"/i/{token}/", follow=True)
    assert b"not valid" in response.content


def test_facilitator_creates_invites_participants_cannot() -> None:
    client, user = signed_in()
    room = Room.objects.create(slug="lab", title="Lab")
    Membership.objects.create(room=room, user=user, role=Role.PARTICIPANT)
    assert client.post("/r/lab/invites/", {"role": "participant"}).status_code == 403
    Membership.objects.filter(user=user).update(role=Role.FACILITATOR)
    response = client.post("/r/lab/invites/", {"role": "observer"}, follow=True)
    assert "/i/" in str(next(iter(response.context["messages"])))
    assert Invite.objects.get().role == Role.OBSERVER


def test_createroom_and_invite_commands() -> None:
    User.objects.create_user("owner")
    out = StringIO()
    call_command(
        "createroom", "jam", "--title", "Jam", "--kind", "coworking", "--owner", "owner", stdout=out
    )
    assert Membership.objects.get(room__slug="jam").role == Role.FACILITATOR
    with pytest.raises(CommandError):
        call_command("createroom", "jam", "--title", "Again")
    with pytest.raises(CommandError):
        call_command("createroom", "Bad Slug", "--title", "X")
    out = StringIO()
    call_command("invite", "jam", "--role", "observer", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("http://127.0.0.1:8000/i/")
    invite = load_invite(url.rstrip("/").rsplit("/", 1)[1])
    assert invite is not None and invite.role == Role.OBSERVER
