"""The board UI in real browsers: Ada (server 0) and Ben (server 1) work in one lab."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pycrdt
import pytest
from PIL import Image
from playwright.async_api import Locator, expect

from tests.conftest import LiveCluster
from tests.e2e.browser import TIMEOUT_MS, TIMEOUT_S, Crowd, Person
from tests.support.servers import ROOT
from tests.support.yclient import YClient, add_note

pytestmark = [pytest.mark.browser, pytest.mark.redis]

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
RENDERED = "() => document.body.dataset.boardRendered === 'true'"
XSS = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script>'
#: The PNG export's fill for yellow notes (export.js PALETTE).
NOTE_YELLOW = (0xFF, 0xF3, 0xA3)

#: Ids of the board's objects that are not in `before`, once there is one.
#: Objects this page's own Y.Doc added since `before` (others' may arrive meanwhile).
NEW_IDS = """(before) => {
  const doc = window.coworking.boardDoc
  const objects = doc.getMap('objects')
  const added = [...objects.keys()].filter(
    (id) => !before.includes(id) && objects.get(id)._item.id.client === doc.clientID
  )
  return added.length ? added : null
}"""

#: Where a rendered connector's line runs, in world units: [[x0, y0], [x1, y1]].
RENDERED_LINE = """(id) => {
  const element = document.querySelector(`[data-testid=object][data-id="${id}"]`)
  if (!element) return null
  const d = element.querySelector('path.ink').getAttribute('d')
  const n = d.match(/-?[0-9.]+(?:e-?[0-9]+)?/g).map(Number)
  const left = parseFloat(element.style.left)
  const top = parseFloat(element.style.top)
  return [[left + n[0], top + n[1]], [left + n[2], top + n[3]]]
}"""

#: Whether the focused element shows a focus indicator (outline or box shadow).
FOCUS_SHOWN = """() => {
  const element = document.activeElement
  if (!element || element === document.body) return false
  const style = getComputedStyle(element)
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
  return outline || style.boxShadow !== 'none'
}"""

AXE_RUN = r"""async () => {
  const result = await axe.run(document, {resultTypes: ['violations']})
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.length,
    target: v.nodes[0]?.target,
    summary: v.nodes[0]?.failureSummary.replace(/\s+/g, ' ')
  }))
}"""

Point = tuple[float, float]


@pytest.fixture
def png(tmp_path: Path) -> Path:
    """A small real PNG (64 x 48, a colour gradient), made with Pillow."""
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, 128) for y in range(48) for x in range(64)])
    path = tmp_path / "sketch.png"
    image.save(path, "PNG")
    return path


async def join(crowd: Crowd, cluster: LiveCluster, server: int, token: str, name: str) -> Person:
    """`name` joins through an invite on server `server`; waits for the first board render."""
    person = await crowd.join_as_guest(cluster.servers[server], token, name)
    await person.wait_for(RENDERED)
    return person


async def pair(cluster: LiveCluster, crowd: Crowd, slug: str) -> tuple[Person, Person]:
    """Ada on server 0 and Ben on server 1, both participants of a new lab `slug`."""
    cluster.room(slug)
    token = cluster.token(slug)
    return await join(crowd, cluster, 0, token, "Ada"), await join(crowd, cluster, 1, token, "Ben")


async def eventually(check: Callable[[], Awaitable[None]]) -> None:
    """Retry the assertions in `check` until they pass, or raise the last failure."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            await asyncio.wait_for(check(), TIMEOUT_S)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.1)


async def new_object(person: Person, before: list[str]) -> str:
    """The id of the one object `person` added to the board since `before`."""
    handle = await person.page.wait_for_function(NEW_IDS, arg=before, timeout=TIMEOUT_MS)
    ids = await asyncio.wait_for(handle.json_value(), TIMEOUT_S)
    assert len(ids) == 1, ids
    return str(ids[0])


async def add_object(person: Person, tool: str, *points: Point, text: str | None = None) -> str:
    """Use `tool` at the board's world points (one: a click; more: a drag through them), type
    `text` into the editor the new object opens, and return the new object's id."""
    before = await person.board_keys()
    await person.by_test_id(f"tool-{tool}").click(timeout=TIMEOUT_MS)
    screen = [await person.screen_point(*point) for point in points]
    if len(screen) == 1:
        await asyncio.wait_for(person.page.mouse.click(*screen[0]), TIMEOUT_S)
    else:
        await person.drag(*screen)
    object_id = await new_object(person, before)
    if tool in {"note", "text", "rect", "ellipse", "diamond", "frame"}:
        editor = on_board(person, object_id).locator(".object-text")
        await expect(editor).to_be_focused(timeout=TIMEOUT_MS)
        if text is not None:
            await editor.press_sequentially(text, timeout=TIMEOUT_MS)
        await editor.press("Escape", timeout=TIMEOUT_MS)
    return object_id


