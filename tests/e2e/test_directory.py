"""The directory and the home page in Chromium, on two server processes sharing one Redis: who
is in a room shows on the other process's directory, dropping in works, and axe-core finds
nothing on either page."""

from __future__ import annotations

import asyncio
import time

import pytest
from playwright.async_api import expect

from tests.conftest import LiveCluster
from tests.e2e.browser import PHONE, TIMEOUT_S, Crowd, sign_up
from tests.e2e.test_recording_controls import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.redis]


async def test_someone_in_a_public_room_shows_in_the_directory_of_another_process(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    first, second = cluster.servers
    ada = await sign_up(await crowd.newcomer("Ada Lovelace", screen=PHONE), first, "ada")
    await ada.page.get_by_label("Title").fill("Studio Hours")
    await ada.page.get_by_label("Kind").select_option("coworking")
    await ada.page.get_by_label("List it in the directory").check()
    await ada.page.locator("#id_language").select_option("pt")  # not the page picker
    await ada.page.get_by_label("Music", exact=True).check()
    await ada.page.get_by_role("button", name="Create room").click()
    await ada.page.wait_for_url("**/r/studio-hours/")
    settings = "/r/studio-hours/settings/"
    await expect(ada.by_test_id("room-settings")).to_have_attribute("href", settings)
    await ada.page.goto(f"{first.http_url}{settings}")  # the room first asks for a goal
    form = ada.by_test_id("session-form")
    await form.get_by_label("Title").fill("Morning focus")
    await form.get_by_label("Date").fill(f"{time.gmtime().tm_year + 1}-01-15")
    await form.get_by_label("Start time").fill("09:30")
    await form.get_by_role("button", name="Schedule").click()
    await expect(ada.by_test_id("session")).to_have_count(1)
    await ada.page.goto(f"{first.http_url}/r/studio-hours/")  # in the room: a socket's presence

    ben = await sign_up(await crowd.newcomer("Ben", screen=PHONE), second, "ben")
    await ben.page.get_by_role("link", name="Rooms").click()
    room = ben.page.locator('[data-testid=directory-room][data-slug="studio-hours"]')
    await expect(room).to_have_count(1)
    deadline = time.monotonic() + TIMEOUT_S
    while await room.get_by_test_id("live-count").get_attribute("data-count") != "1":
        assert time.monotonic() < deadline, "Ada's presence never reached the directory"
        await asyncio.sleep(0.3)
        await ben.page.reload()
    await expect(room.get_by_test_id("face")).to_have_text("AL Ada Lovelace")
    report = await axe_violations(ben)

    show = ben.page.get_by_role("button", name="Show rooms")
    await ben.page.locator("form", has=show).get_by_label("Language").select_option("de")
    await show.click()
    await expect(ben.by_test_id("directory-empty")).to_be_visible()
    await ben.page.get_by_role("link", name="Clear filters").click()

    await room.get_by_test_id("drop-in").click()
    await ben.page.wait_for_url("**/r/studio-hours/")
    await ben.page.goto(f"{second.http_url}/")
    await expect(ben.by_test_id("session")).to_contain_text("Morning focus")
    await expect(ben.by_test_id("activity").first).to_contain_text("Ada Lovelace scheduled")
    await ben.page.get_by_role("link", name="Rooms").click()
    await expect(room.get_by_test_id("enter")).to_be_visible()
    await ben.page.goto(f"{second.http_url}/")
    await expect(ben.page.get_by_role("heading", name="Live now")).to_be_visible()
    report += await axe_violations(ben)
    await ada.page.goto(f"{first.http_url}/")
    await expect(ada.by_test_id("activity").first).to_contain_text("Ben dropped into")
    report += await axe_violations(ada)
    assert report == [], "axe-core violations:\n" + "\n".join(report)
    assert ada.errors == [] and ben.errors == []
