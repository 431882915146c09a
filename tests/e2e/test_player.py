"""The player of a recorded session in a real browser: a lab is recorded through the room's
commands (board edits, chat, phases), then replayed: seeking, playing, a deep link, the
keyboard, a phone's width, and axe-core."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pycrdt
import pytest
from playwright.async_api import expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person
from tests.e2e.test_board import AXE, AXE_RUN
from tests.support.yclient import YClient, add_note

pytestmark = [pytest.mark.browser, pytest.mark.redis]

#: The ids of the notes the player's board document holds now, sorted.
NOTE_IDS = "() => Object.keys(window.coworking.boardDoc.getMap('objects').toJSON()).sort()"
#: Whether the player's board document holds exactly the wanted note ids.
SHOWS = f"(wanted) => JSON.stringify(({NOTE_IDS})()) === JSON.stringify(wanted)"
#: The player's position, ms from the start.
POSITION = "() => window.coworking.playback.position"
READY = "() => document.body.dataset.playerReady === 'true'"


def client(cluster: LiveCluster, slug: str, doc: str, token: str) -> YClient:
    server = cluster.servers[0]
    return YClient(f"{server.ws_url}/{slug}/{doc}?token={token}", origin=server.http_url)


def room_map(peer: YClient) -> dict[str, Any]:
    return peer.doc.get("room", type=pycrdt.Map).to_py() or {}


async def record_a_session(cluster: LiveCluster, slug: str) -> tuple[int, dict[str, int]]:
    """Record a short lab: a note, a phase, a chat message, another phase, a later note.
    Returns the recording's id and when each thing happened (ms from its start)."""
    host = cluster.token(slug, "facilitator")
    control = await client(cluster, slug, "room", host).join()
    board = await client(cluster, slug, "board", host).join()
    chat = await client(cluster, slug, "chat", host).join()
    agenda = [
        {"id": "warm-up", "title": "Warm-up", "minutes": 5},
        {"id": "ideas", "title": "Ideas", "minutes": 10},
    ]
    await control.command({"type": "agenda.set", "agenda": agenda})
    await control.wait_for(lambda: len(room_map(control).get("agenda") or []) == 2)
    await control.command({"type": "recording.start", "title": "Morning lab"})
    await control.wait_for(lambda: bool(room_map(control).get("recording")))
    recording = room_map(control)["recording"]
    started = int(recording["startedAt"])

    def now() -> int:
        return int(time.time() * 1000) - started

    async def settle() -> int:
        """Let the change reach the log, then a moment pass: returns a moment between."""
        await asyncio.sleep(1.5)
        moment = now()
        await asyncio.sleep(1.5)
        return moment

    moments: dict[str, int] = {}
    await control.command({"type": "phase.go", "id": "warm-up"})
    await control.wait_for(lambda: room_map(control).get("phase") == "warm-up")
    add_note(board.doc, "early", "Early idea")
    moments["after_early"] = await settle()
    await chat.command({"type": "chat.send", "text": "Coffee first?"})
    await control.command({"type": "phase.go", "id": "ideas"})
    await control.wait_for(lambda: room_map(control).get("phase") == "ideas")
    moments["in_ideas"] = await settle()
    add_note(board.doc, "late", "Late idea", x=600.0, y=400.0)
    moments["after_late"] = await settle()
    await control.command({"type": "recording.stop"})
    await control.wait_for(lambda: room_map(control).get("recording") is None)
    for peer in (control, board, chat):
        await peer.close()
    return int(recording["id"]), moments


async def open_player(person: Person, url: str) -> None:
    await person.page.goto(url, timeout=TIMEOUT_MS)
    await person.wait_for(READY)