async def add_image(person: Person, path: Path) -> str:
    """Upload the image at `path` with the image tool's file picker; return the new id."""
    before = await person.board_keys()
    async with person.page.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
        await person.by_test_id("tool-image").click(timeout=TIMEOUT_MS)
    picker = await chooser.value
    # The server keeps PNG, JPEG and WebP only, so the picker offers nothing else.
    accept = await asyncio.wait_for(picker.element.get_attribute("accept"), TIMEOUT_S)
    assert accept == "image/png,image/jpeg,image/webp"
    await picker.set_files(path, timeout=TIMEOUT_MS)
    return await new_object(person, before)


async def draw_one_of_each(person: Person, png: Path) -> dict[str, str]:
    """Every kind of object, made with the toolbar; returns their ids by a short name."""
    ids = {
        "note": await add_object(person, "note", (200, 100), text="First idea"),
        "note2": await add_object(person, "note", (500, 100), text="Second idea"),
        "text": await add_object(person, "text", (760, 60), text="A heading"),
        "rect": await add_object(person, "rect", (100, 220), (200, 300), text="Box"),
        "ellipse": await add_object(person, "ellipse", (230, 220), (330, 300)),
        "diamond": await add_object(person, "diamond", (360, 220), (460, 300)),
        "frame": await add_object(person, "frame", (650, 140), (880, 300), text="Sprint"),
    }
    ids["connector"] = await add_object(person, "connector", (200, 100), (500, 100))
    ids["drawing"] = await add_object(person, "pen", (490, 220), (530, 270), (570, 230), (610, 300))
    ids["image"] = await add_image(person, png)
    return ids


def on_board(person: Person, object_id: str) -> Locator:
    """The rendered object `object_id` (not its entry in the outline panel)."""
    return person.page.locator(f'.board-object[data-id="{object_id}"]')


def note(person: Person, object_id: str) -> Locator:
    """A note's element on `person`'s page."""
    return person.page.locator(f'[data-testid=note][data-id="{object_id}"]')


def edge_point(box: dict[str, Any], toward: Point) -> Point:
    """Where the ray from the centre of `box` towards `toward` leaves it (as geometry.js)."""
    cx, cy = box["x"] + box["w"] / 2, box["y"] + box["h"] / 2
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = min(
        box["w"] / 2 / abs(dx) if dx else float("inf"),
        box["h"] / 2 / abs(dy) if dy else float("inf"),
    )
    return (cx, cy) if t >= 1 else (cx + dx * t, cy + dy * t)


def connector_line(a: dict[str, Any], b: dict[str, Any]) -> tuple[Point, Point]:
    """The segment a connector between boxes `a` and `b` should draw, edge to edge."""
    return (
        edge_point(a, (b["x"] + b["w"] / 2, b["y"] + b["h"] / 2)),
        edge_point(b, (a["x"] + a["w"] / 2, a["y"] + a["h"] / 2)),
    )


async def rendered_line(person: Person, connector: str) -> tuple[Point, Point]:
    """The connector's line as `person`'s page draws it, in world units."""
    line = await person.evaluate(f"() => ({RENDERED_LINE})({json.dumps(connector)})")
    assert line is not None, "the connector is not rendered"
    return (line[0][0], line[0][1]), (line[1][0], line[1][1])


def assert_close(actual: tuple[Point, Point], expected: tuple[Point, Point]) -> None:
    for (ax, ay), (ex, ey) in zip(actual, expected, strict=True):
        assert abs(ax - ex) < 0.01 and abs(ay - ey) < 0.01, (actual, expected)


async def export(person: Person, kind: str, folder: Path) -> Path:
    """Choose `export-<kind>` in the Export menu and save the download into `folder`."""
    async with person.page.expect_download(timeout=TIMEOUT_MS) as caught:
        await person.by_test_id("export-menu").click(timeout=TIMEOUT_MS)
        await person.by_test_id(f"export-{kind}").click(timeout=TIMEOUT_MS)
    download = await caught.value
    path = folder / f"{person.name}-{download.suggested_filename}"
    await asyncio.wait_for(download.save_as(path), TIMEOUT_S)
    return path


async def import_json(person: Person, path: Path) -> None:
    """Choose Import JSON in the Export menu and pick the file at `path`."""
    async with person.page.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
        await person.by_test_id("export-menu").click(timeout=TIMEOUT_MS)
        await person.by_test_id("import-json").click(timeout=TIMEOUT_MS)
    await (await chooser.value).set_files(path, timeout=TIMEOUT_MS)


async def press(person: Person, key: str) -> None:
    """Press `key` (e.g. "Control+z") in whatever has the focus on `person`'s page."""
    await asyncio.wait_for(person.page.keyboard.press(key), TIMEOUT_S)


async def focus_shown(person: Person) -> bool:
    shown: bool = await person.evaluate(FOCUS_SHOWN)
    return shown


def assert_no_page_errors(*people: Person) -> None:
    for person in people:
        assert person.errors == [], f"{person.name}: {person.errors}"


