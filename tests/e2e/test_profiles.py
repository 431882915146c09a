"""The profile, profile editing and account pages in a real browser: no axe-core violations,
on a phone-sized screen too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.conftest import LiveCluster, start_cluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S
from tests.e2e.test_board import AXE, AXE_RUN
from tests.support.servers import manage

pytestmark = [pytest.mark.browser, pytest.mark.redis]

PASSWORD = "pw-Long-enough-1"
#: Ada, with a filled-in profile and a focus log, in a room with Ben.
PEOPLE = f"""
from datetime import UTC, datetime
from django.contrib.auth.models import User
from rooms.models import FocusEntry, Membership, Room, profile_of
ada = User.objects.create_user("ada", password="{PASSWORD}", first_name="Ada Lovelace")
ben = User.objects.create_user("ben", password="{PASSWORD}", first_name="Ben")
room = Room.objects.create(slug="studio", title="Studio")
for user in (ada, ben):
    Membership.objects.create(room=room, user=user)
profile = profile_of(ada)
profile.disciplines, profile.languages = ["music", "design"], ["en", "pt"]
profile.city, profile.country, profile.bio = "Lisbon", "Portugal", "I make records."
profile.links = ["https://ada.example/"]
profile.save()
FocusEntry.objects.create(user=ada, room=room, started_at=datetime.now(UTC), goal="Mix",
                          done=True, focus_ms=3_000_000)
"""


@pytest.fixture
def server(tmp_path: Path, redis_url: str) -> Iterator[LiveCluster]:
    live = start_cluster(tmp_path, redis_url, 1)
    manage(live.env, "shell", "-c", PEOPLE)
    yield live
    for process in live.servers:
        process.stop()


async def signed_in(browser: Browser, url: str, width: int) -> Page:
    context = await asyncio.wait_for(
        browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True), TIMEOUT_S
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.goto(f"{url}/accounts/login/")
    await page.locator("[name=username]").fill("ada")
    await page.locator("[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{url}/")
    return page


async def violations(page: Page) -> list[dict[str, object]]:
    await page.add_script_tag(path=str(AXE))
    found: list[dict[str, object]] = await asyncio.wait_for(page.evaluate(AXE_RUN), TIMEOUT_S)
    return found


@pytest.mark.parametrize("width", [1280, 375])
async def test_profile_and_account_pages_have_no_axe_violations(
    server: LiveCluster, browser: Browser, width: int
) -> None:
    url = server.servers[0].http_url
    page = await signed_in(browser, url, width)
    try:
        await page.get_by_test_id("nav-profile").click()
        await page.wait_for_url(f"{url}/people/ada/")
        assert await page.get_by_role("heading", name="Ada Lovelace").is_visible()
        assert await violations(page) == []
        await page.get_by_role("link", name="Edit profile").click()
        await page.wait_for_url(f"{url}/account/profile/")
        assert await violations(page) == []
        await page.get_by_test_id("nav-account").click()
        await page.wait_for_url(f"{url}/account/")
        assert await page.get_by_test_id("focus-log").get_by_text("Mix").is_visible()
        assert await violations(page) == []
        overflow = await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        await page.context.close()
