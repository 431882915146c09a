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
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        re.compile(r"^The timer is paused with (2 minutes|1 minute \d+ seconds?) left\.$"),
        timeout=TIMEOUT_MS,
    )
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
    await fay.page.get_by_role("button", name="Lower Pat (guest)'s hand").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-hand")).to_have_text("Raise hand", timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-hands-count")).to_have_text("0", timeout=TIMEOUT_MS)

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
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Phase: Warm-up, 1 minute.", timeout=TIMEOUT_MS
    )
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


#: The text of every note on the shared board, as a person's page holds it.
BOARD_NOTE_TEXTS = """() => [...window.coworking.boardDoc.getMap('objects').entries()]
  .filter(([, o]) => o.get('type') === 'note')
  .map(([id, o]) => [id, String(o.get('text') ?? '')])"""


async def note_id(person: Person, text: str) -> str:
    """The id of the note on the shared board whose text is `text`, once there is one."""
    for _ in range(int(TIMEOUT_S * 10)):
        found = [i for i, t in await person.page.evaluate(BOARD_NOTE_TEXTS) if t == text]
        if found:
            return str(found[0])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no note {text!r} on the board")


async def test_a_facilitator_runs_a_whole_recipe_with_one_button_per_phase(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "whole-recipe")
    ben = await crowd.join_as_guest(cluster.servers[0], cluster.token("whole-recipe"), "Ben")
    await fay.by_test_id("templates").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("template-agenda")).to_be_checked(timeout=TIMEOUT_MS)
    await fay.by_test_id("template-brainstorm").click(timeout=TIMEOUT_MS)
    agenda = pat.by_test_id("lab-agenda").locator("li")
    await expect(agenda).to_have_count(5, timeout=TIMEOUT_MS)
    await expect(agenda.nth(1)).to_have_text("Ideas on your own (8 min)")
    next_phase = fay.by_test_id("lab-next-phase")

    await next_phase.click(timeout=TIMEOUT_MS)  # Warm-up: a 5-minute timer
    await expect(pat.by_test_id("lab-phase")).to_have_text("Warm-up", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-timer")).to_have_text(
        re.compile(r"^(5:00|4:5\d)$"), timeout=TIMEOUT_MS
    )

    await next_phase.click(timeout=TIMEOUT_MS)  # Ideas on your own: private
    await expect(pat.by_test_id("board")).to_have_class(
        re.compile("is-private"), timeout=TIMEOUT_MS
    )
    await add_note(pat, "Secret idea")
    await add_note(ben, "Ben's idea")
    await asyncio.sleep(1)  # time for a wrongly shared note to arrive
    for person, other in ((fay, "Secret idea"), (ben, "Secret idea"), (pat, "Ben's idea")):
        assert other not in [text for _, text in await person.page.evaluate(BOARD_NOTE_TEXTS)]

    await next_phase.click(timeout=TIMEOUT_MS)  # In groups: the reveal, then two groups
    secret = await note_id(fay, "Secret idea")
    await expect(pat.by_test_id("board")).not_to_have_class(
        re.compile("is-private"), timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("lab-breakouts-status")).to_have_text(
        re.compile(r"^You are in Group [12]\.$"), timeout=TIMEOUT_MS
    )
    await note_id(fay, "Ben's idea")
    await expect(fay.by_test_id("lab-group")).to_have_count(2, timeout=TIMEOUT_MS)
    for name in ("Pat", "Ben"):
        await expect(fay.by_test_id("lab-groups")).to_contain_text(name, timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("lab-breakouts-status")).to_have_text(
        re.compile(r"^You are in Group [12]\.$"), timeout=TIMEOUT_MS
    )
    own = await pat.by_test_id("chat-thread").input_value(timeout=TIMEOUT_MS)
    assert own, "Pat writes in their group's thread"
    assert own != await ben.by_test_id("chat-thread").input_value(), "one each in two groups"
    await send_chat(pat, "Group idea")
    await fay.by_test_id("chat-thread").select_option(own, timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("chat-message").filter(has_text="Group idea")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    await expect(ben.by_test_id("chat-message").filter(has_text="Group idea")).to_be_hidden()

    await next_phase.click(timeout=TIMEOUT_MS)  # Vote: the groups end, three dots each
    await expect(pat.by_test_id("lab-breakouts")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-announce")).to_contain_text(
        re.compile("back to the whole board|Vote"), timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("lab-vote-left")).to_have_text("3", timeout=TIMEOUT_MS)
    note = pat.page.locator(f'[data-testid="note"][data-id="{secret}"]')
    await pat.page.evaluate(f"() => window.coworking.board.focusObject({secret!r})")
    await note.click(position={"x": 6, "y": 6}, timeout=TIMEOUT_MS)
    await pat.by_test_id("lab-vote-cast").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-vote-left")).to_have_text("2", timeout=TIMEOUT_MS)

    await next_phase.click(timeout=TIMEOUT_MS)  # Discuss: the vote ends with its results
    for person in (fay, pat, ben):
        await expect(person.by_test_id("lab-results")).to_have_text(
            "Secret idea: 1 vote", timeout=TIMEOUT_MS
        )
    await expect(pat.by_test_id("lab-phase")).to_have_text(
        "Discuss the top ideas", timeout=TIMEOUT_MS
    )
    await expect(next_phase).to_be_hidden(timeout=TIMEOUT_MS)

    for _ in range(2):
        await pat.by_test_id("zoom-in").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-summon").click(timeout=TIMEOUT_MS)
    zoom = await fay.by_test_id("zoom-reset").text_content(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("zoom-reset")).to_have_text(zoom or "", timeout=TIMEOUT_MS)
    assert pat.errors == [] and fay.errors == [] and ben.errors == []


#: The view of this page's board: its centre in board units, and its zoom.
BOARD_VIEW = "() => window.coworking.board.getView()"


async def test_everyone_follows_the_facilitator_until_they_look_around_on_their_own(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "follow")
    banner = pat.by_test_id("follow-banner")
    await fay.by_test_id("lab-follow-me").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-follow-me")).to_have_text("Stop follow-me")
    await expect(banner).to_contain_text("Following Fay (guest)", timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-announce")).to_contain_text(
        "Fay (guest) asks everyone to follow their view", timeout=TIMEOUT_MS
    )

    await fay.by_test_id("zoom-in").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("board").focus(timeout=TIMEOUT_MS)
    for _ in range(3):
        await fay.page.keyboard.press("ArrowRight")  # pans: nothing is selected
    await expect(pat.by_test_id("zoom-reset")).to_have_text("125 %", timeout=TIMEOUT_MS)
    fay_view = await fay.evaluate(BOARD_VIEW)
    await pat.wait_for("(x) => Math.abs(window.coworking.board.getView().x - x) < 1", fay_view["x"])

    await pat.by_test_id("zoom-out").click(timeout=TIMEOUT_MS)  # Pat looks around
    await expect(banner).to_be_hidden(timeout=TIMEOUT_MS)
    await fay.by_test_id("zoom-in").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("zoom-reset")).to_have_text("156 %", timeout=TIMEOUT_MS)
    await asyncio.sleep(1)  # time for a view Pat should no longer follow to arrive
    await expect(pat.by_test_id("zoom-reset")).to_have_text("100 %", timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-follow-me").click(timeout=TIMEOUT_MS)  # stop
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Follow-me has ended.", timeout=TIMEOUT_MS
    )
    await fay.by_test_id("lab-follow-me").click(timeout=TIMEOUT_MS)  # the next summon
    await expect(banner).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("zoom-reset")).to_have_text("156 %", timeout=TIMEOUT_MS)
    await pat.reload()  # a page that loads meanwhile follows too
    await expect(banner).to_be_visible(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("zoom-reset")).to_have_text("156 %", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-follow-me").click(timeout=TIMEOUT_MS)
    await expect(banner).to_be_hidden(timeout=TIMEOUT_MS)
    await fay.by_test_id("zoom-out").click(timeout=TIMEOUT_MS)
    await asyncio.sleep(1)  # time for a view Pat should no longer follow to arrive
    await expect(pat.by_test_id("zoom-reset")).to_have_text("156 %", timeout=TIMEOUT_MS)
    assert fay.errors == [] and pat.errors == [], (fay.errors, pat.errors)


async def test_hiding_others_cursors_is_a_choice_kept_in_the_browser(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "focus")
    await fay.by_test_id("board").hover(position={"x": 500, "y": 200}, timeout=TIMEOUT_MS)
    cursor = pat.by_test_id("cursor")
    await expect(cursor).to_be_visible(timeout=TIMEOUT_MS)
    toggle = pat.by_test_id("hide-others")
    await toggle.focus(timeout=TIMEOUT_MS)
    await pat.page.keyboard.press("Enter")
    await expect(toggle).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    await expect(cursor).to_be_hidden(timeout=TIMEOUT_MS)
    await pat.reload()
    await expect(pat.by_test_id("hide-others")).to_have_attribute("aria-pressed", "true")
    await fay.by_test_id("board").hover(position={"x": 520, "y": 220}, timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("cursor")).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("cursor")).to_be_hidden(timeout=TIMEOUT_MS)
    await pat.by_test_id("hide-others").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("cursor")).to_be_visible(timeout=TIMEOUT_MS)