async def test_every_object_type_made_in_the_ui_reaches_the_other_server(
    cluster: LiveCluster, crowd: Crowd, png: Path
) -> None:
    ada, ben = await pair(cluster, crowd, "kinds")
    ids = await draw_one_of_each(ada, png)

    counts = {
        "note": 2,
        "text": 1,
        "shape": 3,
        "connector": 1,
        "drawing": 1,
        "frame": 1,
        "image": 1,
    }
    for kind, count in counts.items():
        rendered = ben.page.locator(f"[data-testid=object][data-type={kind}]")
        await expect(rendered).to_have_count(count, timeout=TIMEOUT_MS)
    for shape in ("rect", "ellipse", "diamond"):
        await expect(
            ben.page.locator(f'[data-testid=object][data-id="{ids[shape]}"]')
        ).to_have_attribute("data-shape", shape, timeout=TIMEOUT_MS)
    await expect(note(ben, ids["note"]).get_by_test_id("note-text")).to_have_value(
        "First idea", timeout=TIMEOUT_MS
    )

    objects = await ben.objects()
    assert set(objects) == set(ids.values())
    assert {objects[i]["type"] for i in ids.values()} == set(counts)
    assert all(o["author"] == "Ada (guest)" for o in objects.values())
    assert objects[ids["text"]]["text"] == "A heading"
    assert objects[ids["rect"]]["text"] == "Box"
    assert objects[ids["frame"]]["title"] == "Sprint"
    connector = objects[ids["connector"]]
    assert (connector["from"], connector["to"]) == (ids["note"], ids["note2"])
    assert len(objects[ids["drawing"]]["points"]) >= 6
    image = objects[ids["image"]]
    assert re.fullmatch(r"/r/kinds/media/[0-9a-f]{32}\.png", image["src"]), image
    assert (image["w"], image["h"], image["alt"]) == (320, 240, "sketch")
    await ben.wait_for(
        '(id) => { const img = document.querySelector(`[data-id="${id}"] img`);'
        " return img && img.complete && img.naturalWidth === 64 }",
        ids["image"],
    )
    assert_no_page_errors(ada, ben)


async def test_a_connector_follows_a_moved_note(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "links")
    first = await add_object(ada, "note", (200, 100), text="Cause")
    second = await add_object(ada, "note", (500, 100), text="Effect")
    connector = await add_object(ada, "connector", (200, 100), (500, 100))

    async def drawn_between_the_notes() -> tuple[Point, Point]:
        objects = await ben.objects()
        line = await rendered_line(ben, connector)
        assert_close(line, connector_line(objects[first], objects[second]))
        return line

    async def ben_sees_the_connector() -> None:
        await drawn_between_the_notes()

    await eventually(ben_sees_the_connector)
    before = await drawn_between_the_notes()
    box_before = await on_board(ben, connector).bounding_box(timeout=TIMEOUT_MS)

    # Drag the second note by its header (its author line) 150 right and 200 down.
    start = await ada.screen_point(500, 30)
    await ada.drag(start, (start[0] + 150, start[1] + 200))
    moved = (await ada.objects())[second]
    assert (moved["x"], moved["y"]) == (550, 220)

    async def ben_sees_the_move() -> None:
        assert (await ben.objects())[second]["x"] == 550
        await drawn_between_the_notes()

    await eventually(ben_sees_the_move)
    after = await drawn_between_the_notes()
    assert after[0] != before[0] and after[1] != before[1]
    assert after[1][1] - before[1][1] > 100, (before, after)
    box_after = await on_board(ben, connector).bounding_box(timeout=TIMEOUT_MS)
    assert box_before is not None and box_after is not None
    assert box_after["height"] > box_before["height"] + 100
    assert_no_page_errors(ada, ben)


async def test_moving_a_frame_moves_what_is_in_it(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "frames")
    frame = await add_object(ada, "frame", (100, 40), (560, 400), text="Plan")
    inside = await add_object(ada, "note", (300, 200), text="Inside")
    outside = await add_object(ada, "note", (780, 200), text="Outside")
    start = {key: dict(value) for key, value in (await ada.objects()).items()}
    assert start[inside]["x"] >= start[frame]["x"]

    async def moved_together(delta: Point) -> None:
        """The frame and the note in it moved by `delta` for both; the other note stayed."""
        for person in (ada, ben):
            objects = await person.objects()
            for moved in (frame, inside):
                shift = (
                    objects[moved]["x"] - start[moved]["x"],
                    objects[moved]["y"] - start[moved]["y"],
                )
                assert shift == delta, (person.name, moved, shift, delta)
            assert (objects[outside]["x"], objects[outside]["y"]) == (
                start[outside]["x"],
                start[outside]["y"],
            )

    # Grab the frame on its empty area just inside its top-left edge...
    grab = await ada.screen_point(110, 50)
    await ada.drag(grab, (grab[0] + 100, grab[1] + 50))
    await eventually(lambda: moved_together((100, 50)))

    # ... then, with nothing selected, by its title bar.
    await press(ada, "Escape")
    title = (
        await on_board(ada, frame).locator(".frame-title-input").bounding_box(timeout=TIMEOUT_MS)
    )
    assert title is not None
    grab = (title["x"] + 20, title["y"] + title["height"] / 2)
    await ada.drag(grab, (grab[0] - 60, grab[1] + 30))
    await eventually(lambda: moved_together((40, 80)))
    assert_no_page_errors(ada, ben)


