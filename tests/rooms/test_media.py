"""Board images: uploads checked by their real content, served only to people in the room."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from rooms.invites import create_invite
from rooms.models import MediaFile, Membership, Role, Room
from tests.support.servers import ROOT, server_env

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = {"error": "Upload a PNG, JPEG or WebP image."}
SRC = re.compile(r"/r/lab/media/[0-9a-f]{32}\.(png|jpg|webp)")


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def room() -> Room:
    return Room.objects.create(slug="lab", title="Lab", kind="lab")


def member(room: Room, role: Role, username: str = "ada") -> Client:
    user = User.objects.create_user(username)
    Membership.objects.create(room=room, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def image_bytes(fmt: str, size: tuple[int, int] = (30, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return buffer.getvalue()


def upload(
    client: Client, data: bytes, name: str = "picture.png", content_type: str = "image/png"
) -> tuple[int, dict]:
    response = client.post(
        "/r/lab/media/", {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("fmt", "extension", "content_type"),
    [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp")],
)
def test_a_participant_uploads_an_image_stored_by_its_real_format(
    room: Room, media_root: Path, fmt: str, extension: str, content_type: str
) -> None:
    data = image_bytes(fmt)
    # The declared name and type are ignored: the decoded format decides.
    status, body = upload(member(room, Role.PARTICIPANT), data, "x.gif", "text/plain")
    assert status == 201
    assert body["width"] == 30 and body["height"] == 20
    assert SRC.fullmatch(body["src"]) and body["src"].endswith(f".{extension}")
    stored = MediaFile.objects.get()
    assert stored.name == body["src"].rsplit("/", 1)[1]
    assert stored.room == room and stored.uploader == User.objects.get(username="ada")
    assert stored.content_type == content_type and stored.size == len(data)
    assert (stored.width, stored.height) == (30, 20)
    assert (media_root / "rooms" / "lab" / stored.name).read_bytes() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.png", b"just some text, not an image\n" * 10),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("anim.gif", image_bytes("GIF")),
        ("corrupt.png", image_bytes("PNG")[:-20]),
        ("flipped.png", image_bytes("PNG")[:40] + b"\xff\xff\xff\xff" + image_bytes("PNG")[44:]),
        ("empty.png", b""),
    ],
)
def test_anything_but_a_sound_png_jpeg_or_webp_is_refused(
    room: Room, media_root: Path, name: str, data: bytes
) -> None:
    assert upload(member(room, Role.PARTICIPANT), data, name) == (400, NOT_AN_IMAGE)
    assert not MediaFile.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_files_over_the_size_limit_are_refused_with_413(room: Room, settings: Settings) -> None:
    settings.MEDIA_MAX_BYTES = 50
    status, body = upload(member(room, Role.PARTICIPANT), image_bytes("PNG", (200, 200)))
    assert status == 413 and "larger than" in body["error"]
    assert not MediaFile.objects.exists()


def test_images_over_the_pixel_limit_are_refused(room: Room, settings: Settings) -> None:
    settings.MEDIA_MAX_PIXELS = 30 * 20 - 1
    status, body = upload(member(room, Role.PARTICIPANT), image_bytes("PNG"))
    assert status == 400 and "pixels" in body["error"]


def test_a_missing_file_field_is_a_readable_error(room: Room) -> None:
    response = member(room, Role.PARTICIPANT).post("/r/lab/media/", {"other": "x"})
    assert response.status_code == 400 and response.json() == {
        "error": "Choose an image to upload."
    }


def test_only_people_who_can_edit_the_board_may_upload(room: Room) -> None:
    data = image_bytes("PNG")
    assert upload(member(room, Role.OBSERVER, "olga"), data)[0] == 403
    stranger = Client()
    stranger.force_login(User.objects.create_user("eve"))
    assert upload(stranger, data)[0] == 403
    assert upload(Client(), data)[0] == 403
    assert upload(member(room, Role.FACILITATOR, "fay"), data)[0] == 201
    assert MediaFile.objects.count() == 1
    assert Client().post("/r/nowhere/media/", {}).status_code == 404


def test_members_get_the_image_with_defensive_headers(room: Room) -> None:
    data = image_bytes("PNG")
    _, body = upload(member(room, Role.PARTICIPANT), data)
    observer = member(room, Role.OBSERVER, "olga")
    response = observer.get(body["src"])
    assert response.status_code == 200
    assert response.getvalue() == data
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert "private" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_strangers_do_not_get_the_image_but_invite_tokens_do(room: Room) -> None:
    _, body = upload(member(room, Role.PARTICIPANT), image_bytes("JPEG"))
    stranger = Client()
    stranger.force_login(User.objects.create_user("eve"))
    assert stranger.get(body["src"]).status_code == 403
    assert Client().get(body["src"]).status_code == 403
    _, token = create_invite(room, Role.OBSERVER)
    assert Client().get(body["src"], {"token": token}).status_code == 200
    other = Room.objects.create(slug="other", title="Other")
    _, other_token = create_invite(other, Role.OBSERVER)
    assert Client().get(body["src"], {"token": other_token}).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "../../var/secret_key",
        "..%2F..%2Fmanage.py",
        "%2e%2e%2f%2e%2e%2fmanage.py",
        "..",
        "secret_key",
        "0123456789abcdef0123456789abcdef.svg",
        "0123456789abcdef0123456789abcdef.png",
    ],
)
def test_unknown_or_malformed_names_are_not_found(room: Room, name: str) -> None:
    client = member(room, Role.PARTICIPANT)
    assert client.get(f"/r/lab/media/{name}").status_code == 404


def test_an_image_is_only_found_under_its_own_room(room: Room) -> None:
    _, body = upload(member(room, Role.PARTICIPANT), image_bytes("PNG"))
    other = Room.objects.create(slug="other", title="Other")
    client = member(other, Role.PARTICIPANT, "ben")
    Membership.objects.create(room=room, user=User.objects.get(username="ben"), role="observer")
    assert client.get(body["src"]).status_code == 200
    assert client.get(body["src"].replace("/r/lab/", "/r/other/")).status_code == 404


def test_deleting_a_room_deletes_its_image_files(
    room: Room, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = member(room, Role.PARTICIPANT)
    status, _ = upload(client, image_bytes("PNG"))
    assert status == 201
    stored = media_root / MediaFile.objects.get().path
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        room.delete()
    assert not stored.exists()


def test_an_image_is_copied_into_a_room_its_reader_can_edit(room: Room) -> None:
    client = member(room, Role.PARTICIPANT)
    _, uploaded = upload(client, image_bytes("PNG"))
    other = Room.objects.create(slug="studio", title="Studio")
    user = User.objects.get(username="ada")
    Membership.objects.create(room=other, user=user, role=Role.PARTICIPANT)
    response = client.post(
        "/r/studio/media/copy/", {"src": uploaded["src"]}, content_type="application/json"
    )
    assert response.status_code == 200
    copied = response.json()
    assert copied["src"].startswith("/r/studio/media/") and copied["src"] != uploaded["src"]
    assert (copied["width"], copied["height"]) == (30, 20)
    assert client.get(copied["src"]).status_code == 200
    same = client.post(
        "/r/lab/media/copy/", {"src": uploaded["src"]}, content_type="application/json"
    )
    assert same.json()["src"] == uploaded["src"]


def test_copying_needs_access_to_the_source_and_edit_rights_here(room: Room) -> None:
    owner = member(room, Role.PARTICIPANT)
    _, uploaded = upload(owner, image_bytes("PNG"))
    other = Room.objects.create(slug="studio", title="Studio")
    stranger = User.objects.create_user("bo")
    Membership.objects.create(room=other, user=stranger, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(stranger)
    refused = client.post(
        "/r/studio/media/copy/", {"src": uploaded["src"]}, content_type="application/json"
    )
    assert refused.status_code == 403
    Membership.objects.create(room=room, user=stranger, role=Role.OBSERVER)
    Membership.objects.filter(room=other, user=stranger).update(role=Role.OBSERVER)
    assert (
        client.post(
            "/r/studio/media/copy/", {"src": uploaded["src"]}, content_type="application/json"
        ).status_code
        == 403
    )
    for body in ({"src": "/etc/passwd"}, {"src": 3}, []):
        bad = owner.post("/r/lab/media/copy/", body, content_type="application/json")
        assert bad.status_code == 400


def test_live_servers_of_the_tests_store_uploads_outside_the_project() -> None:
    assert not Path(server_env("sqlite://")["MEDIA_ROOT"]).is_relative_to(ROOT)
