"""The room page in real browsers: two people on two server processes that share one Redis."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Dialog, Locator, Position, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person

pytestmark = [pytest.mark.browser, pytest.mark.redis]

SCREENSHOT = "/tmp/room.png"

#: Writes to the board document behind the UI's back: adds a note and edits an existing one.
FORGE_NOTE = """() => {
  const doc = window.coworking.boardDoc
  const objects = doc.getMap('objects')
  const text = [...objects.values()][0].get('text')
  const note = new objects.constructor()
  doc.transact(() => {
    objects.set('forged', note)
    note.set('type', 'note')
    note.set('text', new text.constructor('forged by an observer'))
    text.insert(0, 'HACKED ')
  })
  return [...objects.keys()]
}"""


async def pair(cluster: LiveCluster, crowd: Crowd, slug: str) -> tuple[Person, Person]:
    """Ada on server 0 and Ben on server 1, both participants of a new room `slug`."""
    cluster.room(slug)
    token = cluster.token(slug)
    ada = await crowd.join_as_guest(cluster.servers[0], token, "Ada")
    ben = await crowd.join_as_guest(cluster.servers[1], token, "Ben")
    return ada, ben


async def add_note(person: Person, text: str, at: Position | None = None) -> None:
    """Add a note with the toolbar, or by double-clicking the board `at` a point, and type
    `text` into it (a new note takes the focus)."""
    notes = person.by_test_id("note")
    count = await asyncio.wait_for(notes.count(), TIMEOUT_S)
    if at is None:
        await person.by_test_id("add-note").click(timeout=TIMEOUT_MS)
    else:
        await person.by_test_id("board").dblclick(position=at, timeout=TIMEOUT_MS)
    await expect(notes).to_have_count(count + 1, timeout=TIMEOUT_MS)
    editor = notes.nth(count).get_by_test_id("note-text")
    await expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    await editor.press_sequentially(text, timeout=TIMEOUT_MS)


async def position(note: Locator) -> dict[str, str]:
    """The note's `left` and `top` on the board, as CSS lengths."""
    return await note.evaluate(
        "(note) => ({left: getComputedStyle(note).left, top: getComputedStyle(note).top})",
        timeout=TIMEOUT_MS,
    )


async def send_chat(person: Person, text: str) -> None:
    """Send `text` with the Send button and wait until the input is cleared."""
    await person.by_test_id("chat-input").fill(text, timeout=TIMEOUT_MS)
    await person.by_test_id("chat-send").click(timeout=TIMEOUT_MS)
    await expect(person.by_test_id("chat-input")).to_have_value("", timeout=TIMEOUT_MS)


