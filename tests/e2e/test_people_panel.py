"""The facilitator's People panel in Chromium: a member's name shows their profile card, and a
new role or a removal reaches the other person's page, on another server process, at once."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Dialog, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd
from tests.e2e.test_board import AXE
from tests.e2e.test_browser import lab

pytestmark = [pytest.mark.browser, pytest.mark.redis]

#: axe-core's violations within the People panel.
AXE_PANEL = """async () => {
  const result = await axe.run('[data-testid=people-panel]', {resultTypes: ['violations']})
  return result.violations.map((v) => `${v.id}: ${v.nodes[0]?.failureSummary}`)
}"""


async def test_a_facilitator_changes_a_role_and_removes_someone_from_the_people_panel(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    fay, pat = await lab(cluster, crowd, "roles")
    await expect(pat.by_test_id("people-panel")).to_have_count(0, timeout=TIMEOUT_MS)
    people = fay.by_test_id("person")
    await expect(people).to_have_count(2, timeout=TIMEOUT_MS)
    row = people.filter(has_text="Pat")
    await expect(row).to_have_attribute("data-here", "true", timeout=TIMEOUT_MS)
    await expect(row.get_by_test_id("person-role")).to_have_value("participant")
    await pat.by_test_id("lab-hand").click(timeout=TIMEOUT_MS)
    await expect(row.get_by_test_id("person-hand")).to_have_text("Hand raised")
    # A member's name shows their profile card, on hover and from the keyboard.
    await row.get_by_test_id("person-name").hover(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("profile-card")).to_contain_text("Pat", timeout=TIMEOUT_MS)
    await fay.page.mouse.move(5, 400)  # away: the card closes
    await expect(fay.by_test_id("profile-card")).to_have_count(0, timeout=TIMEOUT_MS)
    await people.filter(has_text="Fay").get_by_test_id("person-name").focus(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("profile-card")).to_contain_text("Fay", timeout=TIMEOUT_MS)
    await asyncio.wait_for(fay.page.add_script_tag(path=AXE), TIMEOUT_S)
    assert await asyncio.wait_for(fay.page.evaluate(AXE_PANEL), 3 * TIMEOUT_S) == []
    await fay.page.keyboard.press("Escape")

    # Choosing a role changes nothing until it is applied.
    menu = row.get_by_test_id("person-role")
    await menu.select_option("observer", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("add-note")).to_be_visible(timeout=TIMEOUT_MS)
    await row.get_by_test_id("person-apply").click(timeout=TIMEOUT_MS)
    # Pat's page, on the other server, is an observer's at once.
    await expect(pat.by_test_id("add-note")).to_have_count(0, timeout=TIMEOUT_MS)
    await expect(pat.page.get_by_text("You are observing")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("board-message")).to_contain_text(
        "A facilitator made you an observer", timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("chat-input")).to_be_disabled(timeout=TIMEOUT_MS)
    await expect(menu).to_have_value("observer", timeout=TIMEOUT_MS)

    # From the keyboard: choose, Tab to "Change", Enter; the focus stays on the row.
    await menu.select_option("participant", timeout=TIMEOUT_MS)
    await menu.press("Tab", timeout=TIMEOUT_MS)
    await expect(row.get_by_test_id("person-apply")).to_be_focused(timeout=TIMEOUT_MS)
    await fay.page.keyboard.press("Enter")
    await expect(pat.by_test_id("add-note")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(menu).to_be_focused(timeout=TIMEOUT_MS)

    # The last facilitator cannot step down: the panel says why.
    fay_menu = people.filter(has_text="Fay").get_by_test_id("person-role")
    await fay_menu.select_option("participant", timeout=TIMEOUT_MS)
    await people.filter(has_text="Fay").get_by_test_id("person-apply").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("people-error")).to_have_text(
        "A room needs a facilitator: make someone else a facilitator first.", timeout=TIMEOUT_MS
    )
    await expect(fay_menu).to_have_value("facilitator", timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("add-note")).to_be_visible(timeout=TIMEOUT_MS)

    asked: list[str] = []

    async def confirm(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    fay.page.once("dialog", confirm)
    await row.get_by_test_id("person-remove").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("connection-banner")).to_contain_text(
        "You do not have access to this room", timeout=TIMEOUT_MS
    )
    await expect(people).to_have_count(1, timeout=TIMEOUT_MS)
    assert asked == [
        "Remove Pat (guest) from the room? They can come back only through a new invite."
    ]
    assert fay.errors == [] and pat.errors == []