#: How a rendered connector and text look: ink, arrowheads drawn, text size.
RENDERED_STYLE = """([connector, text]) => {
  const line = document.querySelector(`[data-testid=object][data-id="${connector}"]`)
  const field = document.querySelector(`[data-testid=object][data-id="${text}"] .object-text`)
  if (!line || !field) return null
  return {
    stroke: getComputedStyle(line.querySelector('path.ink')).stroke,
    heads: (line.querySelector('path.head').getAttribute('d').match(/M/g) ?? []).length,
    headFill: getComputedStyle(line.querySelector('path.head')).fill,
    fontSize: getComputedStyle(field).fontSize
  }
}"""
#: export.js PALETTE.ink.red as a computed colour.
INK_RED = "rgb(220, 38, 38)"


async def test_style_row_sets_arrows_ink_and_text_size(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "style")
    await add_object(ada, "note", (200, 100), text="Cause")
    await add_object(ada, "note", (500, 100), text="Effect")
    text = await add_object(ada, "text", (760, 60), text="Headline")
    connector = await add_object(ada, "connector", (200, 100), (500, 100))

    # The new connector is selected: the row offers ink and arrows, not text sizes.
    await expect(ada.by_test_id("arrow-end")).to_have_attribute("aria-pressed", "true")
    await expect(ada.by_test_id("text-size-40")).to_be_hidden()
    await ada.by_test_id("arrow-both").click(timeout=TIMEOUT_MS)
    await ada.by_test_id("ink-red").click(timeout=TIMEOUT_MS)
    for test_id in ("arrow-both", "ink-red"):
        await expect(ada.by_test_id(test_id)).to_have_attribute("aria-pressed", "true")

    await on_board(ada, text).click(timeout=TIMEOUT_MS)
    await expect(ada.by_test_id("arrow-both")).to_be_hidden()
    await expect(ada.by_test_id("text-size-20")).to_have_attribute("aria-pressed", "true")
    await ada.by_test_id("text-size-40").click(timeout=TIMEOUT_MS)

    async def ben_sees_the_styles() -> None:
        objects = await ben.objects()
        assert (objects[connector]["arrow"], objects[connector]["color"]) == ("both", "red")
        assert (objects[text]["fontSize"], objects[text]["color"]) == (40, "black")
        rendered = await ben.evaluate(f"() => ({RENDERED_STYLE})({json.dumps([connector, text])})")
        assert rendered == {
            "stroke": INK_RED,
            "heads": 2,
            "headFill": INK_RED,
            "fontSize": "40px",
        }, rendered

    await eventually(ben_sees_the_styles)
    assert (await ada.objects())[text]["fontSize"] == 40
    assert_no_page_errors(ada, ben)


async def test_undo_reverts_only_your_own_change(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "undo")
    mine = await add_object(ada, "note", (200, 100))
    theirs = await add_object(ben, "note", (500, 100), text="Ben's idea")
    for person in (ada, ben):
        await expect(person.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)

    async def board_is(present: set[str]) -> None:
        for person in (ada, ben):

            async def check(person: Person = person) -> None:
                assert set(await person.board_keys()) == present

            await eventually(check)
            await expect(person.by_test_id("note")).to_have_count(len(present), timeout=TIMEOUT_MS)

    await press(ada, "Control+z")
    await board_is({theirs})
    await expect(note(ben, theirs).get_by_test_id("note-text")).to_have_value(
        "Ben's idea", timeout=TIMEOUT_MS
    )
    await ada.by_test_id("redo").click(timeout=TIMEOUT_MS)
    await board_is({mine, theirs})
    await ada.by_test_id("undo").click(timeout=TIMEOUT_MS)
    await board_is({theirs})
    await press(ada, "Control+Shift+z")
    await board_is({mine, theirs})
    assert_no_page_errors(ada, ben)


