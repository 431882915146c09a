"""The co-working room in real browsers: three people find a public room in the directory,
drop in, say what they work on, focus together through a block and a break, look at each
other's profiles and check out. The browsers' clocks (Playwright's clock) jump a block ahead,
since the server's rhythm counts in whole minutes."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Locator, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person, sign_up
from tests.e2e.test_board import AXE, AXE_RUN
from tests.support.servers import ServerProcess, manage

pytestmark = [pytest.mark.browser, pytest.mark.redis]

LOBBY = re.compile(r"^http://[^/]+/$")
ROOM_SYNCED = "() => ['roomSynced', 'chatSynced'].every((k) => document.body.dataset[k] === 'true')"


async def newcomer(crowd: Crowd, server: ServerProcess, name: str) -> Person:
    """A new account, signed in, in a browser whose clock the test controls."""
    person = await crowd.newcomer(name)
    await asyncio.wait_for(person.page.clock.install(), TIMEOUT_S)
    return await sign_up(person, server, name.lower())


async def drop_in(person: Person, server: ServerProcess, slug: str) -> None:
    """Find the room in the directory and drop in (its host enters); the page syncs and asks
    for a goal."""
    await person.page.goto(f"{server.http_url}/rooms/", timeout=TIMEOUT_MS)
    listing = person.page.locator(f'[data-testid="directory-room"][data-slug="{slug}"]')
    await listing.get_by_test_id("enter").or_(listing.get_by_test_id("drop-in")).click()
    await person.page.wait_for_url(f"**/r/{slug}/", timeout=TIMEOUT_MS)
    await person.wait_for(ROOM_SYNCED)


async def move_clocks(people: tuple[Person, ...], seconds: int) -> None:
    """Move every browser's clock on together, a few seconds at a time: presence renews
    itself every 15 s and counts as gone after 30 s without news, so one long jump would make
    each page drop the others."""
    for _ in range(seconds // 8):
        await asyncio.gather(
            *(asyncio.wait_for(p.page.clock.fast_forward(8_000), TIMEOUT_S) for p in people)
        )
        await asyncio.sleep(0.3)


async def sit_down(person: Person, goal: str) -> None:
    await expect(person.page.get_by_role("dialog", name="What will you work on?")).to_be_visible()
    await person.by_test_id("goal-input").fill(goal)
    await expect(person.by_test_id("goal-count")).to_have_text(f"{len(goal)} / 280")
    await person.by_test_id("goal-save").click()
    await expect(person.by_test_id("my-goal")).to_have_text(goal)


def desk(person: Person, name: str) -> Locator:
    """The desk card of `name` on `person`'s page."""
    return person.by_test_id("desk").filter(has=person.page.get_by_role("button", name=name))


async def test_three_people_focus_together_and_check_out(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    hana, ada, ben = [
        await newcomer(crowd, cluster.servers[i % 2], name)
        for i, name in enumerate(("Hana", "Ada", "Ben"))
    ]
    manage(cluster.env, "createroom", "studio", "--title", "Studio", "--owner", "hana")
    manage(
        cluster.env,
        "shell",
        "-c",
        "from rooms.models import Room; Room.objects.filter(slug='studio').update(public=True)",
    )
    people = (hana, ada, ben)
    goals = {"Hana": "Edit the film trailer", "Ada": "Sketch the poster", "Ben": "Mix track two"}
    for index, person in enumerate(people):
        await drop_in(person, cluster.servers[index % 2], "studio")
        await expect(person.by_test_id("room-kind")).to_have_text("☕ Co-working room")
        await sit_down(person, goals[person.name])
    for person in people:
        await expect(person.by_test_id("desk")).to_have_count(3)
        for name, goal in goals.items():
            await expect(desk(person, name).get_by_test_id("desk-goal")).to_have_text(
                f"Working on: {goal}"
            )

    # The host starts a rhythm of one-minute blocks: everyone goes to focus.
    await hana.by_test_id("rhythm-work").fill("1")
    await hana.by_test_id("rhythm-break").fill("1")
    await hana.by_test_id("rhythm-start").click()
    for person in people:
        await expect(person.by_test_id("block-name")).to_have_text("Focus block")
        await expect(person.by_test_id("desk-status")).to_have_text(["🎧 Focusing"] * 3)

    # A minute on, the break: each page moves its person to a break by itself.
    await move_clocks(people, seconds=64)
    for person in people:
        await expect(person.by_test_id("block-name")).to_have_text("Break")
        await expect(person.by_test_id("block-invite")).to_have_text(
            "Break — say hello in the chat"
        )
        await expect(person.by_test_id("desk-status")).to_have_text(["☕ On a break"] * 3)
    await expect(ada.by_test_id("block-cue")).to_contain_text("Say hello in the chat")

    # Profiles from the desks, on hover and from the keyboard.
    await desk(ada, "Ben").get_by_test_id("desk-person").hover()
    card = ada.by_test_id("profile-card")
    await expect(card).to_contain_text("Ben")
    await expect(card.get_by_test_id("profile-card-link")).to_have_attribute("href", "/people/ben/")
    await desk(hana, "Ada").get_by_test_id("desk-person").focus()
    await expect(hana.by_test_id("profile-card")).to_contain_text("Ada")
    await hana.page.keyboard.press("Escape")
    await expect(hana.by_test_id("profile-card")).to_have_count(0)

    await asyncio.wait_for(hana.page.add_script_tag(path=AXE), TIMEOUT_S)
    violations = await asyncio.wait_for(hana.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    assert violations == []

    # Check out: Ada got it done, Ben not quite; their desks go.
    await ada.by_test_id("checkout").click()
    await ada.by_test_id("checkout-yes").click()
    await ada.page.wait_for_url(LOBBY, timeout=TIMEOUT_MS)
    await ben.by_test_id("checkout").click()
    await ben.by_test_id("checkout-no").click()
    await ben.page.wait_for_url(LOBBY, timeout=TIMEOUT_MS)
    await expect(hana.by_test_id("desk")).to_have_count(1)
    await expect(hana.by_test_id("desks-count")).to_have_text("1")
    assert hana.errors == [] and ada.errors == [] and ben.errors == []