async def test_notes_sync_between_people_on_different_servers(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    ada, ben = await pair(cluster, crowd, "studio")

    await add_note(ada, "Ship the prototype")
    ben_note = ben.by_test_id("note")
    await expect(ben_note).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(ben_note.get_by_test_id("note-text")).to_have_value(
        "Ship the prototype", timeout=TIMEOUT_MS
    )
    await expect(ben_note).to_contain_text("Ada", timeout=TIMEOUT_MS)

    ada_note = ada.by_test_id("note")
    await ben_note.get_by_test_id("note-text").click(timeout=TIMEOUT_MS)
    await ben.by_test_id("color-pink").click(timeout=TIMEOUT_MS)
    await expect(ada_note).to_have_attribute("data-color", "pink", timeout=TIMEOUT_MS)

    start = await position(ben_note)
    await ben_note.drag_to(
        ben.by_test_id("board"),
        source_position={"x": 20, "y": 10},
        target_position={"x": 60, "y": 40},
        timeout=TIMEOUT_MS,
    )
    await expect(ben_note).not_to_have_css("left", start["left"], timeout=TIMEOUT_MS)
    moved = await position(ben_note)
    assert moved["top"] != start["top"]
    await expect(ada_note).to_have_css("left", moved["left"], timeout=TIMEOUT_MS)
    await expect(ada_note).to_have_css("top", moved["top"], timeout=TIMEOUT_MS)

    await ada_note.get_by_test_id("note-text").click(timeout=TIMEOUT_MS)
    await ada.by_test_id("delete-note").click(timeout=TIMEOUT_MS)
    await expect(ada_note).to_have_count(0, timeout=TIMEOUT_MS)
    await expect(ben_note).to_have_count(0, timeout=TIMEOUT_MS)
    assert ada.errors == [] and ben.errors == []


async def test_chat_reaches_the_other_server_as_plain_text(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    ada, ben = await pair(cluster, crowd, "cafe")
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)

    for person in (ada, ben):
        person.page.on("dialog", record)

    await send_chat(ada, "Coffee at 11?")
    ben_messages = ben.by_test_id("chat-message")
    await expect(ben_messages).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(ben_messages.first).to_contain_text("Ada", timeout=TIMEOUT_MS)
    await expect(ben_messages.first).to_contain_text("Coffee at 11?", timeout=TIMEOUT_MS)

    await ben.by_test_id("chat-input").fill("Sure, see you there", timeout=TIMEOUT_MS)
    await ben.by_test_id("chat-input").press("Enter", timeout=TIMEOUT_MS)
    ada_messages = ada.by_test_id("chat-message")
    await expect(ada_messages).to_have_count(2, timeout=TIMEOUT_MS)
    await expect(ada_messages.nth(1)).to_contain_text("Ben", timeout=TIMEOUT_MS)
    await expect(ada_messages.nth(1)).to_contain_text("Sure, see you there", timeout=TIMEOUT_MS)

    payload = "<img src=x onerror=alert(1)>"
    await send_chat(ada, payload)
    await expect(ben_messages).to_have_count(3, timeout=TIMEOUT_MS)
    await expect(ben_messages.nth(2)).to_contain_text(payload, timeout=TIMEOUT_MS)
    for person in (ada, ben):
        await expect(person.by_test_id("chat-messages").locator("img")).to_have_count(
            0, timeout=TIMEOUT_MS
        )
    assert dialogs == []
    assert ada.errors == [] and ben.errors == []


async def test_cursors_and_presence_cross_servers(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "lab")

    for person in (ada, ben):
        items = person.by_test_id("presence-item")
        await expect(items).to_have_count(2, timeout=TIMEOUT_MS)
        await expect(items.filter(has_text="Ada")).to_have_count(1, timeout=TIMEOUT_MS)
        await expect(items.filter(has_text="Ben")).to_have_count(1, timeout=TIMEOUT_MS)

    await ada.by_test_id("color-green").click(timeout=TIMEOUT_MS)
    await add_note(ada, "Interview five users", at={"x": 80, "y": 60})
    await add_note(ben, "Map the onboarding flow")
    for person in (ada, ben):
        notes = person.by_test_id("note")
        await expect(notes).to_have_count(2, timeout=TIMEOUT_MS)
        await expect(notes.filter(has_text="Ada")).to_have_attribute(
            "data-color", "green", timeout=TIMEOUT_MS
        )
        await expect(notes.filter(has_text="Ben")).to_have_attribute(
            "data-color", "yellow", timeout=TIMEOUT_MS
        )

    await ada.by_test_id("board").hover(position={"x": 600, "y": 120}, timeout=TIMEOUT_MS)
    cursor = ben.by_test_id("cursor")
    await expect(cursor).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(cursor).to_contain_text("Ada", timeout=TIMEOUT_MS)
    await expect(cursor).to_be_visible(timeout=TIMEOUT_MS)
    await expect(cursor).to_have_css(
        "transform", "matrix(1, 0, 0, 1, 600, 120)", timeout=TIMEOUT_MS
    )
    await ben.page.screenshot(path=SCREENSHOT, timeout=TIMEOUT_MS)


async def test_observer_reads_live_but_cannot_write(cluster: LiveCluster, crowd: Crowd) -> None:
    cluster.room("review")
    ada = await crowd.join_as_guest(cluster.servers[0], cluster.token("review"), "Ada")
    olive = await crowd.join_as_guest(
        cluster.servers[1], cluster.token("review", "observer"), "Olive"
    )

    await add_note(ada, "Budget draft")
    await send_chat(ada, "Please review the budget")
    note = olive.by_test_id("note")
    await expect(note.get_by_test_id("note-text")).to_have_value("Budget draft", timeout=TIMEOUT_MS)
    await expect(olive.by_test_id("chat-message")).to_contain_text(
        "Please review the budget", timeout=TIMEOUT_MS
    )

    await expect(olive.by_test_id("add-note")).to_have_count(0, timeout=TIMEOUT_MS)
    await expect(note.get_by_test_id("note-text")).not_to_be_editable(timeout=TIMEOUT_MS)
    await expect(olive.by_test_id("chat-input")).to_be_disabled(timeout=TIMEOUT_MS)
    await expect(olive.by_test_id("chat-send")).to_be_disabled(timeout=TIMEOUT_MS)

    note_id = await ada.by_test_id("note").get_attribute("data-id", timeout=TIMEOUT_MS)
    refused = olive.page.expect_console_message(
        lambda message: "read-only" in message.text, timeout=TIMEOUT_MS
    )
    async with refused:
        assert set(await olive.evaluate(FORGE_NOTE)) == {note_id, "forged"}
    await asyncio.sleep(1)  # time for a wrongly relayed update to arrive
    assert await ada.board_keys() == [note_id]
    await expect(ada.by_test_id("note-text")).to_have_value("Budget draft", timeout=TIMEOUT_MS)

    for person in (ada, olive):
        await person.reload()
        assert await person.board_keys() == [note_id]
        await expect(person.by_test_id("note-text")).to_have_value(
            "Budget draft", timeout=TIMEOUT_MS
        )


async def test_banner_reports_a_lost_server_and_the_reconnection(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    ada, ben = await pair(cluster, crowd, "outage")
    banner = ben.by_test_id("connection-banner")
    await expect(banner).to_be_hidden(timeout=TIMEOUT_MS)

    await asyncio.wait_for(asyncio.to_thread(cluster.servers[1].kill), TIMEOUT_S)
    await expect(banner).to_be_visible(timeout=TIMEOUT_MS)
    await expect(banner).to_contain_text("Connection lost", timeout=TIMEOUT_MS)

    await add_note(ada, "Written while Ben was offline")
    await send_chat(ada, "Anyone there?")
    await expect(ben.by_test_id("note")).to_have_count(0, timeout=TIMEOUT_MS)

    await asyncio.wait_for(asyncio.to_thread(cluster.servers[1].start), 30)
    await expect(banner).to_contain_text("Reconnected", timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("note-text")).to_have_value(
        "Written while Ben was offline", timeout=TIMEOUT_MS
    )
    await expect(ben.by_test_id("chat-message")).to_contain_text(
        "Anyone there?", timeout=TIMEOUT_MS
    )
    await expect(banner).to_be_hidden(timeout=TIMEOUT_MS)


async def lab(cluster: LiveCluster, crowd: Crowd, slug: str) -> tuple[Person, Person]:
    """Fay, a facilitator on server 0, and Pat, a participant on server 1, in a new lab."""
    cluster.room(slug)
    fay = await crowd.join_as_guest(cluster.servers[0], cluster.token(slug, "facilitator"), "Fay")
    pat = await crowd.join_as_guest(cluster.servers[1], cluster.token(slug), "Pat")
    return fay, pat


async def test_a_facilitator_runs_the_timer_locks_the_board_and_sees_raised_hands(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "sprint")
    await expect(pat.by_test_id("lab-timer-start")).to_have_count(0, timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-minutes").fill("2", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-timer-start").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-timer")).to_have_text(
        re.compile(r"^(2:00|1:5\d)$"), timeout=TIMEOUT_MS
    )
    await fay.by_test_id("lab-timer-pause").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-timer-pause")).to_have_text("Resume", timeout=TIMEOUT_MS)
    paused = await pat.by_test_id("lab-timer").text_content(timeout=TIMEOUT_MS)
    await asyncio.sleep(1.5)
    await expect(pat.by_test_id("lab-timer")).to_have_text(paused or "", timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-lock").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-locked")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-lock")).to_have_attribute("aria-pressed", "true")
    await pat.by_test_id("add-note").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("board-message")).to_contain_text("locked", timeout=TIMEOUT_MS)
    await asyncio.sleep(1)  # time for a wrongly relayed note to arrive
    assert await fay.board_keys() == []
    await add_note(fay, "Scaffold")
    await expect(pat.by_test_id("note-text")).to_have_value("Scaffold", timeout=TIMEOUT_MS)

    await pat.by_test_id("lab-hand").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-hands-count")).to_have_text("1", timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-hands")).to_contain_text("Pat", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-hand")).to_have_text("Lower hand", timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-lock").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-locked")).to_be_hidden(timeout=TIMEOUT_MS)
    await add_note(pat, "Open again")
    await expect(fay.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)