async def test_a_keyboard_only_session(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "keys")
    board = ada.by_test_id("board")
    for _ in range(80):
        await press(ada, "Tab")
        if await board.evaluate("(board) => board === document.activeElement", timeout=TIMEOUT_MS):
            break
    await expect(board).to_be_focused(timeout=TIMEOUT_MS)
    assert await focus_shown(ada), "the focused board shows no focus indicator"

    await press(ada, "n")
    editor = ada.by_test_id("note-text")
    await expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    await press(ada, "Escape")
    card = ada.by_test_id("note")
    await expect(card).to_be_focused(timeout=TIMEOUT_MS)
    assert await focus_shown(ada), "the focused note shows no focus indicator"
    await press(ada, "Enter")
    await expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    assert await focus_shown(ada), "the note's focused editor shows no focus indicator"
    await asyncio.wait_for(ada.page.keyboard.type("Typed without a mouse"), TIMEOUT_S)
    await press(ada, "Escape")
    await expect(card).to_be_focused(timeout=TIMEOUT_MS)

    [note_id] = await ada.board_keys()
    start = (await ada.objects())[note_id]
    assert start["text"] == "Typed without a mouse"
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "Shift+ArrowDown"):
        await press(ada, key)
    for person in (ada, ben):

        async def moved(person: Person = person) -> None:
            moved = (await person.objects())[note_id]
            assert (moved["x"], moved["y"]) == (start["x"] + 30, start["y"] + 60)
            assert moved["text"] == "Typed without a mouse"

        await eventually(moved)
    await expect(card).to_be_focused(timeout=TIMEOUT_MS)

    await press(ada, "Delete")
    for person in (ada, ben):
        await expect(person.by_test_id("note")).to_have_count(0, timeout=TIMEOUT_MS)
        assert await person.board_keys() == []
    await expect(board).to_be_focused(timeout=TIMEOUT_MS)
    assert await focus_shown(ada), "the board shows no focus indicator after a delete"
    assert_no_page_errors(ada, ben)


async def test_png_export_is_a_picture_of_the_board(
    cluster: LiveCluster, crowd: Crowd, tmp_path: Path
) -> None:
    ada, ben = await pair(cluster, crowd, "picture")
    await add_object(ada, "note", (200, 100), text="On the picture")
    await add_object(ada, "rect", (400, 60), (560, 160), text="And a box")
    await expect(ben.by_test_id("object")).to_have_count(2, timeout=TIMEOUT_MS)

    path = await export(ben, "png", tmp_path)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width > 100 and image.height > 50, image.size
        colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height)
    assert colours is not None and len(colours) > 1
    assert NOTE_YELLOW in {colour for _, colour in colours}, "no yellow note on the picture"
    assert_no_page_errors(ada, ben)


