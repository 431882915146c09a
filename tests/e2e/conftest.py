"""Browser fixtures shared by the real-browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from tests.e2e.browser import Crowd, chromium


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def crowd(browser: Browser) -> AsyncIterator[Crowd]:
    """Opens a browser context per person; closes them after the test."""
    people = Crowd(browser)
    yield people
    await people.close()
