"""Accounts: safe `next` redirects, sign-in throttling, and display names people can trust."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from rooms.invites import create_invite
from rooms.models import Membership, Role, Room
from rooms.permissions import normalise_name, resolve_access

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Long-enough-1"
SIGNUP = {"first_name": "Mia", "password1": "a-Strong-pass-9", "password2": "a-Strong-pass-9"}
EVIL = ["https://evil.example/", "//evil.example/x", "http://evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_the_site(target: str) -> None:
    User.objects.create_user("ada", password=PASSWORD)
    signup = Client().post(f"/accounts/signup/?next={target}", {"username": "mia", **SIGNUP})
    assert signup.status_code == 302 and signup.headers["Location"] == "/"
    browser = Client()
    login = browser.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD, "next": target}
    )
    assert login.headers["Location"] == "/"
    logout = browser.post(f"/accounts/logout/?next={target}")
    assert logout.headers["Location"] == "/accounts/login/"


def test_next_inside_the_site_is_followed_and_kept_through_the_forms() -> None:
    page = Client().get("/accounts/signup/?next=/r/lab/")
    assert b'name="next" value="/r/lab/"' in page.content
    response = Client().post("/accounts/signup/?next=/r/lab/", {"username": "mia", **SIGNUP})
    assert response.headers["Location"] == "/r/lab/"
    assert (
        b"/accounts/signup/?next=/r/lab/" in Client().get("/accounts/login/?next=/r/lab/").content
    )


def test_https_requests_only_follow_https_next() -> None:
    url = "/accounts/signup/?next=http://testserver/r/lab/"
    response = Client().post(url, {"username": "mia", **SIGNUP}, secure=True)
    assert response.headers["Location"] == "/"


def test_failed_sign_ins_lock_the_account_even_for_the_right_password() -> None:
    User.objects.create_user("ada", password=PASSWORD)
    for _ in range(5):
        wrong = Client().post("/accounts/login/", {"username": "ada", "password": "nope"})
        assert "Too many" not in wrong.content.decode()
    right = Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert right.status_code == 200
    assert "Too many failed sign-ins. Try again in 15 minutes." in right.content.decode()
    assert "_auth_user_id" not in right.client.session


def test_the_address_limit_covers_many_accounts(settings: Settings) -> None:
    settings.ATTEMPTS_PER_ADDRESS = 3
    User.objects.create_user("ada", password=PASSWORD)
    for name in ("a", "b", "c"):
        Client().post("/accounts/login/", {"username": name, "password": "nope"})
    refused = Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert "Too many failed sign-ins" in refused.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    elsewhere.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert "_auth_user_id" in elsewhere.session


def test_a_successful_sign_in_resets_the_account_count() -> None:
    User.objects.create_user("ada", password=PASSWORD)
    for _ in range(4):
        Client().post("/accounts/login/", {"username": "ada", "password": "nope"})
    Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    for _ in range(4):
        Client().post("/accounts/login/", {"username": "ada", "password": "nope"})
    browser = Client()
    browser.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert "_auth_user_id" in browser.session
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "ada", "password": "nope"})
    locked = Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert "Too many failed sign-ins" in locked.content.decode()


def test_sign_ups_and_guest_joins_are_throttled_per_address(settings: Settings) -> None:
    settings.ATTEMPTS_PER_ADDRESS = 2
    for name in ("mia", "kai"):
        assert Client().post("/accounts/signup/", {"username": name, **SIGNUP}).status_code == 302
    refused = Client().post("/accounts/signup/", {"username": "zoe", **SIGNUP})
    assert "Too many sign-ups from your address" in refused.content.decode()
    assert not User.objects.filter(username="zoe").exists()

    room = Room.objects.create(slug="lab", title="Lab")
    _, token = create_invite(room, Role.PARTICIPANT)
    for name in ("Kofi", "Lena"):
        assert Client().post(f"/i/{token}/", {"display_name": name}).status_code == 302
    refused = Client().post(f"/i/{token}/", {"display_name": "Omar"})
    assert "Too many guest joins from your address" in refused.content.decode()
    assert Membership.objects.filter(room=room).count() == 2


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  \uff21\uff4c\uff49\uff43\uff45  ", "Alice"),
        ("Al\u200bice\u200d", "Alice"),
        ("\u202eecilA\u202c", "ecilA"),
        ("Ada\t\n  Lovelace", "Ada Lovelace"),
        ("x" * 80, "x" * 60),
        ("\u200b\u2066 \u0007", ""),
    ],
)
def test_names_are_normalised(raw: str, shown: str) -> None:
    assert normalise_name(raw) == shown


def test_guest_and_signup_forms_refuse_invisible_names() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    _, token = create_invite(room, Role.PARTICIPANT)
    guest = Client().post(f"/i/{token}/", {"display_name": "\u200b\u202e"})
    assert guest.context["form"].errors["display_name"] == ["Enter the name others will see."]
    signup = Client().post(
        "/accounts/signup/", {"username": "mia", **SIGNUP, "first_name": "\u200b"}
    )
    assert signup.context["form"].errors["first_name"]
    squatter = Client().post("/accounts/signup/", {"username": "guest-abc", **SIGNUP})
    assert squatter.context["form"].errors["username"]


def test_same_names_are_told_apart_in_the_identity() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    alice = User.objects.create_user("alice", password=PASSWORD, first_name="Alice")
    Membership.objects.create(room=room, user=alice, role=Role.FACILITATOR)
    _, token = create_invite(room, Role.PARTICIPANT)
    guest = Client()
    guest.post(f"/i/{token}/", {"display_name": "\uff21lice\u200b"})
    guest_user = User.objects.get(username__startswith="guest-")
    assert resolve_access(guest_user, "lab").identity.name == "Alice (guest)"
    assert resolve_access(alice, "lab").identity.name == "Alice"

    twin = User.objects.create_user("alice2", password=PASSWORD, first_name="alice")
    Membership.objects.create(room=room, user=twin, role=Role.PARTICIPANT)
    assert resolve_access(alice, "lab").identity.name == f"Alice #{alice.pk}"
    assert resolve_access(twin, "lab").identity.name == f"alice #{twin.pk}"
    config = guest.get("/r/lab/").content.decode()
    assert '"name": "Alice (guest)"' in config
