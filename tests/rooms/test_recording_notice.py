"""The room page while the room records: a notice first, with a way in and a way back, and
the "Recording" indicator already on; otherwise neither."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from rooms.models import Membership, Recording, Role, Room

pytestmark = pytest.mark.django_db
NOTICE = (
    "This session is being recorded: the board, the chat and who is present are kept for "
    "the room's members to watch later."
)


def member_page(room: Room) -> str:
    user = User.objects.create_user("pat", first_name="Pat")
    Membership.objects.create(room=room, user=user, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(user)
    response = client.get(f"/r/{room.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_room_that_records_tells_people_before_they_enter() -> None:
    room = Room.objects.create(slug="jam", title="Jam", kind="lab")
    Recording.objects.create(room=room, title="Earlier", started_ms=1_000, ended_ms=2_000)
    Recording.objects.create(room=room, title="Now", started_ms=3_000, ended_ms=None)
    page = member_page(room)
    assert 'data-testid="recording-notice"' in page and NOTICE in page
    assert "Jam is being recorded" in page
    assert ">Enter the room</button>" in page
    assert 'data-testid="recording-not-now" href="/">Not now</a>' in page, "back to the lobby"
    body = re.search(r'<body class="([^"]*)"', page)
    assert body and {"page-room", "has-recording-notice"} <= set(body[1].split()), "it waits"
    assert '<span class="recording-indicator" data-testid="recording-indicator">' in page


def test_a_room_that_does_not_record_opens_at_once() -> None:
    room = Room.objects.create(slug="jam", title="Jam", kind="lab")
    Recording.objects.create(room=room, title="Earlier", started_ms=1_000, ended_ms=2_000)
    page = member_page(room)
    assert 'data-testid="recording-notice"' not in page and NOTICE not in page
    assert "has-recording-notice" not in page
    assert 'data-testid="recording-indicator" hidden>' in page
    assert "frontend/room.js" in page
