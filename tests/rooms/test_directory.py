"""The directory of public rooms with live presence, dropping in, and the home page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import Client

from boards.presence import presence_record
from boards.protocol import AwarenessEntry
from boards.store import create_store
from rooms.activity import sentence
from rooms.models import Activity, Membership, Removal, Role, Room
from tests.support.presence import publish

pytestmark = pytest.mark.django_db

#: Puts a person's presence state in a room document: (doc, client id, user id, name).
Present = Callable[[str, int, str, str], None]


def person(username: str, first_name: str = "") -> tuple[Client, User]:
    user = User.objects.create_user(
        username, password="pw-Long-enough-1", first_name=first_name or username.title()
    )
    client = Client()
    client.force_login(user)
    return client, user


def guest() -> tuple[Client, User]:
    user = User.objects.create_user("guest-0a1b2c", first_name="Gil")
    client = Client()
    client.force_login(user)
    return client, user


def room(slug: str, kind: str = "coworking", public: bool = True, **fields: object) -> Room:
    return Room.objects.create(slug=slug, title=slug.title(), kind=kind, public=public, **fields)


@pytest.fixture
def present() -> Iterator[Present]:
    """Publishes presence states through the process's room store, as a socket's would be;
    removes them afterwards."""
    store = create_store()
    published: list[tuple[str, int]] = []

    def put(doc: str, client_id: int, user_id: str, name: str) -> None:
        state = {"user": {"id": user_id, "name": name}, "cursor": None}
        record = presence_record(f"conn{client_id}", AwarenessEntry(client_id, 1, state))
        async_to_sync(publish)(store, doc, states={client_id: record})
        published.append((doc, client_id))

    yield put
    for doc, client_id in published:
        async_to_sync(publish)(store, doc, removed=(client_id,))


def listed(page: str) -> list[str]:
    """Slugs of the directory's rooms, in the order shown."""
    return re.findall(r'data-testid="directory-room" data-slug="([^"]+)"', page)


def card(page: str, slug: str, testid: str = "directory-room") -> str:
    """The HTML of one room's card."""
    start = page.index(f'data-testid="{testid}" data-slug="{slug}"')
    return page[start : page.index("</li>\n", page.index('class="listing-action"', start))]


def test_the_directory_lists_public_rooms_only_and_needs_a_sign_in() -> None:
    assert Client().get("/rooms/").status_code == 302
    client, _ = person("ada")
    room("open-studio")
    room("secret", public=False)
    page = client.get("/rooms/").content.decode()
    assert listed(page) == ["open-studio"]
    assert 'href="/rooms/"' in page, "the header links to the directory"


def test_the_directory_filters_by_kind_language_and_discipline() -> None:
    client, _ = person("ada")
    room("music-room", language="en", disciplines=["music", "audio"])
    room("design-lab", kind="lab", language="de", disciplines=["design"])
    room("writers", language="de", disciplines=["writing"])

    def shown(query: str) -> set[str]:
        return set(listed(client.get(f"/rooms/?{query}").content.decode()))

    assert shown("") == {"music-room", "design-lab", "writers"}
    assert shown("kind=lab") == {"design-lab"}
    assert shown("kind=coworking") == {"music-room", "writers"}
    assert shown("language=de") == {"design-lab", "writers"}
    assert shown("discipline=audio") == {"music-room"}
    assert shown("language=de&discipline=writing&kind=coworking") == {"writers"}
    assert shown("discipline=music&language=de") == set()
    assert shown("kind=nonsense") == {"music-room", "design-lab", "writers"}


def test_live_counts_and_faces_come_from_presence_and_live_rooms_come_first(
    present: Present,
) -> None:
    client, _ = person("ada")
    _, ben = person("ben", "Ben Ray")
    _, cara = person("cara", "Cara")
    room("alpha")
    room("busy")
    room("quiet")
    present("busy/board", 11, f"u{ben.pk}", "Ben Ray")
    present("busy/room", 12, f"u{cara.pk}", "Cara")
    present("busy/room", 13, f"u{ben.pk}", "Ben Ray")  # a second socket of Ben's
    present("quiet/chat", 14, f"u{cara.pk}", "Cara")  # chat alone does not count
    present("alpha/board", 15, "i7", "Guest")  # someone with an invite link only
    page = client.get("/rooms/").content.decode()
    assert listed(page) == ["busy", "alpha", "quiet"]
    busy = card(page, "busy")
    assert 'data-count="2"' in busy and "2 people here now" in busy
    assert busy.count('data-testid="face"') == 2
    assert ">BR<" in busy and "Ben Ray" in busy and "Cara" in busy
    assert "1 person here now" in card(page, "alpha")
    assert "Nobody here right now" in card(page, "quiet")


def test_drop_in_is_offered_for_public_coworking_rooms_and_members_enter() -> None:
    client, ada = person("ada")
    room("desk-room")
    mine = room("my-room")
    room("idea-lab", kind="lab")
    Membership.objects.create(room=mine, user=ada, role=Role.PARTICIPANT)
    page = client.get("/rooms/").content.decode()
    assert 'data-testid="drop-in"' in card(page, "desk-room")
    mine_card = card(page, "my-room")
    assert 'data-testid="enter"' in mine_card and "You are a member" in mine_card
    assert 'data-testid="drop-in"' not in mine_card
    lab_card = card(page, "idea-lab")
    assert "Ask the facilitator for an invite" in lab_card
    assert 'data-testid="drop-in"' not in lab_card


