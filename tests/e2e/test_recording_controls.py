"""Recording from the room page in Chromium: a facilitator records from the lab panel,
everyone sees the indicator, a newcomer is told before entering (nothing connects until
they do), and the stopped recording is in the room's list."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import WebSocket, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person
from tests.e2e.test_board import AXE, AXE_RUN
from tests.e2e.test_browser import lab

pytestmark = [pytest.mark.browser, pytest.mark.redis]

STARTED = "This session is being recorded: the board, the chat and who is present are kept."


async def axe_violations(person: Person) -> list[str]:
    """axe-core's violations on the person's page as it is now."""
    await asyncio.wait_for(person.page.add_script_tag(path=AXE), TIMEOUT_S)
    violations = await asyncio.wait_for(person.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    return [f"{person.name}: {v['id']} at {v['target']}: {v['summary']}" for v in violations]


async def arrive(crowd: Crowd, cluster: LiveCluster, slug: str, name: str) -> Person:
    """A participant who follows an invite link on server 1 and lands on the room page,
    whatever it shows first (no wait for the room to sync)."""
    person = await crowd.newcomer(name)
    page = person.page
    await page.goto(f"{cluster.servers[1].http_url}/i/{cluster.token(slug)}/")
    await page.locator("[name=display_name]").fill(name)
    await page.get_by_role("button", name="Join room").click()
    await page.wait_for_url(f"**/r/{slug}/")
    return person


async def test_a_facilitator_records_and_everyone_knows(cluster: LiveCluster, crowd: Crowd) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    fay, pat = await lab(cluster, crowd, "taped")
    # A note, so that the board's outline (scrollable) holds something to focus, for axe.
    await fay.by_test_id("add-note").click()
    await expect(pat.by_test_id("note")).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("recording-indicator")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-recording-start")).to_have_count(0)
    await expect(fay.by_test_id("lab-recording-status")).to_have_text("Not recording.")

    await fay.by_test_id("lab-recording-title").fill("Morning jam")
    await fay.by_test_id("lab-recording-start").click()
    await expect(fay.by_test_id("lab-recording-stop")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-recording-start")).to_be_hidden()
    await expect(fay.by_test_id("lab-recording-status")).to_contain_text(
        "Recording “Morning jam” since"
    )
    # Pat, on the other server process, sees and hears it.
    indicator = pat.by_test_id("recording-indicator")
    await expect(indicator).to_be_visible(timeout=TIMEOUT_MS)
    await expect(indicator).to_have_text("Recording")
    await expect(pat.by_test_id("lab-announce")).to_have_text(STARTED, timeout=TIMEOUT_MS)

    # A newcomer is told first, and nothing connects until they choose.
    nia = await arrive(crowd, cluster, "taped", "Nia")
    sockets: list[WebSocket] = []
    nia.page.on("websocket", lambda socket: sockets.append(socket))
    notice = nia.by_test_id("recording-notice")
    await expect(notice).to_be_visible(timeout=TIMEOUT_MS)
    await expect(notice).to_contain_text(
        "the board, the chat and who is present are kept for the room's members to watch later"
    )
    await expect(nia.by_test_id("board")).to_be_hidden()
    await nia.by_test_id("recording-not-now").click()
    await nia.page.wait_for_url(f"{cluster.servers[1].http_url}/")
    await nia.page.go_back()
    await expect(notice).to_be_visible(timeout=TIMEOUT_MS)
    await asyncio.sleep(0.5)  # time for a socket that should not open to open
    assert sockets == [] and await nia.evaluate("() => !window.coworking")
    assert await axe_violations(nia) == []
    await nia.page.get_by_role("button", name="Enter the room").click()
    await nia.wait_synced()
    await expect(notice).to_have_count(0)
    await expect(nia.by_test_id("board")).to_be_visible()
    await expect(nia.by_test_id("recording-indicator")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(nia.page.locator(".room-title")).to_be_focused()
    assert len(sockets) >= 3, "board, chat and room documents connect once entered"
    report = [*await axe_violations(pat), *await axe_violations(fay)]
    assert report == [], "axe-core violations:\n" + "\n".join(report)

    await fay.by_test_id("lab-recording-stop").click()
    await expect(indicator).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(nia.by_test_id("recording-indicator")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "The recording has stopped.", timeout=TIMEOUT_MS
    )
    await expect(fay.by_test_id("lab-recording-start")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-recording-title")).to_have_value("")

    # Opened afresh, the room lists the recording, with no notice now.
    await fay.reload()
    await expect(fay.by_test_id("recording-notice")).to_have_count(0)
    listed = fay.by_test_id("recordings-list").get_by_role("link", name="Morning jam")
    await expect(listed).to_be_visible(timeout=TIMEOUT_MS)
    assert fay.errors == [] and pat.errors == [] and nia.errors == []
