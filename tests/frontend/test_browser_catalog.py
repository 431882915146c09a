"""The browser's messages a page carries: the active language's catalog, the person's zone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from frontend.templatetags import browser_i18n
from rooms.models import Membership, Role, Room, profile_of

PAGE = Template("{% load browser_i18n %}{% browser_catalog %}")


def carried(user: object = None) -> dict[str, object]:
    html = PAGE.render(Context({"request": SimpleNamespace(user=user or AnonymousUser())}))
    assert html.startswith('<script id="i18n-catalog" type="application/json">')
    return json.loads(html.split(">", 1)[1].rsplit("</script>", 1)[0])


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(browser_i18n, "CATALOGS", tmp_path)
    browser_i18n.catalog_messages.cache_clear()
    yield tmp_path
    browser_i18n.catalog_messages.cache_clear()


def test_a_page_carries_its_languages_messages(catalogs: Path) -> None:
    (catalogs / "pt.json").write_text(json.dumps({"messages": {"Check out": "Sair </script>"}}))
    (catalogs / "zh_Hans.json").write_text(json.dumps({"messages": {"Check out": "签出"}}))
    assert carried() == {"messages": {}}, "English is the source: no catalog"
    with translation.override("pt"):
        assert carried()["messages"] == {"Check out": "Sair </script>"}
    with translation.override("zh-hans"):
        assert carried()["messages"] == {"Check out": "签出"}
    with translation.override("pt"):
        html = PAGE.render(Context({"request": SimpleNamespace(user=AnonymousUser())}))
    assert "Sair </script>" not in html, "the JSON cannot close the script"


@pytest.mark.django_db
def test_a_signed_in_persons_time_zone_comes_along(catalogs: Path) -> None:
    ada = User.objects.create_user("ada")
    with timezone.override("Africa/Cairo"):  # as the profile's zone is, while a page is made
        assert carried(ada)["timeZone"] == "Africa/Cairo"
        assert "timeZone" not in carried(), "a guest's browser knows its own"


@pytest.mark.django_db
def test_pages_with_a_script_carry_the_catalog_in_the_persons_language(catalogs: Path) -> None:
    (catalogs / "el.json").write_text(json.dumps({"messages": {"Check out": "Αποχώρηση"}}))
    ada = User.objects.create_user("ada")
    profile = profile_of(ada)
    profile.language, profile.time_zone = "el", "Europe/Athens"
    profile.save()
    room = Room.objects.create(slug="desk", title="Desk", kind=Room.Kind.COWORKING)
    Membership.objects.create(room=room, user=ada, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(ada)
    assert "i18n-catalog" not in client.get("/account/").content.decode(), "no script to read it"
    page = client.get("/r/desk/").content.decode()
    script = page.split('<script id="i18n-catalog" type="application/json">', 1)[1]
    assert json.loads(script.split("</script>", 1)[0]) == {
        "messages": {"Check out": "Αποχώρηση"},
        "timeZone": "Europe/Athens",
    }
