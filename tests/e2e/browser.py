"""Helpers for driving the room page with Debian's Chromium through Playwright."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page, async_playwright

from tests.support.servers import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Upper bound for any single browser action or expectation, in milliseconds.
TIMEOUT_MS = 10_000
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a long pass phrase 42"
TIMEOUT_S = TIMEOUT_MS / 1000

SYNCED = "() => ['boardSynced', 'chatSynced'].every((key) => document.body.dataset[key] === 'true')"

#: Every object of the board document as plain JSON, by id.
OBJECTS = "() => window.coworking.boardDoc.getMap('objects').toJSON()"

#: The page point (CSS pixels) showing the board's world point `[x, y]`.
SCREEN_POINT = """([x, y]) => {
  const board = window.coworking.board
  const rect = board.surface.getBoundingClientRect()
  const offset = board.viewport.offset
  const zoom = board.viewport.zoom
  return {
    x: rect.left + board.surface.clientLeft + offset.x + x * zoom,
    y: rect.top + board.surface.clientTop + offset.y + y * zoom
  }
}"""


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, closed on the way out."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            await asyncio.wait_for(browser.close(), TIMEOUT_S)


@dataclass
class Person:
    """Someone in a room: their own browser context and page, signed in on one server."""

    name: str
    page: Page
    errors: list[str] = field(default_factory=list)

    def by_test_id(self, test_id: str) -> Locator:
        return self.page.get_by_test_id(test_id)

    async def evaluate(self, script: str) -> Any:
        """Run `script` in the page, bounded like every other browser action."""
        return await asyncio.wait_for(self.page.evaluate(script), TIMEOUT_S)

    async def wait_synced(self) -> None:
        """Wait until both the board and the chat documents have synced with the server."""
        await self.page.wait_for_function(SYNCED, timeout=TIMEOUT_MS)

    async def reload(self) -> None:
        """Load the room page afresh: whatever it shows then comes from the server."""
        await self.page.reload(timeout=TIMEOUT_MS)
        await self.wait_synced()

    async def wait_for(self, script: str, arg: Any = None) -> None:
        """Wait until the function `script` (called with `arg`) returns something truthy."""
        await self.page.wait_for_function(script, arg=arg, timeout=TIMEOUT_MS)

    async def objects(self) -> dict[str, dict[str, Any]]:
        """Every object of this page's board document as plain JSON, by id."""
        objects: dict[str, dict[str, Any]] = await self.evaluate(OBJECTS)
        return objects

    async def screen_point(self, x: float, y: float) -> tuple[float, float]:
        """Where the board's world point (x, y) is on the page now."""
        point = await asyncio.wait_for(self.page.evaluate(SCREEN_POINT, [x, y]), TIMEOUT_S)
        return point["x"], point["y"]

    async def drag(self, *points: tuple[float, float], steps: int = 8) -> None:
        """Press the mouse at the first page point, move through the others, release."""
        mouse = self.page.mouse

        async def gesture() -> None:
            await mouse.move(*points[0])
            await mouse.down()
            for point in points[1:]:
                await mouse.move(*point, steps=steps)
            await mouse.up()

        await asyncio.wait_for(gesture(), TIMEOUT_S)

    async def board_keys(self) -> list[str]:
        """Keys of the shared `objects` map in this page's board document."""
        keys: list[str] = await self.evaluate(
            "() => [...window.coworking.boardDoc.getMap('objects').keys()]"
        )
        return keys


class Crowd:
    """Opens one browser context per person and closes them all at the end."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.bypass_csp = False  # for tools a test injects (axe), never for the page's own

    async def newcomer(
        self,
        name: str,
        touch: bool = False,
        screen: dict[str, int] = LAPTOP,
        locale: str = "en-US",
    ) -> Person:
        """Someone with a browser context of their own and a blank page (errors collected);
        `touch` gives them a touch screen, `screen` its size, `locale` the language their
        browser asks for."""
        context = await asyncio.wait_for(
            self.browser.new_context(
                viewport={"width": screen["width"], "height": screen["height"]},
                reduced_motion="reduce",
                has_touch=touch,
                bypass_csp=self.bypass_csp,
                locale=locale,
            ),
            TIMEOUT_S,
        )
        self.contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = await asyncio.wait_for(context.new_page(), TIMEOUT_S)
        person = Person(name, page)
        page.on("pageerror", lambda error: person.errors.append(str(error)))
        return person

    async def join_as_guest(
        self,
        server: ServerProcess,
        token: str,
        name: str,
        touch: bool = False,
        screen: dict[str, int] = LAPTOP,
        locale: str = "en-US",
    ) -> Person:
        """Follow an invite link on `server`, join under `name` and wait for the room to sync;
        `touch` gives the person a touch screen, `screen` its size, `locale` the language
        their browser asks for."""
        person = await self.newcomer(name, touch, screen, locale)
        page = person.page
        await page.goto(f"{server.http_url}/i/{token}/", timeout=TIMEOUT_MS)
        await page.locator("[name=display_name]").fill(name, timeout=TIMEOUT_MS)
        await page.get_by_test_id("join-room").click(timeout=TIMEOUT_MS)
        await page.wait_for_url("**/r/*/", timeout=TIMEOUT_MS)
        await person.wait_synced()
        return person

    async def close(self) -> None:
        for context in self.contexts:
            await asyncio.wait_for(context.close(), TIMEOUT_S)
        self.contexts.clear()


async def sign_up(person: Person, server: ServerProcess, username: str) -> Person:
    """Make an account for `person` (their name as display name) through `server`'s sign-up
    page; they land on its home page, signed in."""
    page = person.page
    await page.goto(f"{server.http_url}/accounts/signup/", timeout=TIMEOUT_MS)
    await page.locator("[name=username]").fill(username)
    await page.locator("[name=first_name]").fill(person.name)
    await page.locator("[name=password1]").fill(PASSWORD)
    await page.locator("[name=password2]").fill(PASSWORD)
    await page.locator("form [type=submit]").last.click()
    await page.wait_for_url(f"{server.http_url}/", timeout=TIMEOUT_MS)
    return person
