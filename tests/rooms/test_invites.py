"""Invites expire, admit a limited number of people, and revoking one removes its guests."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookiejar import CookieJar
from io import StringIO
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from boards.protocol import CloseCode
from rooms.invites import create_invite, load_invite
from rooms.models import Invite, Membership, Role, Room
from tests.conftest import LiveCluster
from tests.support.servers import ServerProcess
from tests.support.yclient import YClient


def facilitator(room: Room) -> Client:
    user = User.objects.create_user("fay", first_name="Fay")
    Membership.objects.create(room=room, user=user, role=Role.FACILITATOR)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_expired_and_used_up_invites_are_refused_with_a_clear_page() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    expired, old = create_invite(room, Role.PARTICIPANT)
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert load_invite(old) is None
    page = Client().get(f"/i/{old}/")
    assert page.status_code == 410 and "does not work any more" in page.content.decode()

    _, once = create_invite(room, Role.PARTICIPANT, max_uses=1)
    assert Client().post(f"/i/{once}/", {"display_name": "Kofi"}).status_code == 302
    assert load_invite(once) is None
    late = Client().post(f"/i/{once}/", {"display_name": "Lena"})
    assert late.status_code == 410
    assert User.objects.filter(first_name="Lena").count() == 0
    assert Membership.objects.filter(room=room).count() == 1


@pytest.mark.django_db
def test_an_invite_used_up_while_a_guest_fills_the_form_is_refused() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    invite, token = create_invite(room, Role.PARTICIPANT, max_uses=1)
    assert Client().get(f"/i/{token}/").status_code == 200
    Invite.objects.filter(pk=invite.pk).update(uses=1)
    assert Client().post(f"/i/{token}/", {"display_name": "Lena"}).status_code == 410
    assert not User.objects.filter(first_name="Lena").exists()


@pytest.mark.django_db
def test_facilitators_choose_expiry_and_use_limit_and_see_open_invites() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    client = facilitator(room)
    client.post("/r/lab/invites/", {"role": "observer", "days": "2", "max_uses": "3"})
    invite = Invite.objects.get()
    assert invite.max_uses == 3
    assert abs(invite.expires_at - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)
    page = client.get("/r/lab/").content.decode()
    assert f"/r/lab/invites/{invite.pk}/revoke/" in page and "0 of 3 joined" in page
    client.post("/r/lab/invites/", {"role": "participant"})
    default = Invite.objects.get(role=Role.PARTICIPANT)
    assert default.max_uses is None
    assert default.expires_at - default.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(minutes=1)
    )


@pytest.mark.django_db
def test_revoking_removes_the_guests_who_joined_through_it() -> None:
    room = Room.objects.create(slug="lab", title="Lab")
    client = facilitator(room)
    invite, token = create_invite(room, Role.PARTICIPANT)
    other, other_token = create_invite(room, Role.PARTICIPANT)
    guest, stays, promoted = Client(), Client(), Client()
    guest.post(f"/i/{token}/", {"display_name": "Kofi"})
    stays.post(f"/i/{other_token}/", {"display_name": "Lena"})
    promoted.post(f"/i/{token}/", {"display_name": "Omar"})
    Membership.objects.filter(user__first_name="Omar").update(role=Role.FACILITATOR)
    assert Membership.objects.get(user__first_name="Kofi").invite == invite

    participant = Client()
    participant.force_login(Membership.objects.get(user__first_name="Lena").user)
    assert participant.post(f"/r/lab/invites/{invite.pk}/revoke/").status_code == 403
    response = client.post(f"/r/lab/invites/{invite.pk}/revoke/", follow=True)
    assert "1 person who joined through it left" in response.content.decode()
    assert load_invite(token) is None and load_invite(other_token) == other
    names = set(Membership.objects.values_list("user__first_name", flat=True))
    assert names == {"Fay", "Lena", "Omar"}
    assert guest.get("/r/lab/").status_code == 403


@pytest.mark.django_db
def test_invite_command_sets_expiry_and_use_limit() -> None:
    Room.objects.create(slug="jam", title="Jam")
    out = StringIO()
    call_command("invite", "jam", "--days", "1", "--max-uses", "2", "--token-only", stdout=out)
    invite = load_invite(out.getvalue().strip())
    assert invite is not None and invite.max_uses == 2
    assert invite.expires_at < timezone.now() + timedelta(days=1, minutes=1)
    with pytest.raises(CommandError):
        call_command("invite", "jam", "--days", "0")


class Browser:
    """A cookie-keeping HTTP client for a live server, posting forms with their CSRF token."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.http_url + path, timeout=10) as response:
            return str(response.read().decode())

    def post(self, path: str, form: dict[str, str]) -> str:
        """Post `form` to `path`, following redirects; the first visit fetches a CSRF cookie
        (Django takes the cookie's value as the form's token too)."""
        if self.csrf() is None:
            self.get(path)
        body = urlencode({"csrfmiddlewaretoken": self.csrf() or "", **form}).encode()
        with self.opener.open(Request(self.server.http_url + path, data=body), timeout=10) as r:
            return str(r.read().decode())

    def csrf(self) -> str | None:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


@pytest.mark.redis
async def test_revoked_guests_socket_on_another_process_is_closed_with_4403(
    cluster: LiveCluster,
) -> None:
    cluster.room("jam")
    host, guest = Browser(cluster.servers[0]), Browser(cluster.servers[1])
    host.post(f"/i/{cluster.token('jam', 'facilitator')}/", {"display_name": "Fay"})
    token = cluster.token("jam", "participant")
    guest.post(f"/i/{token}/", {"display_name": "Kofi"})
    server = cluster.servers[1]
    socket = YClient(
        f"{server.ws_url}/jam/board",
        origin=server.http_url,
        headers={"Cookie": guest.cookie_header()},
    )
    await socket.join()

    room_page = host.get("/r/jam/")
    revoke = re.search(r'Participant:.*?action="(/r/jam/invites/\d+/revoke/)"', room_page, re.S)
    assert revoke is not None
    host.post(revoke.group(1), {})
    await socket.wait_for(lambda: socket.closed.is_set())
    assert socket.close_code == CloseCode.FORBIDDEN
