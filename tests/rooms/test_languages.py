"""Pages in eleven languages: which one a request gets (the person's own, the picker's, the
browser's), `<html lang dir>`, the picker, the account page's choice, the person's time zone,
and the check of the translation catalogs."""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings
from django.utils import timezone, translation

from coworking.management.commands.checkcatalogs import project_locale_dirs
from rooms.languages import ProfileLanguageMiddleware
from rooms.models import profile_of
from tests.rooms.test_profiles import person

pytestmark = pytest.mark.django_db(transaction=True)

UI_LANGUAGES = ["en", "pt", "es", "fr", "nl", "da", "pl", "el", "hr", "ar", "zh-hans"]
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_tag(page: str) -> str:
    found = re.search(r"<html [^>]*>", page)
    assert found, "no <html> tag"
    return found.group(0)


def language_of(page: str) -> str:
    found = re.search(r'<html lang="([^"]*)"', page)
    assert found, "no lang on <html>"
    return found.group(1)


def text(client: Client, path: str) -> str:
    """The page at `path`, as `client` gets it."""
    return client.get(path).content.decode()


def choose(client: Client, language: str) -> None:
    client.cookies[COOKIE] = language


def set_language(user: User, language: str) -> None:
    profile = profile_of(user)
    profile.language = language
    profile.save()


def test_the_eleven_languages_are_named_in_themselves() -> None:
    names = dict(settings.LANGUAGES)
    assert list(names) == UI_LANGUAGES
    assert names["pt"] == "Português" and names["el"] == "Ελληνικά"
    assert names["ar"] == "العربية" and names["zh-hans"] == "简体中文"


def test_a_guest_gets_the_browsers_language_unless_the_picker_chose_one() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9,en;q=0.5")
    page = client.get("/accounts/login/")
    assert language_of(page.content.decode()) == "pt" and page["Content-Language"] == "pt"
    choose(client, "fr")
    assert language_of(text(client, "/accounts/login/")) == "fr"


@pytest.mark.parametrize("cookie", ["de", "xx", ""])
def test_a_cookie_of_a_language_pages_do_not_come_in_is_ignored(cookie: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    choose(client, cookie)
    assert language_of(text(client, "/accounts/login/")) == "nl"


def test_with_neither_the_page_is_english() -> None:
    assert language_of(text(Client(HTTP_ACCEPT_LANGUAGE="ja"), "/accounts/login/")) == "en"


def test_a_signed_in_persons_own_language_comes_before_the_cookie_and_the_browser() -> None:
    client, user = person("ana")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pt"
    choose(client, "fr")
    set_language(user, "el")
    assert language_of(text(client, "/account/")) == "el"
    set_language(user, "")  # the one the browser asks for: the picker's, then the browser's
    assert language_of(text(client, "/account/")) == "fr"
    del client.cookies[COOKIE]
    assert language_of(text(client, "/account/")) == "pt"


async def test_the_async_chain_shows_a_person_their_own_language() -> None:
    user = await User.objects.acreate(username="ana")
    profile = await sync_to_async(profile_of)(user)
    profile.language = "ar"
    await profile.asave()
    client = AsyncClient(HTTP_ACCEPT_LANGUAGE="pt")
    await client.aforce_login(user)
    page = await client.get("/account/")
    assert 'lang="ar" dir="rtl"' in html_tag(page.content.decode())


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("ar", "rtl"), ("zh-hans", "ltr")]
)
def test_the_html_element_names_the_language_and_its_direction(
    language: str, direction: str
) -> None:
    client = Client()
    choose(client, language)
    assert html_tag(text(client, "/accounts/login/")) == (
        f'<html lang="{language}" dir="{direction}">'
    )


def test_the_picker_offers_each_language_in_itself_and_comes_back_to_the_page() -> None:
    client = Client()
    choose(client, "hr")
    page = client.get("/accounts/signup/?next=/rooms/").content.decode()
    start = page.index('<form class="language-picker"')
    picker = page[start : page.index("</form>", start)]
    assert '<form class="language-picker" method="post" action="/i18n/setlang/"' in picker
    assert '<input type="hidden" name="next" value="/accounts/signup/?next=/rooms/">' in picker
    assert '<span class="visually-hidden">Jezik</span>' in picker  # "Language", in Croatian
    options = re.findall(
        r'<option value="([^"]+)" lang="([^"]+)"( selected)?>([^<]+)</option>', picker
    )
    assert [(code, lang) for code, lang, _, _ in options] == [(c, c) for c in UI_LANGUAGES]
    assert [code for code, _, selected, _ in options if selected] == ["hr"]
    assert ("ar", "ar", "", "العربية") in options


