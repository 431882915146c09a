"""A facilitator manages the room from inside it, in Chromium, without a page reload; the front
door and the 404 page pass axe-core."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Dialog, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd
from tests.e2e.test_board import AXE, AXE_RUN

pytestmark = [pytest.mark.browser, pytest.mark.redis]

MARK = "() => { window.stillThisPage = true }"
SAME_PAGE = "() => window.stillThisPage === true"


async def test_a_facilitator_invites_someone_changes_their_role_and_revokes_the_link(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    cluster.room("studio")
    server = cluster.servers[0]
    fay = await crowd.join_as_guest(server, cluster.token("studio", "facilitator"), "Fay")
    await fay.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await fay.evaluate(MARK)

    await fay.page.get_by_text("Invite people").click(timeout=TIMEOUT_MS)
    panel = fay.by_test_id("invite-panel")
    items = fay.by_test_id("invite-item")
    await expect(items).to_have_count(1, timeout=TIMEOUT_MS)  # the link Fay joined with
    await panel.locator("[name=days]").fill("2", timeout=TIMEOUT_MS)
    await panel.locator("[name=max_uses]").fill("3", timeout=TIMEOUT_MS)
    await panel.get_by_test_id("invite-create-submit").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("invite-new")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("invite-error")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(items).to_have_count(2, timeout=TIMEOUT_MS)
    await expect(items.first).to_contain_text("Participant: 0 of 3 joined")
    link = await fay.by_test_id("invite-new-url").input_value(timeout=TIMEOUT_MS)
    await fay.by_test_id("invite-copy").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("invite-announce")).to_have_text("Copied", timeout=TIMEOUT_MS)
    copied = await fay.evaluate("() => navigator.clipboard.readText()")
    assert copied == link and "/i/" in link

    token = link.rstrip("/").rsplit("/", 1)[1]
    nia = await crowd.join_as_guest(cluster.servers[1], token, "Nia")
    row = fay.by_test_id("person").filter(has_text="Nia")
    await row.get_by_test_id("person-role").select_option("observer", timeout=TIMEOUT_MS)
    await row.get_by_test_id("person-apply").click(timeout=TIMEOUT_MS)
    await expect(nia.page.get_by_text("You are observing")).to_be_visible(timeout=TIMEOUT_MS)

    asked: list[str] = []

    async def confirm(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    fay.page.once("dialog", confirm)
    await items.first.get_by_test_id("invite-revoke").click(timeout=TIMEOUT_MS)
    await expect(items).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("invite-announce")).to_have_text(
        "Invite revoked; 1 person who joined through it left the room.", timeout=TIMEOUT_MS
    )
    await expect(nia.by_test_id("connection-banner")).to_contain_text(
        "You do not have access to this room", timeout=TIMEOUT_MS
    )
    assert asked and asked[0].startswith("Revoke this invite?")
    late = await crowd.newcomer("Lee")
    await late.page.goto(link, timeout=TIMEOUT_MS)
    await expect(late.by_test_id("invite-refused")).to_have_attribute("data-problem", "revoked")

    # The room's settings, in the room: the page shows the new title at once.
    await fay.by_test_id("room-settings-open").click(timeout=TIMEOUT_MS)
    dialog = fay.by_test_id("room-settings-dialog")
    await dialog.locator("[name=title]").fill("\u200b", timeout=TIMEOUT_MS)
    await dialog.get_by_test_id("room-settings-save").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("room-settings-error")).to_have_text(
        "Title: Give the room a title.", timeout=TIMEOUT_MS
    )
    await expect(dialog.locator("[name=title]")).to_have_attribute("aria-invalid", "true")
    await dialog.locator("[name=title]").fill("Sound Studio", timeout=TIMEOUT_MS)
    await dialog.locator("[name=public]").check(timeout=TIMEOUT_MS)
    await dialog.get_by_test_id("room-settings-save").click(timeout=TIMEOUT_MS)
    await expect(dialog).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(fay.page.locator("h1.room-title")).to_have_text("Sound Studio")
    await expect(fay.page).to_have_title("Sound Studio · Co-working & Ideation Labs")
    await expect(fay.by_test_id("room-settings-announce")).to_have_text(
        "The room's settings are saved.", timeout=TIMEOUT_MS
    )
    assert await fay.evaluate(SAME_PAGE), "nothing reloaded the page"
    assert fay.errors == []


async def test_the_front_door_and_the_404_page_pass_axe(cluster: LiveCluster, crowd: Crowd) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    visitor = await crowd.newcomer("Vic")
    server = cluster.servers[0]
    report: list[str] = []
    for path, test_id in (("/", "landing"), ("/no/such/page/", "error-page")):
        await visitor.page.goto(f"{server.http_url}{path}", timeout=TIMEOUT_MS)
        await expect(visitor.by_test_id(test_id)).to_be_visible(timeout=TIMEOUT_MS)
        await asyncio.wait_for(visitor.page.add_script_tag(path=AXE), TIMEOUT_S)
        violations = await asyncio.wait_for(visitor.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
        report += [f"{path}: {v['id']} ({v['impact']}): {v['summary']}" for v in violations]
    assert report == [], "axe-core violations:\n" + "\n".join(report)
