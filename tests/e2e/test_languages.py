"""The pages in other languages, in Chromium: the header's language picker and how it is
remembered, a whole room in Arabic (right to left, every word Arabic, notes and chat in both
directions), and axe-core on every page in English, Arabic and Polish, a chat that overflows among
them."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.conftest import LiveCluster
from tests.e2e.browser import PASSWORD, PHONE, Crowd, Person, sign_up
from tests.e2e.test_board import assert_no_page_errors
from tests.e2e.test_browser import send_chat
from tests.e2e.test_layout import LONG_MESSAGES, axe_violations, boxes
from tests.frontend import test_every_language
from tests.support.servers import manage

pytestmark = [pytest.mark.browser, pytest.mark.redis]

#: Every visible text and every accessible name a script or a template put on the page, but
#: what sits in an element marked in another language (`lang`), as [text, lang] pairs.
SHOWN_TEXT = r"""() => {
  const page = document.documentElement.lang
  const shown = (element) => element.getClientRects().length > 0 &&
    getComputedStyle(element).visibility !== 'hidden'
  const langOf = (element) => element.closest('[lang]')?.lang ?? page
  const found = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement
    if (!element || element.closest('script, style, template') || !shown(element)) continue
    const text = node.textContent.replace(/\s+/g, ' ').trim()
    if (text) found.push([text, langOf(element)])
  }
  const names = ['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-valuetext']
  for (const element of document.body.querySelectorAll(names.map((n) => `[${n}]`).join())) {
    if (!shown(element)) continue
    for (const name of names) {
      const value = element.getAttribute(name)?.trim()
      if (value) found.push([value, langOf(element)])
    }
  }
  return found
}"""
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
UNIVERSAL = test_every_language.UNIVERSAL


async def english_left(person: Person, *content: str) -> list[str]:
    """The texts on the person's page still holding an English word, after what people wrote
    (`content`) is taken out."""
    left = set()
    for text, lang in await person.evaluate(SHOWN_TEXT):
        if lang != await person.evaluate("() => document.documentElement.lang"):
            continue
        rest = text
        for words in sorted(content, key=len, reverse=True):
            rest = rest.replace(words, "")
        if LATIN_WORD.search(UNIVERSAL.sub("", rest)):
            left.add(text)
    return sorted(left)


async def html_lang(person: Person) -> list[str]:
    found: list[str] = await person.evaluate(
        "() => [document.documentElement.lang, document.documentElement.dir]"
    )
    return found


async def pick_language(person: Person, code: str) -> None:
    """Choose `code` in the header's language picker (no script needed: the form posts)."""
    picker = person.by_test_id("language-picker")
    if not await picker.is_visible():  # in a room, the picker is in the room bar's Menu
        await person.by_test_id("site-menu").click()
    await picker.locator("select").select_option(code)
    async with person.page.expect_navigation():
        await picker.locator("[type=submit]").click()


