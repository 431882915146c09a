"""Every page in every language: each answers in its language with the right `<html lang
dir>`, and in Arabic, Chinese and Greek no text a person sees or hears is left in English,
which finds any string that was never marked for translation."""

from __future__ import annotations

import pprint
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone, translation
from django.views.defaults import server_error

from rooms.invites import create_invite
from rooms.models import (
    Activity,
    Membership,
    Recording,
    Role,
    Room,
    ScheduledSession,
    profile_of,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _ in settings.LANGUAGES]
RIGHT_TO_LEFT = {"ar"}
#: Languages in a script other than Latin: a Latin word in their pages is English left over.
OTHER_SCRIPTS = ["ar", "zh-hans", "el"]

#: What people wrote (names, titles, goals): shown as written in every language.
CONTENT = [
    "Adaeze Okafor",
    "Bolesław Chen",
    "adaeze",
    "boleslaw",
    "Harbour Lab",
    "Studio Desk",
    "Spring sprint",
    "Poster draft",
    "Lisbon",
    "Portugal",
    "Weaving sound into cloth",
    "Co-working & Ideation Labs",
    "AO",
    "BC",
]
#: Words that are the same in every language: formats and standards, the names printed on
#: keyboards, and the agenda's commands.
UNIVERSAL = re.compile(
    r"\b(?:UTC|GMT|PNG|SVG|PDF|JPEG|WebP|GIF|JSON|JSONL|jsonl|CSV|iCalendar|ics|URL|https?|www|"
    r"Markdown|Ctrl|Cmd|Alt|Shift|Esc|Enter|Tab|Delete|Backspace|Home|End|Page Up|Page Down)\b"
    # The agenda's commands, typed as they are in every language.
    r"|\[(?:lock|private|anonymous|vote \d+|groups \d+|frame [^\]]*)\]"
)
#: The time zone picker's options: IANA names (`America/Sao_Paulo`, `Cuba`), shown as they are.
ZONES = {zone.replace("_", " ") for zone in zoneinfo.available_timezones()}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

#: Attributes whose values a person sees or hears.
SPOKEN_ATTRIBUTES = {
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
    "title",
    "placeholder",
    "alt",
}
SILENT = {"script", "style"}


@dataclass
class Texts(HTMLParser):
    """Every piece of text a page shows or says, with the language it is marked in."""

    page_lang: str = ""
    found: list[tuple[str, str]] = field(default_factory=list)
    stack: list[tuple[str, str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def lang(self) -> str:
        return self.stack[-1][1] if self.stack else self.page_lang

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        lang = values.get("lang", self.lang())
        if tag == "html":
            self.page_lang = lang
        silent = tag in SILENT or (bool(self.stack) and self.stack[-1][2])
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}:
            self.stack.append((tag, lang, silent))
        if silent:
            return
        for name, value in values.items():
            shown = name in SPOKEN_ATTRIBUTES or (
                name == "value" and values.get("type") in {"submit", "button", "reset"}
            )
            # A data attribute that holds a sentence is text a script shows.
            sentence = name.startswith("data-") and " " in value and value[:1] not in "{["
            if (shown or sentence) and value.strip():
                self.found.append((value.strip(), lang))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][2]:
            return
        if data.strip():
            self.found.append((" ".join(data.split()), self.lang()))


def texts(page: str) -> Texts:
    parser = Texts()
    parser.feed(page)
    return parser


def english_left(page: str, language: str) -> list[str]:
    """The texts of a page in a non-Latin script that still hold an English word."""
    left = []
    for text, lang in texts(page).found:
        if lang.lower() != language or text in ZONES:
            continue
        rest = text
        for content in CONTENT:
            rest = rest.replace(content, "")
        rest = UNIVERSAL.sub("", rest)
        if LATIN_WORD.search(rest):
            left.append(text)
    return sorted(set(left))


@dataclass
class World:
    host: Client
    guest: Client
    visitor: Client
    pages: dict[str, tuple[Client, str]]


