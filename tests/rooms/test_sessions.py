"""Room settings, scheduled sessions, their .ics files and the per-person calendar feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from rooms.calendar import LINE_OCTETS, escape
from rooms.models import Activity, Membership, Role, Room, ScheduledSession, profile_of

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1


def member(room: Room, username: str, role: Role = Role.PARTICIPANT, zone: str = "") -> Client:
    user = User.objects.create_user(username, password="pw-Long-enough-1", first_name="X")
    Membership.objects.create(room=room, user=user, role=role)
    if zone:
        profile = profile_of(user)
        profile.time_zone = zone
        profile.save()
    client = Client()
    client.force_login(user)
    return client


def stranger(username: str = "sam") -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username, password="pw-Long-enough-1"))
    return client


def session(
    room: Room,
    title: str = "Morning focus",
    starts_in: timedelta = timedelta(days=1),
    minutes: int = 120,
) -> ScheduledSession:
    return ScheduledSession.objects.create(
        room=room, title=title, starts_at=timezone.now() + starts_in, minutes=minutes
    )


def schedule(**fields: object) -> dict[str, object]:
    """The session form's fields as a browser sends them."""
    sent = {
        "title": "Morning focus",
        "date": f"{NEXT_YEAR}-01-15",
        "time": "10:00",
        "minutes": 90,
        "rhythm": "25/5",
        **fields,
    }
    return {f"session-{name}": value for name, value in sent.items()}


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text, unfolded, after checking CRLF and line lengths."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode()) <= LINE_OCTETS for line in physical)
    return text[:-2].replace("\r\n ", "").split("\r\n")


def values(lines: list[str], name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in lines if line.split(":", 1)[0] == name]


def test_only_facilitators_see_and_change_the_settings() -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    host = member(room, "fay", Role.FACILITATOR)
    pat = member(room, "pat")
    assert pat.get("/r/studio/settings/").status_code == 403
    assert stranger().get("/r/studio/settings/").status_code == 403
    assert host.get("/r/nowhere/settings/").status_code == 404
    lab = Room.objects.create(slug="lab", title="Lab", kind="lab")
    for user, role in (("fay", Role.FACILITATOR), ("pat", Role.PARTICIPANT)):
        Membership.objects.create(room=lab, user=User.objects.get(username=user), role=role)
    for slug in ("studio", "lab"):
        assert 'data-testid="room-settings"' in host.get(f"/r/{slug}/").content.decode()
        assert 'data-testid="room-settings"' not in pat.get(f"/r/{slug}/").content.decode()
    page = host.get("/r/studio/settings/")
    assert page.status_code == 200 and b'data-testid="session-form"' in page.content
    changed = {"title": "Studio Hours", "public": "on", "language": "pt"}
    response = host.post("/r/studio/settings/", {**changed, "disciplines": ["music", "film"]})
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.title, room.public, room.language) == ("Studio Hours", True, "pt")
    assert room.disciplines == ["music", "film"]
    refused = host.post("/r/studio/settings/", {"title": "X", "language": "xx"})
    assert refused.status_code == 400 and Room.objects.get(slug="studio").language == "pt"


def test_the_create_room_form_lists_the_room_in_the_directory() -> None:
    client = stranger("ada")
    client.post(
        "/",
        {
            "title": "Open",
            "kind": "coworking",
            "public": "on",
            "language": "en",
            "disciplines": ["design"],
        },
    )
    room = Room.objects.get()
    assert (room.public, room.language, room.disciplines) == (True, "en", ["design"])
    assert b"List it in the directory" in client.get("/").content


def test_a_facilitator_schedules_a_session_in_their_own_time_zone() -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    host = member(room, "fay", Role.FACILITATOR, zone="Europe/Berlin")
    response = host.post("/r/studio/sessions/", schedule())
    assert response.status_code == 302
    made = ScheduledSession.objects.get()
    assert made.starts_at == datetime(NEXT_YEAR, 1, 15, 9, 0, tzinfo=UTC), "10:00 in Berlin"
    assert (made.minutes, made.work_minutes, made.break_minutes) == (90, 25, 5)
    activity = Activity.objects.get()
    assert (activity.verb, activity.text, activity.room) == ("session", "Morning focus", room)
    page = host.get("/r/studio/settings/").content.decode()
    assert "Morning focus" in page and "10:00" in page and "Europe/Berlin" in page


@pytest.mark.parametrize(
    "fields",
    [
        {"minutes": 10},
        {"minutes": 481},
        {"rhythm": "40/20"},
        {"rhythm": "custom"},
        {"rhythm": "custom", "work_minutes": 45},
        {"rhythm": "custom", "work_minutes": 2, "break_minutes": 5},
        {"date": "2001-01-01"},
        {"time": "25:00"},
        {"title": "\u200b "},
    ],
)
def test_sessions_that_make_no_sense_are_refused(fields: dict[str, object]) -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    host = member(room, "fay", Role.FACILITATOR)
    response = host.post("/r/studio/sessions/", schedule(**fields))
    assert response.status_code == 400
    assert response.context["session_form"].errors
    assert not ScheduledSession.objects.exists()


def test_a_custom_rhythm_is_kept() -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    host = member(room, "fay", Role.FACILITATOR)
    fields = schedule(rhythm="custom", work_minutes=45, break_minutes=15)
    assert host.post("/r/studio/sessions/", fields).status_code == 302
    made = ScheduledSession.objects.get()
    assert (made.work_minutes, made.break_minutes) == (45, 15)


