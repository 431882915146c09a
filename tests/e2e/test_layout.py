"""The room page's layout in real browsers: the board fills the window, the side panels
collapse and resize (by keyboard too) and are remembered, toolbars are one Tab stop, the chat
opens at its newest message, a phone gets tabs, and the layout mirrors right to left."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import expect

from tests.conftest import LiveCluster
from tests.e2e.browser import LAPTOP, PHONE, TIMEOUT_S, Crowd, Person
from tests.e2e.test_board import AXE, AXE_RUN, assert_no_page_errors
from tests.e2e.test_browser import lab, send_chat

pytestmark = [pytest.mark.browser, pytest.mark.redis]

#: Boxes of the page's parts (viewport pixels) and the viewport's size.
BOXES = """() => {
  const box = (selector) => {
    const element = document.querySelector(selector)
    if (!element || element.getClientRects().length === 0) return null
    const r = element.getBoundingClientRect()
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}
  }
  return {
    board: box('[data-testid=board]'),
    bar: box('.room-bar'),
    dock: box('[data-testid=dock]'),
    width: document.documentElement.clientWidth,
    height: window.innerHeight
  }
}"""

#: How far the chat list is from its bottom, in pixels.
CHAT_FROM_BOTTOM = """() => {
  const list = document.querySelector('[data-testid=chat-messages]')
  return list.scrollHeight - list.scrollTop - list.clientHeight
}"""

#: How far the chat list is scrolled from its top, in pixels.
CHAT_TOP = "() => document.querySelector('[data-testid=chat-messages]').scrollTop"

#: The data-testid of the focused element.
FOCUSED = "() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName"

#: Several screens of chat: five long messages (the chat takes five in five seconds).
LONG_MESSAGES = ["\n".join(f"Idea {n}.{line}" for line in range(12)) for n in range(5)]


async def boxes(person: Person) -> dict[str, Any]:
    found: dict[str, Any] = await person.evaluate(BOXES)
    return found


async def press(person: Person, key: str) -> None:
    await asyncio.wait_for(person.page.keyboard.press(key), TIMEOUT_S)


async def focused(person: Person) -> str:
    name: str = await person.evaluate(FOCUSED)
    return name


async def axe_violations(person: Person) -> list[str]:
    await asyncio.wait_for(person.page.add_script_tag(path=AXE), TIMEOUT_S)
    violations = await asyncio.wait_for(person.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    return [
        f"{person.name}: {v['id']} ({v['impact']}, {v['nodes']} nodes), first at "
        f"{v['target']}: {v['summary']}"
        for v in violations
    ]


async def fill_the_chat(person: Person) -> None:
    for text in LONG_MESSAGES:
        await send_chat(person, text)
    await expect(person.by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES))


async def test_the_board_fills_the_window_below_the_room_bar(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "full")
    found = await boxes(pat)
    board, bar, dock = found["board"], found["bar"], found["dock"]
    assert found["width"] == LAPTOP["width"]
    assert bar["bottom"] <= 60, "the room bar is slim"
    toolbar = await pat.page.locator(".board-top").bounding_box()
    assert toolbar is not None and abs(toolbar["y"] - bar["bottom"]) <= 2
    assert abs(board["top"] - bar["bottom"]) <= toolbar["height"] + 2, (
        "the action bar, then the board"
    )
    assert abs(board["bottom"] - found["height"]) <= 2
    assert abs(board["left"]) <= 2
    assert abs(board["right"] - dock["left"]) <= 10, "the panels sit at the board's inline end"
    assert abs(dock["right"] - found["width"]) <= 2

    for name in ("chat", "people", "outline", "lab"):
        await pat.by_test_id(f"panel-toggle-{name}").click()
    await expect(pat.by_test_id("dock")).to_be_hidden()
    found = await boxes(pat)
    assert abs(found["board"]["width"] - found["width"]) <= 2, "with no panel open the board fills"
    assert abs(found["board"]["bottom"] - found["height"]) <= 2
    assert_no_page_errors(fay, pat)


async def test_panels_collapse_and_resize_by_keyboard_and_are_remembered(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "dock")
    resizer = pat.by_test_id("dock-resizer")
    await expect(resizer).to_have_attribute("role", "separator")
    await expect(resizer).to_have_attribute("aria-valuenow", "340")
    before = (await boxes(pat))["board"]["width"]
    await resizer.focus()
    for _ in range(3):
        await press(pat, "ArrowLeft")  # toward the board: a wider dock
    await expect(resizer).to_have_attribute("aria-valuenow", "400")
    after = (await boxes(pat))["board"]["width"]
    assert abs(before - after - 60) <= 2, (before, after)
    await press(pat, "ArrowRight")
    await expect(resizer).to_have_attribute("aria-valuenow", "380")

    toggle = pat.by_test_id("panel-toggle-outline")
    await expect(toggle).to_have_attribute("aria-controls", "panel-outline")
    await toggle.focus()
    await press(pat, "Enter")
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(pat.page.locator("#panel-outline")).to_be_hidden()
    for name in ("lab", "chat", "people"):  # the switcher is a toolbar: arrows move and wrap
        await press(pat, "ArrowRight")
        assert await focused(pat) == f"panel-toggle-{name}"
        await press(pat, " ")
    await expect(pat.by_test_id("dock")).to_be_hidden()
    await expect(resizer).to_be_hidden()
    closed = (await boxes(pat))["board"]["width"]
    assert abs(closed - LAPTOP["width"]) <= 2

    await press(pat, "End")
    assert await focused(pat) == "panel-toggle-lab"
    await press(pat, "Enter")
    await expect(pat.by_test_id("lab-panel")).to_be_visible()
    await pat.reload()
    await expect(pat.by_test_id("panel-toggle-lab")).to_have_attribute("aria-expanded", "true")
    await expect(pat.by_test_id("panel-toggle-chat")).to_have_attribute("aria-expanded", "false")
    await expect(pat.by_test_id("chat-input")).to_be_hidden()
    await expect(resizer).to_have_attribute("aria-valuenow", "380")
    reloaded = await boxes(pat)
    assert abs(reloaded["dock"]["width"] - 380) <= 2
    assert abs(reloaded["board"]["width"] + 380 - LAPTOP["width"]) <= 10
    # Another person's choices are their own.
    await expect(fay.by_test_id("panel-toggle-chat")).to_have_attribute("aria-expanded", "true")
    assert_no_page_errors(fay, pat)


async def test_a_toolbar_is_one_tab_stop_with_arrow_keys_inside(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "keys")
    tabs = 0
    while await focused(pat) != "add-note":
        await press(pat, "Tab")
        tabs += 1
        assert tabs < 15, "the board's toolbar is a few Tabs from the top"
    await press(pat, "ArrowRight")
    assert await focused(pat) == "color-yellow"
    await press(pat, "ArrowRight")
    assert await focused(pat) == "color-pink"
    await press(pat, "Tab")
    assert await focused(pat) == "tool-select", "the toolbar is one Tab stop"
    await press(pat, "ArrowDown")
    assert await focused(pat) == "tool-note"
    await press(pat, "End")
    assert await focused(pat) == "tool-image"
    await press(pat, "ArrowDown")
    assert await focused(pat) == "tool-select", "the arrows wrap around"
    await press(pat, "Shift+Tab")
    assert await focused(pat) == "color-pink", "the toolbar keeps the button last focused"
    await press(pat, "Home")
    assert await focused(pat) == "add-note"
    await press(pat, "Tab")
    await press(pat, "Tab")
    assert await focused(pat) == "board"
    stops = await pat.evaluate(
        "() => [...document.querySelectorAll('[role=toolbar]')].map("
        "(bar) => bar.querySelectorAll('button[tabindex=\"0\"]').length)"
    )
    assert stops == [1, 1, 1, 1], stops
    assert_no_page_errors(fay, pat)


async def test_a_late_joiner_reads_the_chat_from_the_newest_message(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "late")
    await fill_the_chat(fay)
    lee = await crowd.join_as_guest(cluster.servers[1], cluster.token("late"), "Lee")
    messages = lee.by_test_id("chat-messages")
    await expect(messages.get_by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES))
    await expect(messages).to_have_attribute("tabindex", "0")
    await expect(messages).to_have_attribute("aria-label", "Messages")
    await lee.wait_for(f"() => ({CHAT_FROM_BOTTOM})() < 2")
    assert await lee.evaluate(CHAT_TOP) > 0

    await messages.focus()
    await press(lee, "Home")  # the list scrolls by keyboard
    await lee.wait_for(f"() => ({CHAT_TOP})() === 0")
    await send_chat(pat, "While Lee reads back")
    await expect(messages.get_by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES) + 1)
    assert await lee.evaluate(CHAT_TOP) == 0
    await press(lee, "End")
    await lee.wait_for(f"() => ({CHAT_FROM_BOTTOM})() < 2")
    await send_chat(pat, "Lee follows along again")
    await expect(messages.get_by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES) + 2)
    await lee.wait_for(f"() => ({CHAT_FROM_BOTTOM})() < 2")
    assert_no_page_errors(fay, pat, lee)


async def test_on_a_phone_the_board_is_full_screen_and_the_chat_one_tap_away(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "phone")
    tia = await crowd.join_as_guest(
        cluster.servers[0], cluster.token("phone"), "Tia", touch=True, screen=PHONE
    )
    found = await boxes(tia)
    assert found["dock"] is None, "the board first"
    assert abs(found["board"]["width"] - PHONE["width"]) <= 2
    assert abs(found["board"]["left"]) <= 2
    await expect(tia.by_test_id("dock-resizer")).to_be_hidden()
    tab = tia.by_test_id("panel-toggle-chat")
    size = await tab.bounding_box()
    assert size is not None and size["height"] >= 44 and size["width"] >= 44

    await tab.tap()
    await expect(tab).to_have_attribute("aria-expanded", "true")
    chat = await boxes(tia)
    assert chat["dock"] is not None and abs(chat["dock"]["width"] - PHONE["width"]) <= 2
    await tia.by_test_id("chat-input").tap()
    await send_chat(tia, "Hello from my phone")
    await expect(fay.by_test_id("chat-message")).to_contain_text("Hello from my phone")
    send = await tia.by_test_id("chat-send").bounding_box()
    assert send is not None and send["y"] + send["height"] <= PHONE["height"]

    await tia.by_test_id("panel-board").tap()
    await expect(tia.by_test_id("dock")).to_be_hidden()
    await tia.by_test_id("panel-toggle-lab").tap()
    await expect(tia.by_test_id("lab-panel")).to_be_visible()
    await expect(tia.by_test_id("chat-input")).to_be_hidden()
    assert_no_page_errors(fay, pat, tia)


async def test_the_layout_mirrors_right_to_left(cluster: LiveCluster, crowd: Crowd) -> None:
    fay, pat = await lab(cluster, crowd, "mirror")
    await pat.evaluate("() => { document.documentElement.dir = 'rtl' }")
    await pat.wait_for(
        "() => document.querySelector('[data-testid=dock]').getBoundingClientRect().left < 2"
    )
    found = await boxes(pat)
    assert abs(found["dock"]["left"]) <= 2, "the panels sit on the left"
    assert abs(found["board"]["left"] - found["dock"]["right"]) <= 10
    assert abs(found["board"]["right"] - found["width"]) <= 2
    rail = await pat.page.locator(".tool-rail").bounding_box()
    assert rail is not None and rail["x"] > found["board"]["right"] - 100, "tools on the right"

    resizer = pat.by_test_id("dock-resizer")
    await resizer.focus()
    await press(pat, "ArrowRight")  # toward the board, mirrored: a wider dock
    await expect(resizer).to_have_attribute("aria-valuenow", "360")
    await pat.by_test_id("add-note").focus()
    await press(pat, "ArrowLeft")  # the next button, mirrored
    assert await focused(pat) == "color-yellow"

    for text in ("مرحبا بالجميع", "Hello, everyone"):  # notes in both directions
        await pat.by_test_id("add-note").click()
        await expect(pat.page.locator("[data-testid=note-text]:focus")).to_have_count(1)
        await pat.page.keyboard.type(text)
        await press(pat, "Escape")
    directions = await pat.page.eval_on_selector_all(
        "[data-testid=note-text]",
        "(fields) => fields.map((f) => [f.value, f.dir, getComputedStyle(f).direction])",
    )
    assert sorted(directions) == [
        ["Hello, everyone", "auto", "ltr"],
        ["مرحبا بالجميع", "auto", "rtl"],
    ], "each note's text takes its own direction in a right-to-left page"
    assert_no_page_errors(fay, pat)


async def test_the_room_page_has_no_axe_violations_on_a_laptop_and_a_phone(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    fay, pat = await lab(cluster, crowd, "access")
    await fill_the_chat(pat)
    tia = await crowd.join_as_guest(
        cluster.servers[0], cluster.token("access"), "Tia", touch=True, screen=PHONE
    )
    report = await axe_violations(fay) + await axe_violations(tia)
    await tia.by_test_id("panel-toggle-chat").tap()
    await expect(tia.by_test_id("chat-message")).to_have_count(len(LONG_MESSAGES))
    report += await axe_violations(tia)
    assert report == [], "axe-core violations:\n" + "\n".join(report)
    assert_no_page_errors(fay, pat, tia)
