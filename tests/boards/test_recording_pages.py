"""A recording as people find it: a picture of its board at a moment (`board.png`), its
entry in the room's and the lobby's lists, and the lobby's form that imports a recording
file into a new lab."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from boards.playback import remember_phases
from boards.store import create_store
from rooms.invites import create_invite
from rooms.models import Recording, Role, Room
from tests.boards.test_playback_reuse import Recorded, Session, export_lines, member, record

pytestmark = pytest.mark.django_db(transaction=True)

PINK, BLUE, BACKGROUND = (0xFB, 0xD3, 0xE6), (0xCF, 0xE3, 0xFF), (0xF6, 0xF7, 0xF9)


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    made = record("jam")
    yield made
    async_to_sync(create_store().delete_documents)("")


def picture(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG"
    return image.convert("RGB")


def two_notes() -> tuple[Room, Recording, Client]:
    """A recording whose board ends with a pink note on the left and a blue one 1,000 px to
    its right, on the same line."""
    room = Room.objects.create(slug="notes", title="Notes", kind="lab")
    client, ada = member(room, "ada", Role.FACILITATOR)
    session = Session("notes")
    started = int(time.time() * 1000)
    time.sleep(0.003)

    def put(key: str, color: str, x: float, text: str) -> int:
        fields = {"type": "note", "x": x, "y": 0.0, "w": 200.0, "h": 160.0, "color": color}
        made = pycrdt.Map({**fields, "text": pycrdt.Text(text)})
        return session.change("board", f"u{ada.pk}", lambda o: o.update({key: made}))

    put("left", "pink", 0.0, "Left")
    last = put("right", "blue", 1000.0, "Right")
    recording = Recording.objects.create(
        room=room, title="Notes", started_ms=started, ended_ms=last + 5
    )
    return room, recording, client


def test_the_board_picture_shows_each_note_in_its_colour_where_it_is() -> None:
    try:
        _, recording, client = two_notes()
        url = f"/r/notes/recordings/{recording.pk}/board.png"
        answer = client.get(f"{url}?width=600")
        assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
        image = picture(answer.content)
        assert image.size == (600, 450)
        # The board (1,200 x 160) is fitted across the picture's width, centred.
        middle = image.height // 2
        assert image.getpixel((600 * 10 // 100, middle)) == PINK
        assert image.getpixel((600 * 90 // 100, middle)) == BLUE
        assert image.getpixel((300, middle)) == BACKGROUND
        assert image.getpixel((300, 10)) == BACKGROUND
        assert answer.content == client.get(f"{url}?width=600").content, "deterministic"

        # At the start the board held nothing; the width is clamped, 1,200 by default.
        empty = picture(client.get(f"{url}?at=0&width=100000").content)
        assert empty.size == (2000, 1500)
        assert empty.getcolors() == [(2000 * 1500, BACKGROUND)]
        assert picture(client.get(f"{url}?width=1").content).size == (64, 48)
        assert picture(client.get(url).content).size == (1200, 900)
        # Big enough, a note's text is drawn in it (dark pixels inside the pink).
        large = picture(client.get(f"{url}?width=2000").content)
        note_area = large.crop((0, 0, 1000, 1500)).getcolors(2000 * 1500) or []
        assert any(isinstance(color, tuple) and sum(color) < 300 for _, color in note_area)
    finally:
        async_to_sync(create_store().delete_documents)("")


def test_a_finished_recordings_picture_is_cached_and_access_is_checked(
    recorded: Recorded,
) -> None:
    url = f"{recorded.url}/board.png"
    answer = recorded.bob.get(f"{url}?width=240")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, max-age=31536000, immutable"
    tag = answer["ETag"]
    again = recorded.bob.get(f"{url}?width=240", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again["ETag"] == tag and not again.content
    assert recorded.bob.get(f"{url}?width=241")["ETag"] != tag
    assert recorded.bob.get(f"{url}?width=wide").status_code == 400
    assert recorded.bob.get(f"{url}?at=soon").status_code == 400

    _, token = create_invite(recorded.room, Role.OBSERVER, None)
    assert Client().get(f"{url}?token={token}").status_code == 200
    outsider = Client()
    outsider.force_login(User.objects.create_user("eve"))
    assert outsider.get(url).status_code == 403
    assert (
        recorded.bob.get(f"/r/jam/recordings/{recorded.recording.pk + 99}/board.png").status_code
        == 404
    )
    assert (
        recorded.bob.get(f"/r/nowhere/recordings/{recorded.recording.pk}/board.png").status_code
        == 404
    )

    # While it records, the end is now: nothing is cached.
    Recording.objects.filter(pk=recorded.recording.pk).update(ended_ms=None)
    running = recorded.bob.get(url)
    assert running["Cache-Control"] == "private, no-cache" and not running.has_header("ETag")


def test_the_summary_shows_the_board_at_the_end(recorded: Recorded) -> None:
    text = recorded.bob.get(f"{recorded.url}/summary.md").content.decode()
    end = text.split("## The board at the end")[1]
    assert "![Board at the end](board.png)" in end  # beside summary.md: .../<id>/board.png


def entries(html: str) -> list[str]:
    return re.findall(r'<li class="recordings-item".*?</li>', html, re.S)


def test_the_lists_show_a_picture_the_length_the_people_and_the_phases(
    recorded: Recorded,
) -> None:
    recording = recorded.recording
    player = f"/r/jam/recordings/{recording.pk}/"
    [before] = entries(recorded.ada.get("/r/jam/").content.decode())
    assert "Phases" not in before, "not known until playback keeps them"
    # Playback keeps them when a recording ends (here: when the player first reads it).
    assert recorded.ada.get(f"{recorded.url}.json").status_code == 200
    recording.refresh_from_db()
    assert recording.phases == ["Warm-up", "Ideas"]
    Recording.objects.filter(pk=recording.pk).update(phases=None)
    async_to_sync(remember_phases)(create_store(), recording.pk)
    recording.refresh_from_db()
    assert recording.phases == ["Warm-up", "Ideas"]

    for page, html in (
        ("room", recorded.ada.get("/r/jam/").content.decode()),
        ("lobby", recorded.bob.get("/").content.decode()),
    ):
        [entry] = entries(html)
        assert f'src="/r/jam/recordings/{recording.pk}/board.png?width=240"' in entry, page
        assert 'loading="lazy"' in entry and 'alt="The board at the end"' in entry
        assert f'<a class="recordings-title" href="{player}">Session</a>' in entry
        assert "data-local-time" in entry
        assert re.search(r'data-testid="recording-duration">\d+ s<', entry)
        assert 'data-testid="recording-people">2 people<' in entry
        assert "Phases: Warm-up, Ideas" in entry
        assert ("Jam ·" in entry) == (page == "lobby"), "the lobby names the room"


def test_the_lobby_imports_a_recording_file_and_goes_to_its_player(recorded: Recorded) -> None:
    body = "\n".join(map(json.dumps, export_lines(recorded.ada, recorded.url))).encode()
    form = {"file": SimpleUploadedFile("session.jsonl", body)}
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    answer = recorded.bob.post("/recordings/import/", form, headers=html)
    assert answer.status_code == 303
    imported = Recording.objects.exclude(pk=recorded.recording.pk).get()
    assert answer["Location"] == f"/r/{imported.room.slug}/recordings/{imported.pk}/"
    assert imported.phases == ["Warm-up", "Ideas"]
    # API clients still get JSON.
    form = {"file": SimpleUploadedFile("session.jsonl", body)}
    api = recorded.bob.post("/recordings/import/", form, headers={"Accept": "application/json"})
    assert api.status_code == 201 and api.json()["url"].endswith("/")

    bad = {"file": SimpleUploadedFile("notes.txt", b"{nope\n")}
    refused = recorded.bob.post("/recordings/import/", bad, headers=html)
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert 'role="alert"' in page
    assert "The recording could not be imported: Line 1 is not JSON" in page
    assert 'aria-invalid="true"' in page