async def test_a_lab_runs_from_its_agenda_with_one_button_per_phase(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "recipe")
    await fay.page.get_by_text("Edit agenda").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-agenda-text").fill("1 Warm-up\n3 Discuss [lock]", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-agenda-save").click(timeout=TIMEOUT_MS)
    agenda = pat.by_test_id("lab-agenda").locator("li")
    await expect(agenda).to_have_text(["Warm-up (1 min)", "Discuss (3 min)"], timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-next-phase").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-phase")).to_have_text("Warm-up", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-timer")).to_have_text(
        re.compile(r"^(1:00|0:5\d)$"), timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("lab-locked")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(agenda.nth(0)).to_have_attribute("aria-current", "step", timeout=TIMEOUT_MS)

    await expect(fay.by_test_id("lab-next-phase")).to_have_text("Next: Discuss", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-next-phase").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-phase")).to_have_text("Discuss", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-locked")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-timer")).to_have_text(
        re.compile(r"^(3:00|2:5\d)$"), timeout=TIMEOUT_MS
    )
    await expect(fay.by_test_id("lab-next-phase")).to_be_hidden(timeout=TIMEOUT_MS)
    await (
        fay.by_test_id("lab-agenda").get_by_role("button", name="Warm-up").click(timeout=TIMEOUT_MS)
    )
    await expect(pat.by_test_id("lab-phase")).to_have_text("Warm-up", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-locked")).to_be_hidden(timeout=TIMEOUT_MS)


async def test_a_dot_vote_keeps_votes_private_until_the_facilitator_ends_it(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "dots")
    await add_note(fay, "Idea A")
    await expect(pat.by_test_id("note-text")).to_have_value("Idea A", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-vote-budget").fill("2", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-vote-start").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-vote")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-vote-left")).to_have_text("2", timeout=TIMEOUT_MS)

    await pat.by_test_id("board").focus(timeout=TIMEOUT_MS)
    await pat.page.keyboard.press("Tab")  # selects the first object in reading order
    for left in ("1", "0"):
        await pat.by_test_id("lab-vote-cast").click(timeout=TIMEOUT_MS)
        await expect(pat.by_test_id("lab-vote-left")).to_have_text(left, timeout=TIMEOUT_MS)
    await pat.by_test_id("lab-vote-cast").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-error")).to_contain_text("used your votes", timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-results")).to_be_hidden(timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-vote-end").click(timeout=TIMEOUT_MS)
    for person in (fay, pat):
        await expect(person.by_test_id("lab-results")).to_have_text(
            "Idea A: 2 votes", timeout=TIMEOUT_MS
        )
    await expect(pat.by_test_id("lab-vote")).to_be_hidden(timeout=TIMEOUT_MS)
    await pat.by_test_id("lab-results").get_by_role("button").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("note")).to_have_class(
        re.compile("is-selected"), timeout=TIMEOUT_MS
    )


