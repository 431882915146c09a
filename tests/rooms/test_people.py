"""The People panel's endpoints: members listed with their roles; facilitators change a role
or remove someone, and every open socket of the room follows at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.contrib.auth.models import User
from django.test import Client

from boards.protocol import CloseCode, update_message
from rooms.events import room_group
from rooms.invites import create_invite
from rooms.models import Membership, Removal, Role, Room
from rooms.permissions import Denied, resolve_access
from tests.conftest import LiveCluster
from tests.rooms.test_invites import Browser
from tests.support.servers import ServerProcess
from tests.support.yclient import YClient, board_notes

ROLE_REFUSED = {"error": "Only facilitators can change roles or remove people."}


@pytest.fixture
def room() -> Room:
    return Room.objects.create(slug="lab", title="Lab", kind="lab")


def join(room: Room, role: Role, name: str, username: str | None = None) -> tuple[Client, User]:
    """A signed-in member of `room`."""
    user = User.objects.create_user(username or name.lower(), first_name=name)
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def change(client: Client, user: User | str, body: object, slug: str = "lab") -> Any:
    """POST a change for a person (a user, or an identity id as sent)."""
    person = user if isinstance(user, str) else f"u{user.pk}"
    return client.post(
        f"/r/{slug}/people/{person}/",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
    )


def roles(room: Room) -> dict[str, str]:
    return dict(room.memberships.values_list("user__first_name", "role"))


@pytest.fixture
def announced() -> Iterator[Callable[[], list[str]]]:
    """The events that reached the room's channel-layer group (where every open socket of
    the room listens) since the last call (in tests whose changes commit as they are made)."""
    layer = get_channel_layer()
    assert isinstance(layer, InMemoryChannelLayer)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(room_group("lab"), channel)

    async def drain() -> list[str]:
        events = []
        with contextlib.suppress(TimeoutError):
            while True:
                events.append((await asyncio.wait_for(layer.receive(channel), 0.1))["type"])
        return events

    yield async_to_sync(drain)
    async_to_sync(layer.flush)()


@pytest.mark.django_db
def test_any_member_sees_the_people_of_the_room_with_their_roles(room: Room) -> None:
    _, fay = join(room, Role.FACILITATOR, "Fay")
    _, pat = join(room, Role.PARTICIPANT, "Pat")
    olive, olive_user = join(room, Role.OBSERVER, "Olive")
    _, twin = join(room, Role.PARTICIPANT, "pat", username="pat2")
    response = olive.get("/r/lab/people.json")
    assert response.status_code == 200
    assert response.json() == [
        {"id": f"u{fay.pk}", "name": "Fay", "role": "facilitator"},
        {"id": f"u{pat.pk}", "name": f"Pat #{pat.pk}", "role": "participant"},
        {"id": f"u{olive_user.pk}", "name": "Olive", "role": "observer"},
        {"id": f"u{twin.pk}", "name": f"pat #{twin.pk}", "role": "participant"},
    ]


@pytest.mark.django_db
def test_only_members_see_the_people_of_a_room(room: Room) -> None:
    assert Client().get("/r/lab/people.json").status_code == 403
    stranger = Client()
    stranger.force_login(User.objects.create_user("sam"))
    response = stranger.get("/r/lab/people.json")
    assert response.status_code == 403
    assert response.json() == {"error": "You are not a member of this room."}
    member, _ = join(room, Role.PARTICIPANT, "Pat")
    assert member.get("/r/nowhere/people.json").status_code == 404
    assert member.post("/r/lab/people.json").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_changes_roles_and_the_room_hears_of_each_change(
    room: Room, announced: Callable[[], list[str]]
) -> None:
    host, _ = join(room, Role.FACILITATOR, "Fay")
    pat_client, pat = join(room, Role.PARTICIPANT, "Pat")
    assert announced() == ["room.access_changed"] * 2  # both joined

    response = change(host, pat, {"role": "observer"})
    assert response.status_code == 200
    assert response.json() == {"id": f"u{pat.pk}", "name": "Pat", "role": "observer"}
    assert roles(room) == {"Fay": "facilitator", "Pat": "observer"}
    assert announced() == ["room.access_changed"]
    assert resolve_access(pat, "lab").can_write_board is False

    assert change(host, pat, {"role": "observer"}).status_code == 200
    assert announced() == [], "nothing changed, nobody is told"

    assert change(host, pat, {"role": "facilitator"}).json()["role"] == "facilitator"
    assert announced() == ["room.access_changed"]
    # Pat facilitates now, and may manage the people too.
    assert change(pat_client, f"u{pat.pk}", {"role": "participant"}).status_code == 200
    assert roles(room) == {"Fay": "facilitator", "Pat": "participant"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.OBSERVER, None])
def test_only_facilitators_change_people(
    room: Room, announced: Callable[[], list[str]], role: Role | None
) -> None:
    _, fay = join(room, Role.FACILITATOR, "Fay")
    _, pat = join(room, Role.PARTICIPANT, "Pat")
    if role is None:
        client = Client()
        client.force_login(User.objects.create_user("sam"))
    else:
        client, _ = join(room, role, "Ozzie")
    announced()
    for target, body in [(fay, {"role": "observer"}), (pat, {"remove": True})]:
        response = change(client, target, body)
        assert response.status_code == 403
        if role is not None:
            assert response.json() == ROLE_REFUSED
    assert change(client, pat, "not json").status_code == 403, "refused before reading"
    assert Client().post("/r/lab/people/u1/", "{}", "application/json").status_code == 403
    assert roles(room)["Fay"] == "facilitator" and roles(room)["Pat"] == "participant"
    assert announced() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", 'Send JSON: {"role": "observer"} or {"remove": true}.'),
        ([], 'Send {"role": observer, participant or facilitator} or {"remove": true}.'),
        ({}, 'Send {"role": observer, participant or facilitator} or {"remove": true}.'),
        (
            {"remove": False},
            'Send {"role": observer, participant or facilitator} or {"remove": true}.',
        ),
        (
            {"remove": True, "role": "observer"},
            'Send {"role": observer, participant or facilitator} or {"remove": true}.',
        ),
        ({"role": "owner"}, "A role is one of observer, participant or facilitator."),
        ({"role": ["observer"]}, "A role is one of observer, participant or facilitator."),
        ({"role": "Observer"}, "A role is one of observer, participant or facilitator."),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(
    room: Room, body: object, message: str
) -> None:
    host, _ = join(room, Role.FACILITATOR, "Fay")
    _, pat = join(room, Role.PARTICIPANT, "Pat")
    response = change(host, pat, body)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert roles(room)["Pat"] == "participant"


@pytest.mark.django_db
def test_unknown_people_are_not_found(room: Room) -> None:
    host, _ = join(room, Role.FACILITATOR, "Fay")
    other = Room.objects.create(slug="other", title="Other")
    _, elsewhere = join(other, Role.PARTICIPANT, "Eli")
    invite, _ = create_invite(room, Role.PARTICIPANT)
    unknown = ["u999999", f"u{elsewhere.pk}", f"i{invite.pk}", "u0", "u01", "uX", "fay"]
    for person in unknown:
        for body in ({"role": "observer"}, {"remove": True}):
            response = change(host, person, body)
            assert response.status_code == 404, person
            assert response.json() == {"error": "Nobody with that id is in this room."}
    assert Membership.objects.filter(user=elsewhere).get().role == Role.PARTICIPANT
    assert change(host, "u1", {"role": "observer"}, slug="nowhere").status_code == 404


@pytest.mark.django_db
def test_the_room_always_keeps_a_facilitator(room: Room) -> None:
    host, fay = join(room, Role.FACILITATOR, "Fay")
    _, pat = join(room, Role.PARTICIPANT, "Pat")
    last = {"error": "A room needs a facilitator: make someone else a facilitator first."}
    for body in ({"role": "participant"}, {"role": "observer"}, {"remove": True}):
        response = change(host, fay, body)
        assert response.status_code == 409
        assert response.json() == last
    assert change(host, fay, {"role": "facilitator"}).status_code == 200
    assert roles(room) == {"Fay": "facilitator", "Pat": "participant"}

    change(host, pat, {"role": "facilitator"})
    assert change(host, fay, {"role": "observer"}).json()["role"] == "observer"
    assert change(host, pat, {"role": "participant"}).json() == ROLE_REFUSED
    assert roles(room) == {"Fay": "observer", "Pat": "facilitator"}


@pytest.mark.django_db
def test_a_facilitator_may_leave_while_another_stays(room: Room) -> None:
    host, fay = join(room, Role.FACILITATOR, "Fay")
    join(room, Role.FACILITATOR, "Gus")
    response = change(host, fay, {"remove": True})
    assert response.status_code == 204 and response.content == b""
    assert roles(room) == {"Gus": "facilitator"}
    assert host.get("/r/lab/people.json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_removed_person_comes_back_only_through_a_new_invite(
    room: Room, announced: Callable[[], list[str]]
) -> None:
    host, fay = join(room, Role.FACILITATOR, "Fay")
    invite, token = create_invite(room, Role.PARTICIPANT)
    guest = Client()
    assert guest.post(f"/i/{token}/", {"display_name": "Kofi"}).status_code == 302
    kofi = User.objects.get(first_name="Kofi")
    announced()

    assert change(host, kofi, {"remove": True}).status_code == 204
    assert announced() == ["room.access_changed"]
    assert roles(room) == {"Fay": "facilitator"}
    removal = Removal.objects.get()
    assert (removal.room, removal.user, removal.removed_by) == (room, kofi, fay)
    assert guest.get("/r/lab/").status_code == 403
    assert change(host, kofi, {"remove": True}).status_code == 404

    # The same (still open) invite no longer lets them in, by link or as a socket token.
    again = guest.post(f"/i/{token}/", {"display_name": "Kofi"})
    assert again.status_code == 410
    assert "removed you from this room" in again.content.decode()
    with pytest.raises(Denied):
        resolve_access(kofi, "lab", token)
    assert not Membership.objects.filter(user=kofi).exists()
    invite.refresh_from_db()
    assert invite.uses == 1

    # Others still join through it, and a new invite brings Kofi back.
    assert Client().post(f"/i/{token}/", {"display_name": "Lena"}).status_code == 302
    _, fresh = create_invite(room, Role.OBSERVER)
    assert guest.get(f"/i/{fresh}/").status_code == 302
    assert roles(room) == {"Fay": "facilitator", "Kofi": "observer", "Lena": "participant"}


@pytest.mark.django_db
def test_changes_need_the_csrf_token(room: Room) -> None:
    _, fay = join(room, Role.FACILITATOR, "Fay")
    _, pat = join(room, Role.PARTICIPANT, "Pat")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fay)
    browser.get("/r/lab/")
    body = json.dumps({"role": "observer"})
    path = f"/r/lab/people/u{pat.pk}/"
    assert browser.post(path, body, content_type="application/json").status_code == 403
    assert roles(room)["Pat"] == "participant"
    token = browser.cookies["csrftoken"].value
    sent = browser.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert sent.status_code == 200
    assert roles(room)["Pat"] == "observer"


@pytest.mark.django_db
def test_only_facilitators_get_the_people_panel(room: Room) -> None:
    host, _ = join(room, Role.FACILITATOR, "Fay")
    member, _ = join(room, Role.PARTICIPANT, "Pat")
    assert 'data-testid="people-panel"' in host.get("/r/lab/").content.decode()
    assert 'data-testid="people-panel"' not in member.get("/r/lab/").content.decode()


def post_json(browser: Browser, path: str, body: dict[str, object]) -> tuple[int, Any]:
    """POST JSON with the CSRF token in `X-CSRFToken`, as the page does."""
    request = Request(
        browser.server.http_url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": browser.csrf() or ""},
    )
    try:
        with browser.opener.open(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except HTTPError as error:
        return error.code, json.loads(error.read().decode())


def person_id(browser: Browser, slug: str, name: str) -> str:
    people = json.loads(browser.get(f"/r/{slug}/people.json"))
    return str(next(person["id"] for person in people if person["name"] == name))


def note(note_id: str) -> bytes:
    """A board update adding one note, from a Yjs client of its own (no earlier updates)."""
    doc = pycrdt.Doc()
    doc["objects"] = objects = pycrdt.Map()
    objects[note_id] = pycrdt.Map({"type": "note", "text": pycrdt.Text(note_id)})
    return update_message(doc.get_update())


@pytest.mark.redis
async def test_a_new_role_or_a_removal_reaches_sockets_on_another_process(
    cluster: LiveCluster,
) -> None:
    """Fay changes Pat's role through process 0; Pat's sockets on process 1 follow at once."""
    cluster.room("crew")
    fay, pat = Browser(cluster.servers[0]), Browser(cluster.servers[1])
    fay.post(f"/i/{cluster.token('crew', 'facilitator')}/", {"display_name": "Fay"})
    pat.post(f"/i/{cluster.token('crew')}/", {"display_name": "Pat"})
    near, far = cluster.servers

    def socket(server: ServerProcess, doc: str, browser: Browser) -> YClient:
        url = f"{server.ws_url}/crew/{doc}"
        return YClient(url, origin=server.http_url, headers={"Cookie": browser.cookie_header()})

    watcher = await socket(near, "board", fay).join()
    board = await socket(far, "board", pat).join()
    room = await socket(far, "room", pat).join()
    pat_id = await asyncio.to_thread(person_id, fay, "crew", "Pat (guest)")
    path = f"/r/crew/people/{pat_id}/"

    demoted = await asyncio.to_thread(post_json, fay, path, {"role": "observer"})
    assert demoted == (200, {"id": pat_id, "name": "Pat (guest)", "role": "observer"})
    await board.wait_for(lambda: {"type": "access", "role": "observer"} in board.replies)
    await board.send_raw(note("while-observing"))
    await board.wait_for(lambda: any(r.get("code") == "read_only" for r in board.replies))
    assert board.denied
    for _ in range(10):  # until this process's room socket has re-checked its access too
        await room.command({"type": "hand.raise"})
        with contextlib.suppress(TimeoutError):
            await room.wait_for(lambda: bool(room.replies), within=0.3)
            break
    assert room.replies[-1]["code"] == "forbidden"

    promoted = await asyncio.to_thread(post_json, fay, path, {"role": "participant"})
    assert promoted[0] == 200
    await board.wait_for(lambda: {"type": "access", "role": "participant"} in board.replies)
    await board.send_raw(note("participating"))
    await watcher.wait_for(lambda: "participating" in board_notes(watcher.doc))
    assert "while-observing" not in board_notes(watcher.doc)

    assert await asyncio.to_thread(post_json, fay, path, {"remove": True}) == (204, None)
    for peer in (board, room):
        await asyncio.wait_for(peer.closed.wait(), 10)
        assert peer.close_code == CloseCode.FORBIDDEN
    assert not watcher.closed.is_set()
    for peer in (watcher, board, room):
        await peer.close()