async def test_json_export_round_trips_through_an_import(
    cluster: LiveCluster, crowd: Crowd, png: Path, tmp_path: Path
) -> None:
    ada, ben = await pair(cluster, crowd, "origin")
    ids = await draw_one_of_each(ada, png)
    await expect(ben.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)
    await note(ben, ids["note"]).get_by_test_id("reaction-🎉").click(timeout=TIMEOUT_MS)
    await ada.wait_for(
        "(id) => window.coworking.boardDoc.getMap('objects').get(id).get('reactions').size === 1",
        ids["note"],
    )

    exported = json.loads((await export(ada, "json", tmp_path)).read_text())
    assert (exported["format"], exported["version"]) == ("coworking-board", 1)
    assert {o["id"] for o in exported["objects"]} == set(ids.values())

    cluster.room("copy")
    cara = await join(crowd, cluster, 1, cluster.token("copy"), "Cara")
    source = tmp_path / "origin-export.json"
    source.write_text(json.dumps(exported))
    await import_json(cara, source)
    await expect(cara.by_test_id("object")).not_to_have_count(0, timeout=TIMEOUT_MS)

    again = json.loads((await export(cara, "json", tmp_path)).read_text())

    def by_id(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Objects by id; an image's URL names its new room, so compare the picture itself."""
        media = export.get("media", {})
        return {
            o["id"]: {**o, "src": media[o["src"]]} if o["type"] == "image" else o
            for o in export["objects"]
        }

    assert by_id(again) == by_id(exported)
    assert len(again["objects"]) == len(exported["objects"])
    reactions = by_id(again)[ids["note"]]["reactions"]
    assert len(reactions) == 1 and next(iter(reactions)).endswith(" 🎉")
    assert_no_page_errors(ada, ben, cara)


async def test_an_imported_image_shows_in_the_new_room(
    cluster: LiveCluster, crowd: Crowd, png: Path, tmp_path: Path
) -> None:
    ada, ben = await pair(cluster, crowd, "source")
    await add_image(ada, png)
    exported = await export(ada, "json", tmp_path)

    cluster.room("target")
    cara = await join(crowd, cluster, 1, cluster.token("target"), "Cara")
    await import_json(cara, exported)
    await expect(cara.page.locator("[data-testid=object][data-type=image]")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    status = await cara.evaluate(
        "async () => (await fetch(document.querySelector('.object-image').src)).status"
    )
    assert status == 200, f"the imported image answers {status} to the new room's members"
    await cara.wait_for("() => document.querySelector('.object-image').naturalWidth === 64")
    assert_no_page_errors(ada, ben, cara)


async def test_note_text_with_html_is_shown_as_text(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "markup")
    note_id = await add_object(ada, "note", (200, 100), text=XSS)
    ben_note = note(ben, note_id)
    await expect(ben_note.get_by_test_id("note-text")).to_have_value(XSS, timeout=TIMEOUT_MS)
    await expect(ben_note).to_have_attribute(
        "aria-label", re.compile(re.escape(XSS)), timeout=TIMEOUT_MS
    )
    await expect(ben.by_test_id("outline")).to_contain_text(XSS, timeout=TIMEOUT_MS)

    await asyncio.sleep(0.5)  # time for an injected image to fail and run its handler
    for person in (ada, ben):
        await expect(note(person, note_id).locator("img, script")).to_have_count(
            0, timeout=TIMEOUT_MS
        )
        await expect(person.page.locator(".board img, .side-panel img")).to_have_count(
            0, timeout=TIMEOUT_MS
        )
        assert await person.evaluate("() => window.__pwned") is None
    assert_no_page_errors(ada, ben)


async def test_frames_nested_thousands_deep_beside_a_good_note_break_nothing(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    """A raw Yjs client fills a board with frames nested inside each other around a good note;
    a browser that joins still renders the note and lists it in the outline."""
    slug = "nested-frames"
    cluster.room(slug)
    token = cluster.token(slug)
    server = cluster.servers[0]
    url = f"{server.ws_url}/{slug}/board?token={token}"
    writer = await YClient(url, origin=server.http_url).join()
    try:
        add_note(writer.doc, "good", "Still here")
        objects = writer.doc.get("objects", type=pycrdt.Map)
        with writer.doc.transaction():
            for i in range(9000):
                side = 4 * i + 6
                objects[f"frame-{i}"] = pycrdt.Map(
                    {"type": "frame", "x": 8.0 - side, "y": 18.0 - side, "w": 204.0 + 2 * side,
                     "h": 164.0 + 2 * side, "title": pycrdt.Text(f"F{i}"), "z": 0.0}
                )  # fmt: skip
        # They are stored once another client receives them.
        reader = await YClient(url, origin=server.http_url).join()
        try:
            stored = reader.doc.get("objects", type=pycrdt.Map)
            await reader.wait_for(lambda: len(stored) == 9001, TIMEOUT_S)
        finally:
            await reader.close()
    finally:
        await writer.close()

    ada = await join(crowd, cluster, 1, token, "Ada")
    await expect(note(ada, "good").get_by_test_id("note-text")).to_have_value(
        "Still here", timeout=TIMEOUT_MS
    )
    await expect(ada.by_test_id("outline")).to_contain_text("Still here", timeout=TIMEOUT_MS)
    assert_no_page_errors(ada)


async def test_a_refused_change_is_explained_and_the_board_resyncs(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    """The server refuses a change nested deeper than it allows: Ada sees why, her board drops
    the change and starts again from the server's copy, and her next edits reach Ben."""
    ada, ben = await pair(cluster, crowd, "refusals")
    first = await add_object(ada, "note", (200, 100), text="Kept")
    await expect(note(ben, first)).to_be_visible(timeout=TIMEOUT_MS)
    await ada.evaluate(
        """() => {
          window.refusedDoc = window.coworking.boardDoc
          const deep = JSON.parse('['.repeat(60) + ']'.repeat(60))
          window.coworking.board.commands.transact(() => {
            const objects = window.coworking.boardDoc.getMap('objects')
            objects.get(Object.keys(objects.toJSON())[0]).set('points', deep)
          })
        }"""
    )
    await expect(ada.by_test_id("board-message")).to_have_text(
        re.compile("deeper than a board allows"), timeout=TIMEOUT_MS
    )
    await ada.wait_for(
        "() => window.coworking.boardDoc !== window.refusedDoc"
        " && document.body.dataset.boardSynced === 'true'"
    )
    await expect(note(ada, first)).to_be_visible(timeout=TIMEOUT_MS)
    objects = await ada.objects()
    assert "points" not in objects[first], "the refused change is gone"
    second = await add_object(ada, "note", (500, 100), text="After")
    await expect(note(ben, second).get_by_test_id("note-text")).to_have_value(
        "After", timeout=TIMEOUT_MS
    )
    assert_no_page_errors(ada, ben)


async def test_long_note_text_shrinks_to_fit_its_note(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "fit")
    words = " ".join(["brainstorm"] * 20)
    note_id = await add_object(ada, "note", (200, 100), text=words)
    fitted = """(field) => ({size: parseFloat(getComputedStyle(field).fontSize),
        fits: field.scrollHeight <= field.clientHeight + 1})"""
    for person in (ada, ben):
        field = note(person, note_id).get_by_test_id("note-text")
        await expect(field).to_have_value(words, timeout=TIMEOUT_MS)

        async def shrunk(field: Locator = field) -> None:
            measured = await field.evaluate(fitted)
            assert measured["fits"] and measured["size"] < 15, measured

        await eventually(shrunk)


async def test_an_anonymous_room_records_and_shows_no_authors(
    cluster: LiveCluster, crowd: Crowd, tmp_path: Path
) -> None:
    cluster.room("secret", anonymous=True)
    token = cluster.token("secret")
    ada = await join(crowd, cluster, 0, token, "Ada")
    ben = await join(crowd, cluster, 1, token, "Ben")
    note_id = await add_object(ada, "note", (200, 100), text="a bold idea")
    await expect(note(ben, note_id).get_by_test_id("note-text")).to_have_value(
        "a bold idea", timeout=TIMEOUT_MS
    )
    stored = (await ben.objects())[note_id]
    assert (stored["author"], stored["authorId"]) == ("", "")
    await expect(note(ben, note_id).locator(".note-author")).to_have_count(0, timeout=TIMEOUT_MS)
    assert "Ada" not in (await export(ben, "markdown", tmp_path)).read_text()


async def test_swot_template_reaches_the_other_server(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "swot")
    await ada.by_test_id("templates").click(timeout=TIMEOUT_MS)
    await ada.by_test_id("template-swot").click(timeout=TIMEOUT_MS)

    titles = {"Strengths", "Weaknesses", "Opportunities", "Threats"}

    async def ben_has_the_frames() -> None:
        objects = (await ben.objects()).values()
        assert {o["title"] for o in objects if o["type"] == "frame"} == titles

    await eventually(ben_has_the_frames)
    await ben.evaluate("() => window.coworking.board.zoomToFit()")
    frames = ben.page.locator("[data-testid=object][data-type=frame] .frame-title-input")
    await expect(frames).to_have_count(4, timeout=TIMEOUT_MS)
    assert set(await frames.evaluate_all("(inputs) => inputs.map((input) => input.value)")) == (
        titles
    )
    assert_no_page_errors(ada, ben)


def corner(obj: dict[str, Any]) -> Point:
    """An object's top-left corner."""
    return obj["x"], obj["y"]


async def test_locked_scaffolding_outlasts_select_all_and_delete(
    cluster: LiveCluster, crowd: Crowd
) -> None:
    """Fay (facilitator) inserts SWOT; Pat (participant) selects all and deletes: the locked
    scaffolding stays, the starter notes go. Fay can move the frame only once she unlocks it."""
    cluster.room("locks")
    fay = await join(crowd, cluster, 0, cluster.token("locks", "facilitator"), "Fay")
    pat = await join(crowd, cluster, 1, cluster.token("locks"), "Pat")
    await fay.by_test_id("templates").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("template-swot").click(timeout=TIMEOUT_MS)

    async def pat_has_the_template() -> None:
        assert len(await pat.objects()) == 14

    await eventually(pat_has_the_template)
    objects = await pat.objects()
    notes = {key for key, o in objects.items() if o["type"] == "note"}
    scaffolding = set(objects) - notes
    assert len(notes) == 4
    assert all(objects[key].get("locked") is True for key in scaffolding)
    assert not any("locked" in objects[key] for key in notes)
    [strengths] = [key for key in scaffolding if objects[key].get("title") == "Strengths"]
    [prompt] = [key for key in scaffolding if objects[key].get("text", "").startswith("What do we")]

    await expect(pat.by_test_id("lock")).to_have_count(0)
    await pat.evaluate(f"() => window.coworking.board.focusObject({strengths!r})")
    await expect(on_board(pat, strengths)).to_have_attribute(
        "aria-label", "Frame: Strengths, locked", timeout=TIMEOUT_MS
    )
    await expect(on_board(pat, strengths).get_by_test_id("lock-badge")).to_be_visible()
    await press(pat, "Control+a")
    await press(pat, "Delete")
    await expect(pat.by_test_id("board-message")).to_have_text(
        "Kept 10 objects because they are locked.", timeout=TIMEOUT_MS
    )
    for person in (pat, fay):

        async def only_scaffolding(person: Person = person) -> None:
            assert set(await person.board_keys()) == scaffolding

        await eventually(only_scaffolding)

    # Fay's drag on the locked frame pans the board and moves nothing.
    frame = objects[strengths]
    await fay.evaluate(
        "() => window.coworking.board.setView("
        f"{{x: {frame['x'] + frame['w'] / 2}, y: {frame['y'] + frame['h'] / 2}, zoom: 1}})"
    )
    view = await fay.evaluate("() => window.coworking.board.getView()")
    grab = await fay.screen_point(frame["x"] + 40, frame["y"] + frame["h"] - 40)
    await fay.drag(grab, (grab[0] + 100, grab[1] + 50))
    assert (await fay.evaluate("() => window.coworking.board.getView()")) != view
    assert corner((await fay.objects())[strengths]) == corner(frame)

    lock = fay.by_test_id("lock")
    await expect(lock).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    await lock.click(timeout=TIMEOUT_MS)
    await expect(lock).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT_MS)
    await expect(on_board(pat, strengths)).to_have_attribute(
        "aria-label", "Frame: Strengths", timeout=TIMEOUT_MS
    )
    await expect(on_board(pat, strengths).get_by_test_id("lock-badge")).to_have_count(0)

    grab = await fay.screen_point(frame["x"] + 40, frame["y"] + frame["h"] - 40)
    await fay.drag(grab, (grab[0] + 100, grab[1] + 50))
    for person in (fay, pat):

        async def moved_alone(person: Person = person) -> None:
            now = await person.objects()
            assert corner(now[strengths]) == (frame["x"] + 100, frame["y"] + 50)
            # The prompt in it is still locked, so it stays.
            assert corner(now[prompt]) == corner(objects[prompt])

        await eventually(moved_alone)

    await press(fay, "Control+Shift+L")
    await expect(lock).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    await expect(on_board(pat, strengths).get_by_test_id("lock-badge")).to_be_visible()
    assert_no_page_errors(fay, pat)


async def test_reactions_count_everyone_once(cluster: LiveCluster, crowd: Crowd) -> None:
    ada, ben = await pair(cluster, crowd, "cheers")
    note_id = await add_object(ada, "note", (200, 100), text="Launch on Friday")
    ada_button = note(ada, note_id).get_by_test_id("reaction-👍")
    ben_button = note(ben, note_id).get_by_test_id("reaction-👍")

    await ada_button.click(timeout=TIMEOUT_MS)
    await expect(ben_button).to_have_text("👍 1", timeout=TIMEOUT_MS)
    await expect(ben_button).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT_MS)
    await ben_button.click(timeout=TIMEOUT_MS)
    for button in (ada_button, ben_button):
        await expect(button).to_have_text("👍 2", timeout=TIMEOUT_MS)
        await expect(button).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    reactions = (await ben.objects())[note_id]["reactions"]
    assert len(reactions) == 2 and all(key.endswith(" 👍") for key in reactions)
    assert_no_page_errors(ada, ben)


async def test_touch_pans_pinch_zooms_and_adds_a_note(cluster: LiveCluster, crowd: Crowd) -> None:
    """One finger pans, two fingers pinch-zoom, and tapping a tool then the board adds a note."""
    cluster.room("touch")
    tia = await crowd.join_as_guest(cluster.servers[0], cluster.token("touch"), "Tia", touch=True)
    page = tia.page
    box = await page.get_by_test_id("board").bounding_box()
    assert box is not None
    # Right of centre: the empty board shows its template picker in the middle.
    cx, cy = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.4
    screen = await page.context.new_cdp_session(page)

    async def touches(kind: str, *points: Point) -> None:
        touch_points = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
        await asyncio.wait_for(
            screen.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points}),
            TIMEOUT_S,
        )

    view = "() => window.coworking.board.getView()"
    start = await page.evaluate(view)
    await touches("touchStart", (cx, cy))
    for step in range(1, 11):
        await touches("touchMove", (cx - 12 * step, cy - 6 * step))
    await touches("touchEnd")
    panned = await page.evaluate(view)
    assert panned["x"] - start["x"] == pytest.approx(120 / start["zoom"], rel=0.1)
    assert panned["y"] - start["y"] == pytest.approx(60 / start["zoom"], rel=0.1)

    await touches("touchStart", (cx - 60, cy), (cx + 60, cy))
    for step in range(1, 11):
        await touches("touchMove", (cx - 60 - 6 * step, cy), (cx + 60 + 6 * step, cy))
    await touches("touchEnd")
    pinched = await page.evaluate(view)
    assert pinched["zoom"] == pytest.approx(panned["zoom"] * 2, rel=0.1)

    await page.get_by_test_id("tool-note").tap(timeout=TIMEOUT_MS)
    await page.touchscreen.tap(cx + 40, cy + 40)
    await expect(tia.by_test_id("note")).to_have_count(1, timeout=TIMEOUT_MS)
    assert_no_page_errors(tia)