def test_dropping_in_makes_a_participant_and_notes_it() -> None:
    client, ada = person("ada")
    desk = room("desk-room")
    response = client.post("/r/desk-room/drop-in/")
    assert response.status_code == 302 and response.headers["Location"] == "/r/desk-room/"
    assert Membership.objects.get(room=desk, user=ada).role == Role.PARTICIPANT
    assert Activity.objects.get(user=ada).verb == Activity.Verb.DROPPED_IN
    again = client.post("/r/desk-room/drop-in/")
    assert again.headers["Location"] == "/r/desk-room/"
    assert Membership.objects.filter(user=ada).count() == 1
    assert Activity.objects.filter(user=ada).count() == 1, "members are only sent in"


def test_members_of_any_role_are_sent_in_without_a_change() -> None:
    client, ada = person("ada")
    lab = room("idea-lab", kind="lab")
    Membership.objects.create(room=lab, user=ada, role=Role.OBSERVER)
    assert client.post("/r/idea-lab/drop-in/").headers["Location"] == "/r/idea-lab/"
    assert Membership.objects.get(room=lab, user=ada).role == Role.OBSERVER


@pytest.mark.parametrize("method", ["get", "put"])
def test_drop_in_takes_posts_only(method: str) -> None:
    client, _ = person("ada")
    room("desk-room")
    assert getattr(client, method)("/r/desk-room/drop-in/").status_code == 405
    assert not Membership.objects.exists()


def test_nobody_drops_into_a_private_room_or_one_that_does_not_exist() -> None:
    client, _ = person("ada")
    room("secret", public=False)
    assert client.post("/r/secret/drop-in/").status_code == 404
    assert client.post("/r/nowhere/drop-in/").status_code == 404
    assert Client().post("/r/secret/drop-in/").status_code == 302, "to the log-in page"
    assert not Membership.objects.exists()


def test_guests_and_removed_people_need_an_invite_and_labs_take_invites_only() -> None:
    desk = room("desk-room")
    room("idea-lab", kind="lab")
    visitor, _ = guest()
    response = visitor.post("/r/desk-room/drop-in/")
    assert response.status_code == 403 and b"Guest accounts" in response.content
    assert "drop-in-refusal" in card(visitor.get("/rooms/").content.decode(), "desk-room")

    client, ada = person("ada")
    Removal.objects.create(room=desk, user=ada, removed_at=desk.created_at)
    refused = client.post("/r/desk-room/drop-in/")
    assert refused.status_code == 403 and b"new invite" in refused.content
    lab = client.post("/r/idea-lab/drop-in/")
    assert lab.status_code == 403 and b"Ask the facilitator for an invite" in lab.content
    assert not Membership.objects.exists() and not Activity.objects.exists()


def test_the_home_page_shows_live_rooms_with_faces(present: Present) -> None:
    client, ada = person("ada")
    _, ben = person("ben")
    mine = room("my-private", public=False)
    Membership.objects.create(room=mine, user=ada, role=Role.FACILITATOR)
    room("public-live")
    room("public-empty")
    room("not-mine", public=False)
    for slug, client_id in (("my-private", 21), ("public-live", 22), ("not-mine", 23)):
        present(f"{slug}/board", client_id, f"u{ben.pk}", "Ben")
    page = client.get("/").content.decode()
    live = re.findall(r'data-testid="live-room" data-slug="([^"]+)"', page)
    assert sorted(live) == ["my-private", "public-live"]
    assert "Ben" in card(page, "public-live", "live-room")
    for section in ("Live now", "Your next sessions", "Your rooms", "What people you work with"):
        assert section in page
    assert 'data-testid="import-form"' in page and 'action="/"' in page


def test_the_activity_feed_shows_coworkers_and_never_a_private_room_of_others() -> None:
    client, ada = person("ada")
    _, ben = person("ben", "Ben")
    _, cara = person("cara", "Cara")
    _, dan = person("dan", "Dan")
    shared = room("studio-hours", public=False)
    public = room("open-desk")
    hidden = room("bens-secret", public=False)
    for user in (ada, ben, cara):
        Membership.objects.create(room=shared, user=user)
    Membership.objects.create(room=hidden, user=ben)
    Activity.objects.create(user=ben, verb=Activity.Verb.DROPPED_IN, room=public)
    Activity.objects.create(user=cara, verb=Activity.Verb.GOAL_DONE, room=shared, text="mix")
    Activity.objects.create(user=ben, verb=Activity.Verb.SESSION, room=hidden, text="Plans")
    Activity.objects.create(user=dan, verb=Activity.Verb.DROPPED_IN, room=public)
    Activity.objects.create(user=ada, verb=Activity.Verb.DROPPED_IN, room=public)
    page = client.get("/").content.decode()
    items = re.findall(r'data-testid="activity">(.*?)</li>', page, re.S)
    text = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert any("Cara got done “mix” in Studio-Hours" in line for line in text)
    assert any("Ben dropped into Open-Desk" in line for line in text)
    assert "Bens-Secret" not in page and "Plans" not in page, "a private room of others"
    assert not any(line.startswith("Dan ") for line in text), "nobody Ada shares no room with"
    assert len(items) == 2, "nor Ada's own"
    assert text[0].startswith("Cara"), "newest first"


def test_each_event_is_one_sentence_with_the_people_and_titles_escaped() -> None:
    _, ben = person("ben", "<b>Ben</b>")
    studio = room("studio", public=True)
    work = Activity.objects.create(user=ben, verb=Activity.Verb.WORK, text="<i>Cover</i>")
    done = Activity.objects.create(
        user=ben, verb=Activity.Verb.GOAL_DONE, room=studio, text="mix & master"
    )
    assert sentence(work, "<b>Ben</b>") == (
        "<strong>&lt;b&gt;Ben&lt;/b&gt;</strong> added “&lt;i&gt;Cover&lt;/i&gt;” to their showcase"
    )
    assert sentence(done, "Ben") == "<strong>Ben</strong> got done “mix &amp; master” in Studio"