async def test_a_celebration_bursts_on_everyones_screen(cluster: LiveCluster, crowd: Crowd) -> None:
    fay, pat = await lab(cluster, crowd, "party")
    await pat.page.emulate_media(reduced_motion="no-preference")
    await fay.by_test_id("lab-celebrate").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("confetti")).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("celebration")).to_have_text(
        "🎉 Fay (guest) is celebrating!", timeout=TIMEOUT_MS
    )
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Fay (guest) is celebrating!", timeout=TIMEOUT_MS
    )
    await expect(fay.by_test_id("celebration")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("confetti")).to_have_count(0)  # she asks for reduced motion
    await expect(pat.by_test_id("confetti")).to_have_count(0, timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("celebration")).to_be_hidden(timeout=TIMEOUT_MS)
    assert fay.errors == [] and pat.errors == [], (fay.errors, pat.errors)


#: The id of the note whose text is the argument, in this page's board document.
NOTE_WITH_TEXT = """(text) => [...window.coworking.boardDoc.getMap('objects').entries()]
  .find(([, o]) => o.get('type') === 'note' && String(o.get('text')) === text)?.[0] ?? null"""


async def test_after_a_vote_the_top_voted_note_stands_out_and_exports_carry_the_votes(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "podium")
    await add_note(fay, "Idea A")
    await add_note(fay, "Idea B")
    await expect(pat.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)
    handle = await pat.page.wait_for_function(NOTE_WITH_TEXT, arg="Idea B", timeout=TIMEOUT_MS)
    idea_b = await handle.json_value()
    handle = await pat.page.wait_for_function(NOTE_WITH_TEXT, arg="Idea A", timeout=TIMEOUT_MS)
    idea_a = await handle.json_value()
    await fay.by_test_id("lab-vote-budget").fill("2", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-vote-start").click(timeout=TIMEOUT_MS)
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Voting has started: 2 dots each.", timeout=TIMEOUT_MS
    )
    note_b = pat.page.locator(f'[data-testid="note"][data-id="{idea_b}"]')
    note_a = pat.page.locator(f'[data-testid="note"][data-id="{idea_a}"]')
    await note_b.get_by_test_id("note-text").click(timeout=TIMEOUT_MS)
    for left in ("1", "0"):
        await pat.by_test_id("lab-vote-cast").click(timeout=TIMEOUT_MS)
        await expect(pat.by_test_id("lab-vote-left")).to_have_text(left, timeout=TIMEOUT_MS)
    await expect(note_b).not_to_have_class(re.compile("is-top-voted"))

    await fay.by_test_id("lab-vote-end").click(timeout=TIMEOUT_MS)
    await expect(note_b).to_have_class(re.compile("is-top-voted"), timeout=TIMEOUT_MS)
    await expect(note_b.get_by_test_id("vote-badge")).to_have_text("2 votes")
    await expect(note_a).not_to_have_class(re.compile("is-top-voted"))
    await expect(pat.by_test_id("lab-announce")).to_have_text(
        "Voting has ended: the results are in the lab panel.", timeout=TIMEOUT_MS
    )

    await fay.by_test_id("export-menu").click(timeout=TIMEOUT_MS)
    async with fay.page.expect_download(timeout=TIMEOUT_MS) as download:
        await fay.by_test_id("export-markdown").click(timeout=TIMEOUT_MS)
    path = await asyncio.wait_for((await download.value).path(), TIMEOUT_S)
    markdown = path.read_text(encoding="utf-8")
    assert "- Idea B — Fay (guest) (2 votes)\n- Idea A — Fay (guest)\n" in markdown, markdown

    await fay.by_test_id("lab-vote-start").click(timeout=TIMEOUT_MS)
    await expect(note_b).not_to_have_class(re.compile("is-top-voted"), timeout=TIMEOUT_MS)
    await expect(note_b.get_by_test_id("vote-badge")).to_have_count(0)
    assert fay.errors == [] and pat.errors == [], (fay.errors, pat.errors)