def test_only_facilitators_schedule_and_cancel_sessions() -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    other = Room.objects.create(slug="other", title="Other", kind="coworking")
    host = member(room, "fay", Role.FACILITATOR)
    pat = member(room, "pat")
    assert pat.post("/r/studio/sessions/", schedule()).status_code == 403
    assert stranger().post("/r/studio/sessions/", schedule()).status_code == 403
    assert not ScheduledSession.objects.exists()
    planned, elsewhere = session(room), session(other)
    assert pat.post(f"/r/studio/sessions/{planned.pk}/delete/").status_code == 403
    assert host.post(f"/r/studio/sessions/{elsewhere.pk}/delete/").status_code == 404
    assert host.get(f"/r/studio/sessions/{planned.pk}/delete/").status_code == 405
    assert ScheduledSession.objects.count() == 2
    assert host.post(f"/r/studio/sessions/{planned.pk}/delete/").status_code == 302
    assert list(ScheduledSession.objects.all()) == [elsewhere]


def test_a_session_downloads_as_a_valid_ics_file() -> None:
    room = Room.objects.create(slug="studio", title="Studio; Hours, Lisbon", kind="coworking")
    client = member(room, "pat")
    title = "Mix\\master, part 1; the long title that makes this line fold — ça va? ünïcødé ✓"
    planned = session(room, title=title, minutes=150)
    response = client.get(f"/r/studio/sessions/{planned.pk}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.content.decode()
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and lines.count("BEGIN:VEVENT") == 1
    assert any(len(line.encode()) > LINE_OCTETS for line in lines), "something was folded"
    [summary] = values(lines, "SUMMARY")
    assert summary == (
        "Mix\\\\master\\, part 1\\; the long title that makes this line fold — ça va? ünïcødé ✓"
        " (Studio\\; Hours\\, Lisbon)"
    )
    [start], [end], [stamp] = (values(lines, k) for k in ("DTSTART", "DTEND", "DTSTAMP"))
    for value in (start, end, stamp):
        assert re.fullmatch(r"\d{8}T\d{6}Z", value)
    starts = datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert starts == planned.starts_at.replace(microsecond=0)
    assert datetime.strptime(end, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == starts + timedelta(
        minutes=150
    )
    [description] = values(lines, "DESCRIPTION")
    assert "50 min focus / 10 min break" in description
    assert values(lines, "URL") == ["http://testserver/r/studio/"]
    again = unfold(client.get(f"/r/studio/sessions/{planned.pk}.ics").content.decode())
    assert values(again, "UID") == values(lines, "UID"), "the UID stays"


def test_ics_text_escapes_newlines() -> None:
    assert escape("a\nb\r\nc;d,e\\f") == "a\\nb\\nc\\;d\\,e\\\\f"


def test_session_files_are_for_members_or_public_rooms() -> None:
    private = Room.objects.create(slug="private", title="Private", kind="coworking")
    public = Room.objects.create(slug="public", title="Public", kind="coworking", public=True)
    hidden, shown = session(private), session(public)
    visitor = stranger()
    assert visitor.get(f"/r/private/sessions/{hidden.pk}.ics").status_code == 404
    assert visitor.get(f"/r/public/sessions/{shown.pk}.ics").status_code == 200
    assert visitor.get(f"/r/public/sessions/{hidden.pk}.ics").status_code == 404
    assert Client().get(f"/r/public/sessions/{shown.pk}.ics").status_code == 302
    assert member(private, "pat").get(f"/r/private/sessions/{hidden.pk}.ics").status_code == 200


def test_the_calendar_feed_holds_the_sessions_of_ones_rooms_by_token() -> None:
    mine = Room.objects.create(slug="mine", title="Mine", kind="coworking")
    theirs = Room.objects.create(slug="theirs", title="Theirs", kind="lab", public=True)
    client = member(mine, "pat")
    session(mine, "Soon")
    session(mine, "Last week", starts_in=-timedelta(days=7))
    session(mine, "Long ago", starts_in=-timedelta(days=40))
    session(theirs, "Not mine")
    token = profile_of(User.objects.get(username="pat")).calendar_token
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    feed = Client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    lines = unfold(feed.content.decode())
    assert sorted(values(lines, "SUMMARY")) == ["Last week (Mine)", "Soon (Mine)"]
    assert f"/calendar/{token}.ics" in client.get("/").content.decode()


def test_a_new_calendar_link_retires_the_old_one() -> None:
    room = Room.objects.create(slug="mine", title="Mine", kind="coworking")
    client = member(room, "pat")
    user = User.objects.get(username="pat")
    old = profile_of(user).calendar_token
    assert client.get("/calendar/new-link/").status_code == 405
    assert Client().post("/calendar/new-link/").status_code == 302
    assert profile_of(user).calendar_token == old, "nobody signed in changes nothing"
    assert client.post("/calendar/new-link/").status_code == 302
    new = profile_of(user).calendar_token
    assert new != old
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200
    assert f"/calendar/{new}.ics" in client.get("/").content.decode()


def test_the_home_page_shows_next_sessions_with_join_now_when_it_is_time() -> None:
    room = Room.objects.create(slug="studio", title="Studio", kind="coworking")
    client = member(room, "pat", zone="America/New_York")
    session(room, "Starting soon", starts_in=timedelta(minutes=5))
    session(room, "Running", starts_in=-timedelta(minutes=30), minutes=60)
    session(room, "Tomorrow", starts_in=timedelta(days=1))
    session(room, "Over", starts_in=-timedelta(minutes=90), minutes=60)
    page = client.get("/").content.decode()
    items = dict(
        re.findall(
            r'<strong class="session-title">([^<]+)</strong>.*?(<a [^>]*join-now[^>]*>)', page, re.S
        )
    )
    assert set(items) == {"Starting soon", "Running", "Tomorrow"}
    assert " hidden" not in items["Starting soon"] and " hidden" not in items["Running"]
    assert " hidden" in items["Tomorrow"]
    assert 'data-time-zone="America/New_York"' in page and "(America/New_York)" in page
