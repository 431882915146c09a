"""The strict Content-Security-Policy breaks nothing: no violation on the lobby or the room,
and the room still renders and syncs."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import ConsoleMessage, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person

pytestmark = [pytest.mark.browser, pytest.mark.redis]

#: Collects the page's CSP violation events from the first script that runs on every load.
RECORD_VIOLATIONS = """
window.cspViolations = []
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`)
})
"""


async def watch(person: Person) -> list[str]:
    """Record CSP violations (events and console reports) on every page `person` loads."""
    reports: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reports.append(message.text)

    person.page.on("console", on_console)
    await asyncio.wait_for(person.page.context.add_init_script(RECORD_VIOLATIONS), TIMEOUT_S)
    return reports


async def violations(person: Person) -> list[str]:
    found: list[str] = await person.evaluate("() => window.cspViolations")
    return found


async def test_lobby_and_room_run_under_the_policy(cluster: LiveCluster, crowd: Crowd) -> None:
    cluster.room("policy")
    token = cluster.token("policy")
    ada = await crowd.join_as_guest(cluster.servers[0], token, "Ada")
    ben = await crowd.join_as_guest(cluster.servers[1], token, "Ben")
    reports = await watch(ada) + await watch(ben)

    lobby = await ada.page.goto(f"{cluster.servers[0].http_url}/", timeout=TIMEOUT_MS)
    assert lobby is not None
    policy = await lobby.header_value("content-security-policy")
    assert policy is not None and "script-src 'self';" in policy
    live = ada.by_test_id("live-now").get_by_role("link", name="Policy", exact=True)
    await expect(live).to_be_visible(timeout=TIMEOUT_MS)
    assert await violations(ada) == []
    await live.click(timeout=TIMEOUT_MS)
    await ada.wait_synced()
    await ben.reload()

    await ada.by_test_id("add-note").click(timeout=TIMEOUT_MS)
    editor = ada.by_test_id("note").get_by_test_id("note-text")
    await expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    await editor.press_sequentially("Under policy", timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("note").get_by_test_id("note-text")).to_have_value(
        "Under policy", timeout=TIMEOUT_MS
    )
    assert await violations(ada) == [] and await violations(ben) == []
    assert reports == []
    assert ada.errors == [] and ben.errors == []
