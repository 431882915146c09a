"""Restoring a board after an accident, on live servers: a participant deletes everything
through one process, the facilitator restores it through the other, and everyone converges."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pycrdt
import pytest
from playwright.async_api import expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, Crowd, Person
from tests.e2e.test_browser import add_note as type_note
from tests.e2e.test_browser import lab
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis


#: The texts of the page's board objects, sorted, as JSON (to compare with what is wanted).
TEXTS = """(wanted) => JSON.stringify(
  Object.values(window.coworking.boardDoc.getMap('objects').toJSON()).map((o) => o.text).sort()
) === JSON.stringify(wanted)"""

#: This browser's local time now, as a `datetime-local` input takes it (seconds only if any).
LOCAL_NOW = """() => {
  const now = new Date()
  const pad = (n) => String(n).padStart(2, '0')
  const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
  const minute = `${day}T${pad(now.getHours())}:${pad(now.getMinutes())}`
  return now.getSeconds() ? `${minute}:${pad(now.getSeconds())}` : minute
}"""


def client(cluster: LiveCluster, index: int, slug: str, doc: str, token: str) -> YClient:
    server = cluster.servers[index]
    return YClient(f"{server.ws_url}/{slug}/{doc}?token={token}", origin=server.http_url)


def replies(peer: YClient, kind: str) -> list[dict[str, Any]]:
    return [reply for reply in peer.replies if reply.get("type") == kind]


async def test_a_mass_deletion_comes_back_for_everyone_even_on_a_locked_board(
    cluster: LiveCluster,
) -> None:
    cluster.room("oops")
    host_token, token = cluster.token("oops", "facilitator"), cluster.token("oops")
    writer = await client(cluster, 0, "oops", "board", token).join()
    writer_control = await client(cluster, 0, "oops", "room", token).join()
    control = await client(cluster, 1, "oops", "room", host_token).join()
    watcher = await client(cluster, 1, "oops", "board", cluster.token("oops")).join()
    for i in range(5):
        add_note(writer.doc, f"n{i}", f"idea {i}")
    text = writer.doc.get("objects", type=pycrdt.Map)["n0"]["text"]
    text += " (edited)"
    await watcher.wait_for(lambda: len(board_notes(watcher.doc)) == 5)
    before = board_notes(watcher.doc)
    assert before["n0"]["text"] == "idea 0 (edited)"

    objects = writer.doc.get("objects", type=pycrdt.Map)
    with writer.doc.transaction():
        for key in list(objects.keys()):
            del objects[key]
    await watcher.wait_for(lambda: board_notes(watcher.doc) == {})

    await writer_control.command({"type": "board.restore", "minutes": 5})
    await writer_control.wait_for(lambda: bool(replies(writer_control, "room.error")))
    assert replies(writer_control, "room.error")[0]["code"] == "forbidden"
    await control.command({"type": "board.lock", "locked": True})
    await control.wait_for(lambda: control.doc.get("room", type=pycrdt.Map).get("locked") is True)
    await asyncio.sleep(0.3)
    assert board_notes(watcher.doc) == {}, "a participant's restore does nothing"

    await control.command({"type": "board.restore", "minutes": 5})
    await control.wait_for(lambda: bool(replies(control, "board.restored")))
    assert replies(control, "board.restored") == [
        {"type": "board.restored", "restored": 5, "removed": 0, "changed": 0}
    ]
    await watcher.wait_for(lambda: board_notes(watcher.doc) == before)
    await writer.wait_for(lambda: board_notes(writer.doc) == before)
    latecomer = await client(cluster, 0, "oops", "board", token).join()
    assert board_notes(latecomer.doc) == before
    for peer in (writer, writer_control, control, watcher, latecomer):
        await peer.close()


async def test_the_board_goes_back_to_a_moment_through_either_process(
    cluster: LiveCluster,
) -> None:
    cluster.room("rewind")
    host_token = cluster.token("rewind", "facilitator")
    writer = await client(cluster, 0, "rewind", "board", host_token).join()
    control = await client(cluster, 1, "rewind", "room", host_token).join()
    watcher = await client(cluster, 1, "rewind", "board", cluster.token("rewind")).join()
    add_note(writer.doc, "kept", "as it was")
    await watcher.wait_for(lambda: "kept" in board_notes(watcher.doc))
    await asyncio.sleep(0.05)
    moment = int(time.time() * 1000)
    await asyncio.sleep(0.05)
    add_note(writer.doc, "later", "made after the moment")
    with writer.doc.transaction():
        writer.doc.get("objects", type=pycrdt.Map)["kept"]["color"] = "pink"
    await watcher.wait_for(lambda: "later" in board_notes(watcher.doc))

    await control.command({"type": "board.restore", "at": moment})
    await control.wait_for(lambda: bool(replies(control, "board.restored")))
    assert replies(control, "board.restored")[0] == {
        "type": "board.restored",
        "restored": 0,
        "removed": 1,
        "changed": 1,
    }
    await watcher.wait_for(lambda: set(board_notes(watcher.doc)) == {"kept"})
    await writer.wait_for(lambda: set(board_notes(writer.doc)) == {"kept"})
    assert board_notes(writer.doc)["kept"]["color"] == "yellow"
    for peer in (writer, control, watcher):
        await peer.close()


async def delete_everything(person: Person) -> None:
    """Select everything on the board and delete it, as an accident would."""
    await person.page.keyboard.press("Escape")  # stop typing into the last note
    await person.by_test_id("board").focus(timeout=TIMEOUT_MS)
    await person.page.keyboard.press("Control+a")
    await person.page.keyboard.press("Delete")


@pytest.mark.browser
async def test_a_facilitator_brings_deleted_notes_back_from_the_lab_panel(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    fay, pat = await lab(cluster, crowd, "undo")
    await expect(pat.by_test_id("lab-restore")).to_have_count(0, timeout=TIMEOUT_MS)
    ideas = ["Idea one", "Idea two"]
    for idea in ideas:
        await type_note(pat, idea)
    await fay.wait_for(TEXTS, ideas)
    await asyncio.sleep(2)  # the moment to go back to is a second or more after the last edit
    moment = await fay.evaluate(LOCAL_NOW)
    await asyncio.sleep(2)
    await delete_everything(pat)
    for person in (fay, pat):
        await expect(person.by_test_id("note")).to_have_count(0, timeout=TIMEOUT_MS)

    await fay.by_test_id("lab-restore").locator("summary").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-restore-minutes").fill("5", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-restore-deleted").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-restore-status")).to_have_text(
        "2 objects came back.", timeout=TIMEOUT_MS
    )
    for person in (fay, pat):
        await person.wait_for(TEXTS, ideas)
        await expect(person.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)

    await type_note(pat, "Too late")
    await fay.wait_for(TEXTS, [*ideas, "Too late"])
    await fay.by_test_id("lab-restore-at").fill(moment, timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-restore-board").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-restore-question")).to_contain_text(
        "for everyone", timeout=TIMEOUT_MS
    )
    await fay.by_test_id("lab-restore-yes").click(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-restore-status")).to_have_text(
        "1 object removed.", timeout=TIMEOUT_MS
    )
    for person in (fay, pat):
        await person.wait_for(TEXTS, ideas)
    assert fay.errors == [] and pat.errors == [], (fay.errors, pat.errors)
