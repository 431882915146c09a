"""The front door: the landing page, the 403, 404 and 500 pages, and bad invite links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django.views.defaults import server_error
from pytest_django import DjangoAssertNumQueries

from rooms.invites import create_invite
from rooms.models import Invite, Membership, Removal, Role, Room

pytestmark = pytest.mark.django_db


def signed_in(username: str = "ada") -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username, first_name=username.title()))
    return client


def test_visitors_see_what_it_is_how_to_join_and_the_public_rooms_live_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Room.objects.create(slug="desk", title="Open Desk", kind=Room.Kind.COWORKING, public=True)
    Room.objects.create(slug="jam", title="Idea Jam", kind=Room.Kind.LAB, public=True)
    Room.objects.create(slug="quiet", title="Quiet Desk", kind=Room.Kind.COWORKING, public=True)
    Room.objects.create(slug="secret", title="Secret", kind=Room.Kind.COWORKING)
    here = {"desk": [("i1", "Kofi Mensah")], "jam": [("i2", "Lena")], "secret": [("i3", "Sam")]}

    def present_in(slugs: Sequence[str]) -> dict[str, frozenset[tuple[str, str]]]:
        return {slug: frozenset(here[slug]) for slug in slugs if slug in here}

    monkeypatch.setattr("rooms.directory.present_in", present_in)
    response = Client().get("/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="landing"' in page
    assert "creative entrepreneurs" in page
    for words in ("Co-working rooms", "Ideation labs", "Recordings"):
        assert f"<h2>{words}</h2>" in page
    assert 'href="/accounts/signup/" data-testid="landing-signup"' in page
    assert 'href="/accounts/login/" data-testid="landing-login"' in page
    # Live public rooms only, with their faces; visitors log in to drop in.
    assert 'data-slug="desk"' in page and 'data-slug="jam"' in page
    assert 'data-slug="quiet"' not in page and "Secret" not in page
    assert "Kofi Mensah" in page and ">KM<" in page
    assert page.count('data-testid="log-in-to-drop-in"') == 1
    assert "labs are joined by invite" in page and 'data-testid="drop-in"' not in page


def test_signed_in_people_keep_their_home_page() -> None:
    page = signed_in().get("/").content.decode()
    assert 'data-testid="landing"' not in page and 'data-testid="live-now"' in page


@override_settings(DEBUG=False)
def test_a_missing_page_is_styled_with_ways_back() -> None:
    for client in (Client(), signed_in()):
        response = client.get("/no/such/page/")
        page = response.content.decode()
        assert response.status_code == 404 and 'data-testid="error-page"' in page
        assert "There is nothing here" in page
        assert 'href="/" data-testid="error-home"' in page
        assert 'href="/rooms/" data-testid="error-directory"' in page
    assert 'data-testid="error-page"' in signed_in("bo").get("/r/nowhere/").content.decode()


@override_settings(DEBUG=False)
def test_a_room_someone_is_not_a_member_of_answers_the_403_page() -> None:
    Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)
    response = signed_in().get("/r/lab/")
    page = response.content.decode()
    assert response.status_code == 403 and 'data-testid="error-page"' in page
    assert 'data-testid="error-message">You are not a member of this room.</p>' in page
    assert "ask its facilitator for an invite link" in page
    assert 'href="/rooms/" data-testid="error-directory"' in page


@override_settings(DEBUG=False)
def test_a_server_error_answers_the_styled_500_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr("rooms.views.listings", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500 and 'data-testid="error-page"' in page
    assert "Something went wrong on our side" in page and 'href="/"' in page
    assert "the database is gone" not in page


def test_the_500_page_needs_no_request_context_and_no_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b'data-testid="error-home"' in response.content


def refusal(client: Client, token: str) -> tuple[str, str]:
    """The problem an invite page names, and its message, after checking it is no form."""
    response = client.get(f"/i/{token}/")
    page = response.content.decode()
    assert response.status_code == 410 and 'name="password"' not in page
    assert 'href="/rooms/"' in page and "Back to your rooms" in page
    problem = page.split('data-problem="')[1].split('"')[0]
    return problem, page.split('data-testid="invite-problem">')[1].split("</p>")[0]


def test_a_signed_in_person_learns_why_an_invite_link_failed() -> None:
    room = Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)
    client = signed_in()
    revoked, revoked_token = create_invite(room, Role.PARTICIPANT)
    Invite.objects.filter(pk=revoked.pk).update(revoked=True)
    expired, expired_token = create_invite(room, Role.PARTICIPANT)
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    used, used_token = create_invite(room, Role.PARTICIPANT, max_uses=1)
    Invite.objects.filter(pk=used.pk).update(uses=1)

    assert refusal(client, "not-a-token")[0] == "invalid"
    assert refusal(client, revoked_token[:-3] + "abc")[0] == "invalid"
    assert refusal(client, revoked_token) == (
        "revoked",
        "A facilitator revoked this invite, so it lets nobody in any more. If you were meant "
        "to join, ask them for a new one.",
    )
    assert refusal(client, expired_token)[0] == "expired"
    assert refusal(client, used_token)[0] == "used_up"
    assert not Membership.objects.exists()


def test_someone_removed_from_the_room_is_told_so() -> None:
    room = Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)
    _, token = create_invite(room, Role.PARTICIPANT)
    client = signed_in()
    Removal.objects.create(
        room=room, user=User.objects.get(username="ada"), removed_at=timezone.now()
    )
    problem, message = refusal(client, token)
    assert problem == "removed" and "removed you from this room" in message


def test_an_invite_of_a_deleted_room_is_invalid() -> None:
    room = Room.objects.create(slug="lab", title="Lab", kind=Room.Kind.LAB)
    _, token = create_invite(room, Role.PARTICIPANT)
    room.delete()
    assert refusal(signed_in(), token)[0] == "invalid"