async def test_the_language_picker_changes_every_page_and_follows_the_person(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    server = cluster.servers[0]
    lena = await crowd.newcomer("Lena Kowalska")
    await lena.page.goto(f"{server.http_url}/")
    assert await html_lang(lena) == ["en", "ltr"]
    english = await lena.page.locator("h1").text_content()
    await pick_language(lena, "pl")
    assert await html_lang(lena) == ["pl", "ltr"]
    assert await lena.page.locator("h1").text_content() != english
    await lena.page.goto(f"{server.http_url}/accounts/login/")
    assert await html_lang(lena) == ["pl", "ltr"], "the picker's cookie holds for a visitor"

    await sign_up(lena, server, "lena")
    assert await html_lang(lena) == ["pl", "ltr"]
    await pick_language(lena, "ar")
    assert await html_lang(lena) == ["ar", "rtl"]
    # Signed in, the choice is the person's: a new browser asking for English gets Arabic.
    elsewhere = await crowd.newcomer("Lena Kowalska", locale="en-GB")
    await elsewhere.page.goto(f"{cluster.servers[1].http_url}/accounts/login/")
    assert await html_lang(elsewhere) == ["en", "ltr"]
    await elsewhere.page.locator("[name=username]").fill("lena")
    await elsewhere.page.locator("[name=password]").fill(PASSWORD)
    async with elsewhere.page.expect_navigation():
        await elsewhere.page.locator("main form [type=submit]").click()
    assert await html_lang(elsewhere) == ["ar", "rtl"]
    assert await english_left(elsewhere, "Lena Kowalska", "lena") == []
    assert_no_page_errors(lena, elsewhere)


async def test_a_room_in_arabic_reads_right_to_left_in_arabic(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    cluster.room("souk")
    first, second = cluster.servers
    fay = await crowd.join_as_guest(first, cluster.token("souk", "facilitator"), "Fay", locale="ar")
    pat = await crowd.join_as_guest(second, cluster.token("souk"), "Pat", locale="ar-EG")
    for person in (fay, pat):
        assert await html_lang(person) == ["ar", "rtl"]
    found = await boxes(pat)
    assert abs(found["dock"]["left"]) <= 2, "the panels sit on the left"
    assert abs(found["board"]["right"] - found["width"]) <= 2

    for text in ("فكرة جديدة", "A new idea"):  # notes in both directions
        await pat.by_test_id("add-note").click()
        await expect(pat.page.locator("[data-testid=note-text]:focus")).to_have_count(1)
        await pat.page.keyboard.type(text)
        await pat.page.keyboard.press("Escape")
    await expect(fay.by_test_id("note-text")).to_have_count(2)
    directions = await fay.page.eval_on_selector_all(
        "[data-testid=note-text]", "(fields) => fields.map((f) => getComputedStyle(f).direction)"
    )
    assert sorted(directions) == ["ltr", "rtl"]
    await send_chat(fay, "مرحبا بالجميع")
    await send_chat(pat, "Hello from Cairo")
    await expect(fay.by_test_id("chat-message")).to_have_count(2)
    for person in (fay, pat):
        content = ("Fay", "Pat", "Souk", "A new idea", "Hello from Cairo")
        left = await english_left(person, *content)
        assert left == [], f"{person.name}: {left}"
    report = await axe_violations(fay) + await axe_violations(pat)
    assert report == [], "axe-core violations:\n" + "\n".join(report)
    assert_no_page_errors(fay, pat)


def recording(cluster: LiveCluster, slug: str) -> int:
    """A finished recording of an hour in the room `slug`, made in its database."""
    script = (
        "from rooms.models import Recording, Room; import time; now = int(time.time() * 1000); "
        f"print(Recording.objects.create(room=Room.objects.get(slug='{slug}'), title='Warm-up',"
        " started_ms=now - 3_600_000, ended_ms=now).pk)"
    )
    return int(manage(cluster.env, "shell", "-c", script).split()[-1])


@pytest.mark.parametrize("locale", ["en", "ar", "pl"])
async def test_every_page_has_no_axe_violations(
    cluster: LiveCluster, crowd: Crowd, locale: str
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    server = cluster.servers[0]
    base = server.http_url
    visitor = await crowd.newcomer("Visitor", locale=locale)
    report: list[str] = []
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/no/such/page/"):
        await visitor.page.goto(f"{base}{path}")
        assert (await html_lang(visitor))[0] == locale
        report += [f"{path} {line}" for line in await axe_violations(visitor)]

    ana = await sign_up(await crowd.newcomer("Ana Nowak", locale=locale), server, "ana")
    cluster.room("warsztat")
    cluster.room("biurko", kind="coworking")
    membership = (
        "from django.contrib.auth.models import User; from rooms.models import Membership, Room; "
        "ana = User.objects.get(username='ana'); "
        "[Membership.objects.create(room=Room.objects.get(slug=slug), user=ana, "
        "role='facilitator') for slug in ('warsztat', 'biurko')]"
    )
    manage(cluster.env, "shell", "-c", membership)
    played = recording(cluster, "warsztat")
    pages = [
        "/",
        "/rooms/",
        "/account/",
        "/account/profile/",
        "/people/ana/",
        "/r/biurko/settings/",
        "/r/biurko/",
        f"/r/warsztat/recordings/{played}/",
        "/r/warsztat/",
    ]
    for path in pages:
        await ana.page.goto(f"{base}{path}")
        report += [f"{path} {line}" for line in await axe_violations(ana)]
    for text in LONG_MESSAGES:  # a chat that overflows
        await send_chat(ana, text)
    report += [f"chat {line}" for line in await axe_violations(ana)]

    phone = await crowd.join_as_guest(
        cluster.servers[1],
        cluster.token("warsztat"),
        "Tia",
        touch=True,
        screen=PHONE,
        locale=locale,
    )
    wide = await phone.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], "nothing reaches past the phone's screen, in either direction"
    await phone.by_test_id("panel-toggle-chat").tap()
    await expect(phone.by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES))
    report += [f"phone {line}" for line in await axe_violations(phone)]
    assert report == [], "axe-core violations:\n" + "\n".join(report)
    assert_no_page_errors(visitor, ana, phone)