async def test_the_room_page_has_no_axe_violations(
    cluster: LiveCluster, crowd: Crowd, png: Path
) -> None:
    crowd.bypass_csp = True  # axe is injected as an inline script
    ada, ben = await pair(cluster, crowd, "access")
    await draw_one_of_each(ada, png)
    await expect(ben.by_test_id("note")).to_have_count(2, timeout=TIMEOUT_MS)
    fay = await crowd.join_as_guest(
        cluster.servers[0], cluster.token("access", "facilitator"), "Fay"
    )  # the facilitation controls too, with the agenda editor open and a vote open
    await fay.by_test_id("lab-timer-start").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-lock").click(timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("lab-locked")).to_be_visible(timeout=TIMEOUT_MS)
    await fay.page.get_by_text("Edit agenda").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-agenda-text").fill("5 Ideas\n3 Vote [lock]", timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-agenda-save").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-next-phase").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-vote-start").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-follow-me").click(timeout=TIMEOUT_MS)
    await fay.by_test_id("lab-celebrate").click(timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("lab-vote")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("follow-banner")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(ben.by_test_id("celebration")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-agenda-text")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(fay.by_test_id("lab-phase")).to_have_text("Ideas", timeout=TIMEOUT_MS)

    report = []
    for person in (ada, ben, fay):
        await asyncio.wait_for(person.page.add_script_tag(path=AXE), TIMEOUT_S)
        violations = await asyncio.wait_for(person.page.evaluate(AXE_RUN), 3 * TIMEOUT_S)
        report += [
            f"{person.name}: {v['id']} ({v['impact']}, {v['nodes']} nodes), first at "
            f"{v['target']}: {v['summary']}"
            for v in violations
        ]
    assert report == [], "axe-core violations:\n" + "\n".join(report)
    assert_no_page_errors(ada, ben, fay)