async def test_a_recorded_lab_replays_with_seeking_playing_and_a_deep_link(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    cluster.room("replay")
    recording_id, moments = await record_a_session(cluster, "replay")
    server = cluster.servers[1]  # the other process plays it back
    viewer = await crowd.join_as_guest(server, cluster.token("replay"), "Vic")
    player = f"{server.http_url}/r/replay/recordings/{recording_id}/"

    # A deep link to a moment between the two notes: the early one, not what came later.
    seconds = moments["after_early"] // 1000
    link = f"{seconds // 60}:{seconds % 60:02d}"
    await open_player(viewer, f"{player}#t={link}")
    await viewer.wait_for(SHOWS, ["early"])
    await expect(viewer.by_test_id("note")).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(viewer.by_test_id("player-phase")).to_have_text("Phase: Warm-up")
    await expect(viewer.by_test_id("chat-message")).to_have_count(0)
    timeline = viewer.by_test_id("timeline")
    await expect(timeline).to_have_attribute(
        "aria-valuetext", re.compile(r"^\d+ seconds?, phase Warm-up$")
    )
    chapters = viewer.by_test_id("player-chapter")
    await expect(chapters).to_have_count(2)

    # The keyboard: End shows everything, Home nothing, ] the next phase (with the chat).
    await timeline.focus(timeout=TIMEOUT_MS)
    await viewer.page.keyboard.press("End")
    await viewer.wait_for(SHOWS, ["early", "late"])
    await viewer.page.keyboard.press("Home")
    await viewer.wait_for(SHOWS, [])
    await expect(viewer.page.locator("#board-empty")).to_be_visible()
    await viewer.page.keyboard.press("]")
    await viewer.page.keyboard.press("]")
    await expect(viewer.by_test_id("player-phase")).to_have_text("Phase: Ideas")
    await expect(viewer.by_test_id("player-announce")).to_have_text("Phase: Ideas")
    await expect(viewer.by_test_id("chat-message")).to_have_text(re.compile("Coffee first?"))
    await viewer.wait_for(SHOWS, ["early"])
    assert re.search(r"#t=0:0\d$", viewer.page.url), "the address links to the moment shown"

    # A click on the timeline seeks there; its far right end is the end.
    box = await asyncio.wait_for(timeline.bounding_box(), TIMEOUT_S)
    assert box is not None
    await viewer.page.mouse.click(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)
    await viewer.wait_for(SHOWS, ["early", "late"])
    await viewer.page.mouse.click(box["x"] + 1, box["y"] + box["height"] / 2)
    await viewer.wait_for(SHOWS, [])

    # Play and pause: the address then links to where it paused.
    play = viewer.by_test_id("player-play")
    await play.click(timeout=TIMEOUT_MS)
    await expect(play).to_have_text("Pause")
    await viewer.wait_for(f"() => ({POSITION})() > 0")
    await play.click(timeout=TIMEOUT_MS)
    await expect(play).to_have_text("Play")
    paused = await viewer.evaluate(POSITION)
    assert viewer.page.url.endswith(f"#t=0:{int(paused) // 1000:02d}")

    # Playing from the second phase applies the later note when its time comes, to the end.
    await chapters.nth(1).click(timeout=TIMEOUT_MS)
    await viewer.wait_for(SHOWS, ["early"])
    await viewer.by_test_id("player-speed").select_option("4", timeout=TIMEOUT_MS)
    await play.click(timeout=TIMEOUT_MS)
    await viewer.wait_for(SHOWS, ["early", "late"])
    await expect(play).to_have_text("Play")  # it stopped at the end
    duration = await viewer.by_test_id("player-duration").text_content(timeout=TIMEOUT_MS)
    await expect(viewer.by_test_id("player-time")).to_have_text(duration or "")

    # A phone's width: nothing runs off the side; the page has no axe violations.
    await viewer.page.set_viewport_size({"width": 390, "height": 844})
    await viewer.page.keyboard.press("Home")
    overflow = await viewer.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    await asyncio.wait_for(viewer.page.add_script_tag(path=AXE), TIMEOUT_S)
    violations = await asyncio.wait_for(viewer.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    assert violations == [], f"axe-core violations: {violations}"
    assert viewer.errors == []


async def test_only_members_open_a_recording(cluster: LiveCluster, crowd: Crowd) -> None:
    cluster.room("closed")
    recording_id, _ = await record_a_session(cluster, "closed")
    server = cluster.servers[0]
    cluster.room("elsewhere")
    outsider = await crowd.join_as_guest(server, cluster.token("elsewhere"), "Oz")
    request = outsider.page.request
    refused = await request.get(f"{server.http_url}/r/closed/recordings/{recording_id}/")
    assert refused.status == 403
    missing = await request.get(f"{server.http_url}/r/elsewhere/recordings/{recording_id}/")
    assert missing.status == 404, "a recording of another room is not found in this one"
    token = cluster.token("closed", "observer")
    await open_player(
        outsider, f"{server.http_url}/r/closed/recordings/{recording_id}/?token={token}"
    )
    await expect(outsider.by_test_id("player-duration")).not_to_have_text("0:00")


async def test_a_moment_opens_in_a_new_room_and_puts_the_live_board_back(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    cluster.room("reuse")
    recording_id, moments = await record_a_session(cluster, "reuse")
    server = cluster.servers[0]
    host = await crowd.join_as_guest(server, cluster.token("reuse", "facilitator"), "Fay")
    player = f"{server.http_url}/r/reuse/recordings/{recording_id}/"
    seconds = moments["after_early"] // 1000
    moment = f"#t={seconds // 60}:{seconds % 60:02d}"
    await open_player(host, f"{player}{moment}")
    await host.wait_for(SHOWS, ["early"])
    await asyncio.wait_for(host.page.add_script_tag(path=AXE), TIMEOUT_S)
    await host.by_test_id("player-manage").locator("summary").click(timeout=TIMEOUT_MS)
    violations = await asyncio.wait_for(host.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    assert violations == [], f"axe-core violations on the player: {violations}"

    # The moment shown opens as a new lab whose board is that moment's.
    await host.by_test_id("player-open").click(timeout=TIMEOUT_MS)
    await host.page.wait_for_url(re.compile(r"/r/(?!reuse/)[^/]+/$"), timeout=TIMEOUT_MS)
    await host.wait_synced()
    await host.wait_for(
        "() => Object.keys(window.coworking.boardDoc.getMap('objects').toJSON()).length === 1"
    )
    assert list(await host.objects()) == ["early"]

    # A facilitator puts the live board back to that moment, after saying yes.
    await open_player(host, f"{player}{moment}")
    await host.wait_for(SHOWS, ["early"])
    questions: list[str] = []

    async def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        await dialog.accept()

    host.page.once("dialog", accept)
    await host.by_test_id("player-restore").click(timeout=TIMEOUT_MS)
    await expect(host.by_test_id("player-reuse-status")).to_have_text(
        re.compile(r"back as it was at \d:\d\d: 0 objects came back, 1 object removed")
    )
    assert questions and f"at {moment[3:]} of this recording" in questions[0]
    live = await client(cluster, "reuse", "board", cluster.token("reuse")).join()
    objects = live.doc.get("objects", type=pycrdt.Map)
    await live.wait_for(lambda: sorted(objects.keys()) == ["early"])
    await live.close()

    # The lobby lists the recording with its picture, and offers the import; axe is clean.
    await host.page.goto(f"{server.http_url}/", timeout=TIMEOUT_MS)
    thumbnail = host.by_test_id("recording-thumbnail").first
    await thumbnail.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
    await expect(thumbnail).to_have_js_property("complete", True)
    assert await thumbnail.evaluate("(image) => image.naturalWidth") == 240
    await expect(host.by_test_id("recording-phases").first).to_have_text("Phases: Warm-up, Ideas")
    await expect(host.by_test_id("import-form")).to_be_visible()
    await asyncio.wait_for(host.page.add_script_tag(path=AXE), TIMEOUT_S)
    violations = await asyncio.wait_for(host.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
    assert violations == [], f"axe-core violations on the lobby: {violations}"
    assert host.errors == []
