"""Profiles: who may see them, the card presence lists show, editing, and their images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from rooms.models import Membership, Profile, Role, Room, Work, profile_of
from rooms.profiles import initials

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Long-enough-1"


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def person(username: str, name: str = "") -> tuple[Client, User]:
    user = User.objects.create_user(username, password=PASSWORD, first_name=name or username)
    client = Client()
    client.force_login(user)
    return client, user


def guest() -> User:
    return User.objects.create_user("guest-0a1b2c", first_name="Gus")


def join(user: User, slug: str, role: Role = Role.PARTICIPANT) -> Room:
    room, _ = Room.objects.get_or_create(slug=slug, defaults={"title": slug.title()})
    Membership.objects.create(room=room, user=user, role=role)
    return room


def hidden(user: User) -> None:
    profile = profile_of(user)
    profile.visibility = Profile.Visibility.SHARED_ROOMS
    profile.save()


def picture(size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size)
    image.putdata([(x % 256, y % 256, 90) for y in range(size[1]) for x in range(size[0])])
    image.save(buffer, fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


PROFILE = {
    "disciplines": ["music", "design"],
    "city": "Lisbon",
    "country": "Portugal",
    "languages": ["pt", "en"],
    "bio": "I make records.",
    "links": "https://ada.example/\nhttp://shop.example/records",
    "visibility": "signed_in",
}


def test_a_signed_in_person_sees_a_profile_with_its_details() -> None:
    _, ada = person("ada", "Ada Lovelace")
    profile = profile_of(ada)
    profile.disciplines, profile.languages = ["music"], ["pt"]
    profile.city, profile.country, profile.bio = "Lisbon", "Portugal", "Records & <tapes>"
    profile.links = ["https://ada.example/", "javascript:alert(1)"]
    profile.save()
    join(ada, "studio")
    client, ben = person("ben")
    join(ben, "studio")
    page = client.get("/people/ada/")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("Ada Lovelace", "Music", "Portuguese", "Lisbon, Portugal", "Studio", "AL"):
        assert shown in html
    assert "Records &amp; &lt;tapes&gt;" in html
    assert '<a href="https://ada.example/" rel="nofollow noopener ugc">' in html
    assert "javascript:" not in html
    assert "Edit profile" not in html


def test_your_own_profile_has_an_edit_link() -> None:
    client, _ = person("ada")
    assert "Edit profile" in client.get("/people/ada/").content.decode()


def test_anonymous_people_are_sent_to_log_in() -> None:
    person("ada")
    response = Client().get("/people/ada/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_profile_shown_to_shared_rooms_only_is_hidden_from_others() -> None:
    _, ada = person("ada")
    hidden(ada)
    join(ada, "studio")
    stranger, _ = person("cy")
    roommate, ben = person("ben")
    join(ben, "studio")
    assert stranger.get("/people/ada/").status_code == 404
    assert stranger.get(f"/people/card/u{ada.pk}.json").status_code == 404
    assert roommate.get("/people/ada/").status_code == 200
    assert roommate.get(f"/people/card/u{ada.pk}.json").status_code == 200


def test_guests_and_unknown_people_have_no_profile() -> None:
    client, _ = person("ada")
    gus = guest()
    assert client.get(f"/people/{gus.username}/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert client.get(f"/people/card/u{gus.pk}.json").status_code == 404


def test_the_card_is_json_with_private_caching() -> None:
    client, _ = person("ben")
    _, ada = person("ada", "Ada")
    profile = profile_of(ada)
    profile.disciplines, profile.city = ["film"], "Oslo"
    profile.save()
    response = client.get(f"/people/card/u{ada.pk}.json")
    assert response["Cache-Control"] == "private, max-age=60"
    assert response.json() == {
        "id": f"u{ada.pk}",
        "username": "ada",
        "name": "Ada",
        "avatar": None,
        "disciplines": ["Film and video"],
        "languages": [],
        "place": "Oslo",
        "bio": "",
        "url": "/people/ada/",
    }


@pytest.mark.parametrize("identity", ["i3", "u0", "uabc", "u99999", "3", "u1x"])
def test_the_card_of_anything_but_a_person_is_not_found(identity: str) -> None:
    client, _ = person("ben")
    assert client.get(f"/people/card/{identity}.json").status_code == 404
    assert Client().get(f"/people/card/u{User.objects.get().pk}.json").status_code == 404


def test_editing_the_profile_saves_it() -> None:
    client, ada = person("ada")
    response = client.post("/account/profile/", PROFILE)
    assert response.status_code == 302
    profile = Profile.objects.get(user=ada)
    assert profile.disciplines == ["music", "design"] and profile.languages == ["pt", "en"]
    assert profile.links == ["https://ada.example/", "http://shop.example/records"]
    assert (profile.city, profile.country, profile.bio) == ("Lisbon", "Portugal", "I make records.")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("links", "ftp://files.example/", "is not a web address"),
        ("links", "javascript:alert(1)", "is not a web address"),
        ("links", "\n".join(f"https://{n}.example/" for n in range(6)), "at most 5 links"),
        ("disciplines", ["music", "alchemy"], "not one of the available choices"),
        ("languages", ["xx"], "not one of the available choices"),
        ("visibility", "everyone", "not one of the available choices"),
        ("bio", "x" * 601, "at most 600 characters"),
    ],
)
def test_the_profile_form_refuses_bad_values_and_keeps_the_rest(
    field: str, value: object, error: str
) -> None:
    client, ada = person("ada")
    response = client.post("/account/profile/", {**PROFILE, field: value})
    assert response.status_code == 400
    assert error in str(response.context["form"].errors[field])
    assert 'value="Lisbon"' in response.content.decode()
    assert Profile.objects.get(user=ada).city == ""


def test_a_text_file_named_png_is_refused_as_avatar(media_root: Path) -> None:
    client, ada = person("ada")
    response = client.post("/account/profile/", {**PROFILE, "avatar": upload(b"not a picture")})
    assert response.status_code == 400
    assert "Upload a PNG, JPEG or WebP image." in str(response.context["form"].errors["avatar"])
    assert "I make records." in response.content.decode()
    assert profile_of(ada).avatar == "" and not (media_root / "people").exists()


def test_an_oversize_image_is_refused(settings: Settings) -> None:
    settings.MEDIA_MAX_BYTES = 100
    client, _ = person("ada")
    response = client.post("/account/profile/", {**PROFILE, "avatar": upload(picture((300, 300)))})
    assert response.status_code == 400
    assert "larger than" in str(response.context["form"].errors["avatar"])


def test_an_image_of_too_many_pixels_is_refused(settings: Settings) -> None:
    settings.MEDIA_MAX_PIXELS = 100
    client, _ = person("ada")
    response = client.post("/account/profile/", {**PROFILE, "avatar": upload(picture())})
    assert "more than 100 pixels" in str(response.context["form"].errors["avatar"])


def test_an_avatar_becomes_a_256_pixel_square_webp_and_replaces_the_old_one(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client, ada = person("ada")
    client.post("/account/profile/", {**PROFILE, "avatar": upload(picture((400, 300)))})
    first = profile_of(ada).avatar
    assert first.startswith("people/") and first.endswith(".webp")
    with Image.open(media_root / first) as stored:
        assert (stored.format, stored.size) == ("WEBP", (256, 256))
        assert "exif" not in stored.info
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/profile/", {**PROFILE, "avatar": upload(picture((50, 80), "JPEG"))})
    second = profile_of(ada).avatar
    assert second != first and (media_root / second).exists()
    assert not (media_root / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/profile/", {**PROFILE, "remove_avatar": "on"})
    assert profile_of(ada).avatar == "" and not (media_root / second).exists()


def test_exif_orientation_is_applied_and_metadata_dropped(media_root: Path) -> None:
    image = Image.new("RGB", (60, 20), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: shown 90 degrees clockwise
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    client, ada = person("ada")
    client.post("/account/profile/", {**PROFILE, "avatar": upload(buffer.getvalue(), "p.jpg")})
    with Image.open(media_root / profile_of(ada).avatar) as stored:
        assert stored.size == (256, 256) and not stored.getexif()


def add_work(client: Client, title: str, size: tuple[int, int] = (1600, 900)) -> int:
    data = {"title": title, "link": "https://ada.example/work", "image": upload(picture(size))}
    return client.post("/account/profile/works/", data).status_code


def test_works_are_resized_shown_and_reordered(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client, ada = person("ada")
    assert add_work(client, "Album cover") == 302
    assert add_work(client, "Poster", (300, 200)) == 302
    first, second = Work.objects.filter(profile__user=ada)
    with Image.open(media_root / first.image) as stored:
        assert (stored.format, stored.size) == ("WEBP", (1200, 675))
    page = client.get("/people/ada/").content.decode()
    assert page.index("Album cover") < page.index("Poster")
    client.post(f"/account/profile/works/{second.pk}/move/", {"direction": "up"})
    page = client.get("/people/ada/").content.decode()
    assert page.index("Poster") < page.index("Album cover")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/account/profile/works/{second.pk}/remove/")
    assert list(Work.objects.values_list("title", flat=True)) == ["Album cover"]
    assert not (media_root / second.image).exists()


def test_a_work_needs_an_http_link_and_a_real_picture() -> None:
    client, _ = person("ada")
    bad = client.post(
        "/account/profile/works/",
        {"title": "Tape", "link": "ftp://x.example/", "image": upload(b"GIF89a")},
    )
    assert bad.status_code == 400
    errors = bad.context["work_form"].errors
    assert "is not a web address" in str(errors["link"])
    assert "Upload a PNG, JPEG or WebP image." in str(errors["image"])
    assert not Work.objects.exists()


def test_the_showcase_holds_six_works_even_against_raw_posts() -> None:
    client, ada = person("ada")
    for n in range(6):
        assert add_work(client, f"Work {n}", (20, 20)) == 302
    page = client.get("/account/profile/").content.decode()
    assert "Your showcase is full" in page and 'data-testid="work-form"' not in page
    assert add_work(client, "Seventh", (20, 20)) == 400
    assert Work.objects.filter(profile__user=ada).count() == 6


def test_you_cannot_change_another_persons_works() -> None:
    ada_client, _ = person("ada")
    add_work(ada_client, "Mine", (20, 20))
    work = Work.objects.get()
    ben, _ = person("ben")
    assert ben.post(f"/account/profile/works/{work.pk}/remove/").status_code == 404
    assert (
        ben.post(f"/account/profile/works/{work.pk}/move/", {"direction": "up"}).status_code == 404
    )
    assert Work.objects.exists()


def test_profile_images_are_served_only_to_people_who_may_see_the_profile() -> None:
    client, ada = person("ada")
    client.post("/account/profile/", {**PROFILE, "avatar": upload(picture())})
    add_work(client, "Cover", (20, 20))
    avatar = "/people/media/" + profile_of(ada).avatar.rsplit("/", 1)[1]
    work = "/people/media/" + Work.objects.get().image.rsplit("/", 1)[1]
    ben, _ = person("ben")
    for url in (avatar, work):
        response = ben.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, max-age=31536000, immutable"
        assert Client().get(url).status_code == 404
    hidden(ada)
    assert ben.get(avatar).status_code == 404
    assert client.get(avatar).status_code == 200
    for name in ("../db.sqlite3", "x.webp", "0" * 32 + ".png", "0" * 32 + ".webp"):
        assert client.get(f"/people/media/{name}").status_code == 404


def test_guests_cannot_edit_a_profile() -> None:
    client = Client()
    client.force_login(guest())
    assert client.get("/account/profile/").status_code == 404


def test_initials_come_from_the_words_of_the_name_not_a_guests_mark() -> None:
    assert initials("Ada Lovelace") == "AL"
    assert initials("Amira (guest)") == "A"
    assert initials("Amira (επισκέπτης)") == "A"
    assert initials("łucja maria nowak") == "ŁM"
    assert initials("(…)") == "?"