def test_picking_a_language_as_a_guest_keeps_it_in_the_cookie() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.cookies[COOKIE].value == "ar"
    assert 'dir="rtl"' in html_tag(text(client, "/accounts/login/"))


def test_picking_a_language_signed_in_keeps_it_in_the_profile_for_other_devices() -> None:
    client, user = person("ana")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert profile_of(user).language == "zh-hans"
    other_device = Client(HTTP_ACCEPT_LANGUAGE="da")
    other_device.force_login(user)
    assert language_of(text(other_device, "/account/")) == "zh-hans"


@pytest.mark.parametrize("language", ["de", "xx"])
def test_a_language_pages_do_not_come_in_is_not_kept(language: str) -> None:
    client, user = person("ana")
    set_language(user, "pl")
    client.post("/i18n/setlang/", {"language": language, "next": "/account/"})
    assert profile_of(user).language == "pl"
    assert language_of(text(client, "/account/")) == "pl"


def test_the_picker_does_not_send_people_to_other_sites() -> None:
    response = Client().post(
        "/i18n/setlang/", {"language": "es", "next": "https://elsewhere.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_account_page_offers_the_eleven_languages_and_the_browsers() -> None:
    client, user = person("ana")
    set_language(user, "fr")
    page = client.get("/account/").content.decode()
    select = page[
        page.index('id="id_language"') : page.index("</select>", page.index('id="id_language"'))
    ]
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    assert [value for value, _, _ in options] == ["", *UI_LANGUAGES]
    assert options[0][2] == "Celle que demande mon navigateur" and "lang=" not in options[0][1]
    assert all(f'lang="{value}"' in attrs for value, attrs, _ in options[1:])
    assert [value for value, attrs, _ in options if "selected" in attrs] == ["fr"]


def test_saving_a_language_on_the_account_page_keeps_it_on_this_browser_too() -> None:
    client, user = person("ana")
    client.post("/account/", {"form": "settings", "language": "es", "time_zone": "UTC"})
    assert profile_of(user).language == "es" and client.cookies[COOKIE].value == "es"
    client.post("/accounts/logout/")
    assert language_of(text(client, "/accounts/login/")) == "es"
    client.force_login(user)
    client.post("/account/", {"form": "settings", "language": "", "time_zone": "UTC"})
    assert profile_of(user).language == "" and client.cookies[COOKIE].value == ""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    assert language_of(text(client, "/account/")) == "da"


@pytest.mark.parametrize("language", ["de", "zh"])
def test_spoken_languages_that_pages_do_not_come_in_are_refused(language: str) -> None:
    client, user = person("ana")
    response = client.post(
        "/account/", {"form": "settings", "language": language, "time_zone": "UTC"}
    )
    assert response.status_code == 400 and profile_of(user).language == ""


def test_old_profile_languages_become_page_languages() -> None:
    migration = importlib.import_module("rooms.migrations.0009_page_languages")
    kept = {"pt": "pt", "zh": "zh-hans", "de": "", "": ""}
    users = {code: person(f"p-{code or 'none'}")[1] for code in kept}
    for code, user in users.items():
        set_language(user, code)
    migration.to_page_languages(apps, None)
    assert {code: profile_of(user).language for code, user in users.items()} == kept


def test_djangos_own_messages_come_in_the_language() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="pt")
    page = client.post("/accounts/signup/", {"username": "ana"}).content.decode()
    assert "Este campo é obrigatório." in page and "This field is required." not in page


def seen_by(
    middleware: Callable[[HttpRequest], object], user: User | AnonymousUser
) -> tuple[str, str]:
    """The language and time zone a view behind the middleware works in, for `user`."""
    request = RequestFactory().get("/")
    request.user = user
    middleware(request)
    return request.LANGUAGE_CODE, request.time_zone  # type: ignore[attr-defined]


def record(request: HttpRequest) -> HttpResponse:
    request.time_zone = timezone.get_current_timezone_name()  # type: ignore[attr-defined]
    request.LANGUAGE_CODE = translation.get_language()
    return HttpResponse()


def test_a_persons_time_zone_is_in_force_while_their_page_is_made() -> None:
    _, user = person("ana")
    profile = profile_of(user)
    profile.language, profile.time_zone = "pl", "Asia/Tokyo"
    profile.save()
    middleware = ProfileLanguageMiddleware(record)
    with translation.override("en"):  # as LocaleMiddleware sets it for each request
        assert seen_by(middleware, user) == ("pl", "Asia/Tokyo")
    with translation.override("en"):
        assert seen_by(middleware, AnonymousUser()) == ("en", "UTC")
    assert timezone.get_current_timezone_name() == "UTC"


def test_an_unknown_time_zone_leaves_utc() -> None:
    _, user = person("ana")
    profile = profile_of(user)
    profile.time_zone = "Mars/Olympus"
    profile.save()
    with translation.override("en"):
        assert seen_by(ProfileLanguageMiddleware(record), user) == ("en", "UTC")


# -- the catalog check ------------------------------------------------------------------

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def write_catalogs(locale: Path, entries: str = 'msgid "Join"\nmsgstr "Entrar"\n') -> None:
    """`django.po` for every language but English, with `entries`."""
    for code, _ in settings.LANGUAGES[1:]:
        folder = locale / translation.to_locale(code) / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "django.po").write_text(HEADER + entries, encoding="utf-8")


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    """A locale folder with complete catalogs."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (Debian's gettext) is missing; the test command installs it")
    write_catalogs(tmp_path / "locale")
    return tmp_path / "locale"


def check(*folders: Path) -> str:
    """What the check says of `folders` when it finds nothing wrong."""
    out = StringIO()
    call_command("checkcatalogs", *map(str, folders), stdout=out)
    return out.getvalue()


@pytest.fixture
def problems(locale: Path, capsys: pytest.CaptureFixture[str]) -> Callable[[], list[str]]:
    """The problems the check finds in `locale`, a line each (it must find some)."""

    def found() -> list[str]:
        with pytest.raises(CommandError, match=r"problem\(s\) in the translation catalogs"):
            call_command("checkcatalogs", str(locale))
        return capsys.readouterr().err.splitlines()

    return found


def test_complete_catalogs_pass(locale: Path) -> None:
    assert "10 catalog(s) complete in 10 languages" in check(locale)


def test_an_untranslated_entry_is_named_with_its_catalog(
    locale: Path, problems: Callable[[], list[str]]
) -> None:
    greek = locale / "el" / "LC_MESSAGES" / "django.po"
    greek.write_text(HEADER + 'msgid "Join"\nmsgstr "Είσοδος"\n\nmsgid "Leave"\nmsgstr ""\n')
    assert problems() == [f"{greek}: untranslated: 'Leave'"]


def test_an_untranslated_plural_is_found(locale: Path, problems: Callable[[], list[str]]) -> None:
    write_catalogs(locale, 'msgid "one"\nmsgid_plural "%(n)s notes"\nmsgstr[0] "x"\nmsgstr[1] ""\n')
    found = problems()
    assert len(found) == 10 and all(line.endswith("untranslated: 'one'") for line in found)


def test_a_fuzzy_entry_and_a_fuzzy_header_are_named(
    locale: Path, problems: Callable[[], list[str]]
) -> None:
    french = locale / "fr" / "LC_MESSAGES" / "django.po"
    french.write_text(HEADER + '#, fuzzy\nmsgid "Join"\nmsgstr "Joindre"\n')
    croatian = locale / "hr" / "LC_MESSAGES" / "django.po"
    croatian.write_text("#, fuzzy\n" + HEADER + 'msgid "Join"\nmsgstr "Pridruži se"\n')
    assert problems() == [f"{french}: fuzzy: 'Join'", f"{croatian}: fuzzy: the header"]


def test_a_missing_language_is_named(locale: Path, problems: Callable[[], list[str]]) -> None:
    chinese = locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
    chinese.unlink()
    assert problems() == [f"{chinese}: missing"]


def test_a_browser_catalog_needs_every_language_too(
    locale: Path, problems: Callable[[], list[str]]
) -> None:
    (locale / "frontend.pot").write_text(HEADER + 'msgid "Pen"\nmsgstr ""\n')
    arabic = locale / "ar" / "LC_MESSAGES" / "frontend.po"
    arabic.write_text(HEADER + 'msgid "Pen"\nmsgstr "قلم"\n')
    found = problems()
    assert len(found) == 9 and all(line.endswith("frontend.po: missing") for line in found)
    assert not any(str(arabic) in line for line in found)


def test_a_catalog_that_does_not_compile_is_named(
    locale: Path, problems: Callable[[], list[str]]
) -> None:
    danish = locale / "da" / "LC_MESSAGES" / "django.po"
    danish.write_text(HEADER + '#, python-format\nmsgid "Hi %(name)s"\nmsgstr "Hej %(navn)s"\n')
    found = problems()
    assert len(found) == 1 and found[0].startswith(f"{danish}: does not compile:")


def test_the_project_apps_locale_folders_and_locale_paths_are_checked(locale: Path) -> None:
    assert all(folder.parent.parent == settings.BASE_DIR for folder in project_locale_dirs())
    with override_settings(LOCALE_PATHS=[locale]):
        assert project_locale_dirs()[-1] == locale
        assert "50 catalog(s) complete" in check()  # the project's 40 and the 10 of LOCALE_PATHS