@pytest.fixture
def world() -> Iterator[World]:
    ada = User.objects.create_user("adaeze", first_name="Adaeze", last_name="Okafor", password="x")
    bo = User.objects.create_user("boleslaw", first_name="Bolesław", last_name="Chen", password="y")
    profile = profile_of(ada)
    profile.city, profile.country = "Lisbon", "Portugal"
    profile.bio = "Weaving sound into cloth"
    profile.disciplines = ["textiles", "music"]
    profile.save()
    lab = Room.objects.create(slug="harbour", title="Harbour Lab", kind=Room.Kind.LAB)
    desk = Room.objects.create(
        slug="studio", title="Studio Desk", kind=Room.Kind.COWORKING, public=True
    )
    for room in (lab, desk):
        Membership.objects.create(room=room, user=ada, role=Role.FACILITATOR)
    Membership.objects.create(room=desk, user=bo, role=Role.PARTICIPANT)
    now = timezone.now()
    ScheduledSession.objects.create(
        room=desk, title="Spring sprint", starts_at=now + timedelta(minutes=5), minutes=120
    )
    started = int((now - timedelta(hours=1)).timestamp() * 1000)
    recording = Recording.objects.create(
        room=lab, title="Spring sprint", started_ms=started, ended_ms=started + 3_600_000
    )
    for verb in Activity.Verb:
        Activity.objects.create(user=bo, verb=verb, room=desk, text="Poster draft")
    _, token = create_invite(lab, Role.PARTICIPANT, ada)
    host, guest, visitor = Client(), Client(), Client()
    host.force_login(ada)
    guest.force_login(bo)
    pages = {
        "landing": (visitor, "/"),
        "log in": (visitor, "/accounts/login/"),
        "sign up": (visitor, "/accounts/signup/"),
        "invite": (visitor, f"/i/{token}/"),
        "home": (host, "/"),
        "directory": (host, "/rooms/"),
        "lab": (host, "/r/harbour/"),
        "co-working room": (guest, "/r/studio/"),
        "co-working room, host": (host, "/r/studio/"),
        "room settings": (host, "/r/studio/settings/"),
        "recording": (host, f"/r/harbour/recordings/{recording.pk}/"),
        "account": (host, "/account/"),
        "profile": (guest, "/people/adaeze/"),
        "profile edit": (host, "/account/profile/"),
        "not a member": (guest, "/r/harbour/"),
        "bad invite": (guest, "/i/no-such-invite/"),
        "missing page": (guest, "/no/such/page/"),
    }
    yield World(host, guest, visitor, pages)


def render(client: Client, path: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code in {200, 403, 404, 410}, (path, response.status_code)
    return response.content.decode()


def failed_forms(language: str) -> dict[str, str]:
    """Forms sent back with errors, in `language`."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return {
        "sign up, refused": client.post(
            "/accounts/signup/", {"username": "", "password1": "a", "password2": "b"}
        ).content.decode(),
        "log in, refused": client.post(
            "/accounts/login/", {"username": "nobody", "password": "wrong"}
        ).content.decode(),
    }


def server_error_page(language: str) -> str:
    with translation.override(language):
        return server_error(RequestFactory().get("/")).content.decode()


def pages_in(world: World, language: str) -> dict[str, str]:
    """Every page, and the forms sent back with errors, in `language`."""
    pages = {name: render(client, path, language) for name, (client, path) in world.pages.items()}
    pages |= failed_forms(language)
    pages["server error"] = server_error_page(language)
    return pages


def sentences_as_in_english(page: str, english: str, language: str) -> list[str]:
    """The sentences (three words or more) of a page in a language written in Latin letters
    that read exactly as on the English page: left untranslated."""
    said_in_english = {text for text, _ in texts(english).found}
    return sorted(
        {
            text
            for text, lang in texts(page).found
            if lang.lower() == language
            and text in said_in_english
            and len(LATIN_WORD.findall(UNIVERSAL.sub("", text))) >= 3
            and text not in ZONES
            and not any(content in text for content in CONTENT)
        }
    )


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_answers_in_its_language_and_direction(world: World, language: str) -> None:
    pages = pages_in(world, language)
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    for name, page in pages.items():
        assert f'<html lang="{language}" dir="{direction}"' in page, name
    if language in OTHER_SCRIPTS:
        left = {name: english_left(page, language) for name, page in pages.items()}
        left = {name: found for name, found in left.items() if found}
        assert left == {}, pprint.pformat(left, width=100)
    elif language != "en":
        english = pages_in(world, "en")
        same = {
            name: sentences_as_in_english(page, english[name], language)
            for name, page in pages.items()
        }
        same = {name: found for name, found in same.items() if found}
        assert same == {}, pprint.pformat(same, width=100)


def test_the_check_finds_english_left_in_a_page() -> None:
    page = (
        '<html lang="ar" dir="rtl"><body><h1>مرحبا</h1><p>Adaeze Okafor</p>'
        '<button aria-label="Close">X</button><span lang="en">English</span>'
        "<script>const label = 'Save'</script><p>Europe/Lisbon</p><p>Save PNG</p></body></html>"
    )
    assert english_left(page, "ar") == ["Close", "Save PNG"]