async def test_private_notes_show_to_their_writer_alone_until_the_reveal(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "quiet")
    await fay.by_test_id("lab-private-start").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-private")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("board")).to_have_class(
        re.compile("is-private"), timeout=TIMEOUT_MS
    )
    await add_note(pat, "Secret idea")
    await asyncio.sleep(1)  # time for a wrongly shared note to arrive
    assert await fay.board_keys() == []
    await expect(fay.by_test_id("note")).to_have_count(0, timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-private-reveal").click(timeout=TIMEOUT_MS)
    for person in (fay, pat):
        await expect(person.by_test_id("note-text")).to_have_value(
            "Secret idea", timeout=TIMEOUT_MS
        )
    await expect(pat.by_test_id("board")).not_to_have_class(
        re.compile("is-private"), timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("lab-private")).to_be_hidden(timeout=TIMEOUT_MS)
    assert len(await pat.board_keys()) == 1


async def test_a_summon_brings_everyone_to_the_facilitators_view(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "summon")
    for _ in range(2):
        await pat.by_test_id("zoom-in").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("zoom-reset")).not_to_have_text("100 %", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-summon").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("zoom-reset")).to_have_text("100 %", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Fay (guest) brought everyone to their view.", timeout=TIMEOUT_MS
    )


async def test_when_time_is_up_everyone_sees_and_hears_of_it(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "chime")
    await pat.by_test_id("lab-sound").check(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-minutes").fill("0.1", timeout=TIMEOUT_MS)  # six seconds
    await fay.by_test_id("lab-timer-start").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-panel")).to_have_class(
        re.compile("is-timing"), timeout=TIMEOUT_MS
    )
    for person in (fay, pat):
        await expect(person.by_test_id("lab-panel")).to_have_class(
            re.compile("is-over"), timeout=3 * TIMEOUT_MS
        )
        await expect(person.by_test_id("lab-timer")).to_have_text("0:00", timeout=TIMEOUT_MS)
        await expect(person.by_test_id("lab-announce")).to_have_text(
            "Time is up.", timeout=TIMEOUT_MS
        )
    await pat.reload()
    await expect(pat.by_test_id("lab-sound")).to_be_checked(timeout=TIMEOUT_MS)
    assert fay.errors == [] and pat.errors == [], (fay.errors, pat.errors)
