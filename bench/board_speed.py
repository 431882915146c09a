"""Board speed: how fast a big board joins, and how smoothly it pans and zooms, in Chromium.

Starts one Daphne process (embedded mode, throwaway SQLite), seeds a room's board with
`--objects` objects through a Python Yjs client, then drives Debian's headless Chromium:
join time (navigation start of the room page to the board's first full render) over fresh
browser contexts, and frames during a scripted pan and zoom across the whole board.

Run from the project root: `.venv/bin/python bench/board_speed.py --objects 5000`.
Prints a table and writes every figure to `bench/board_speed.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pycrdt
from playwright.async_api import (
    Browser,
    BrowserContext,
    StorageState,
    ViewportSize,
    async_playwright,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import ServerProcess, manage, server_env  # noqa: E402
from tests.support.yclient import YClient  # noqa: E402

BENCH = Path(__file__).resolve().parent
SLUG = "board-speed"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = ViewportSize(width=1280, height=800)
TIMEOUT_MS = 60_000

NOTE_COLORS = ["yellow", "pink", "blue", "green", "orange", "purple", "white", "gray"]
INK_COLORS = ["black", "gray", "red", "orange", "green", "blue", "purple"]
REACTIONS = ["👍", "❤️", "🎉", "💡", "❓", "🔥"]
WORDS = [
    "idea",
    "launch",
    "sketch",
    "mood",
    "palette",
    "beat",
    "loop",
    "sample",
    "brand",
    "logo",
    "client",
    "brief",
    "workshop",
    "prototype",
    "feedback",
    "pricing",
    "studio",
    "poster",
    "pitch",
    "story",
]

#: Sets `window.__bench` timestamps (performance.now(), ms since navigation start) the moment
#: the board reports sync and its first full render.
WATCH_BOARD = """
window.__bench = {}
new MutationObserver(() => {
  const data = document.body ? document.body.dataset : {}
  const now = performance.now()
  if (data.boardSynced === 'true' && window.__bench.synced === undefined) {
    window.__bench.synced = now
  }
  if (data.boardRendered === 'true' && window.__bench.rendered === undefined) {
    window.__bench.rendered = now
  }
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ['data-board-synced', 'data-board-rendered']
})
"""

#: Pans diagonally across the board while zooming between 0.2 and 2 (log scale), setting the
#: view on every animation frame; returns frame intervals, the zoom each frame ended (the
#: one it rendered), and every 10th frame how many objects are in the DOM.
PAN_AND_ZOOM = """
async ({bounds, seconds, minZoom, maxZoom, zoomCycles}) => {
  const board = window.coworking.board
  const duration = seconds * 1000
  const intervals = []
  const zooms = []
  const rendered = []
  const logMin = Math.log(minZoom)
  const logSpan = Math.log(maxZoom) - logMin
  const start = await new Promise((resolve) => requestAnimationFrame(resolve))
  let last = start
  await new Promise((resolve) => {
    function frame (now) {
      intervals.push(now - last)
      zooms.push(board.getView().zoom)
      last = now
      if (intervals.length % 10 === 0) rendered.push(board.renderedCount())
      const t = (now - start) / duration
      if (t >= 1) return resolve()
      const wave = 0.5 - 0.5 * Math.cos(2 * Math.PI * zoomCycles * t)
      board.setView({
        x: bounds.x + bounds.w * t,
        y: bounds.y + bounds.h * (t + 0.1 * Math.sin(6 * Math.PI * t)),
        zoom: Math.exp(logMin + logSpan * wave)
      })
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
  return { intervals, zooms, rendered, elapsed: last - start }
}
"""

#: Sets a view, lets two frames render it, and counts the objects in the DOM.
RENDERED_AT = """
async (view) => {
  window.coworking.board.setView(view)
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve))
  return window.coworking.board.renderedCount()
}
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--joins", type=int, default=3, help="join-time runs (fresh contexts)")
    parser.add_argument("--seconds", type=float, default=5, help="length of the pan and zoom")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=BENCH / "board_speed.json")
    parser.add_argument(
        "--workdir", type=Path, help="keep logs and database here (default: a temporary folder)"
    )
    return parser.parse_args()


def text(rng: random.Random, low: int, high: int) -> str:
    """A few words, like someone's note."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


class BoardBuilder:
    """A deterministic board: tiles of notes, frames of notes, shapes, text, drawings and
    connectors between neighbouring notes, laid out on a square grid of 800 x 560 tiles."""

    TILE_W, TILE_H = 800, 560

    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.objects: list[tuple[str, dict[str, Any]]] = []
        self.now = int(time.time() * 1000)

    def add(self, kind: str, **fields: Any) -> str:
        object_id = f"{len(self.objects):06d}{self.rng.getrandbits(64):016x}"
        common = {"type": kind, "z": float(len(self.objects) + 1), "createdAt": self.now}
        author = self.rng.choice([("Ada", "u1"), ("Ben", "u2"), ("Chloé", "u3")])
        self.objects.append(
            (object_id, {**common, "author": author[0], "authorId": author[1], **fields})
        )
        return object_id

    def note(self, x: float, y: float) -> str:
        reactions = {
            f"u{n} {self.rng.choice(REACTIONS)}": 1
            for n in range(self.rng.choice([0] * 4 + [1, 2]))
        }
        return self.add(
            "note",
            x=x,
            y=y,
            w=200.0,
            h=160.0,
            color=self.rng.choice(NOTE_COLORS),
            text=pycrdt.Text(text(self.rng, 2, 9)),
            reactions=pycrdt.Map(reactions),
        )

    def connector(self, a: str, b: str) -> None:
        self.add(
            "connector",
            **{"from": a, "to": b},
            arrow=self.rng.choice(["none", "end", "end", "both"]),
            color=self.rng.choice(INK_COLORS),
        )

    def notes_grid(self, x: float, y: float, links: int) -> list[str]:
        """Six notes in 3 x 2 from (x, y), with `links` connectors between neighbours."""
        ids = [self.note(x + col * 240, y + row * 200) for row in range(2) for col in range(3)]
        pairs = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)]
        for a, b in self.rng.sample(pairs, links):
            self.connector(ids[a], ids[b])
        return ids

    def tile(self, x: float, y: float) -> None:
        kind = self.rng.choices(["frame", "notes", "mixed"], [3, 5, 2])[0]
        if kind == "frame":
            self.add(
                "frame",
                x=x + 10,
                y=y + 10,
                w=780.0,
                h=540.0,
                title=pycrdt.Text(text(self.rng, 1, 3)),
            )
            self.notes_grid(x + 50, y + 90, links=2)
        elif kind == "notes":
            self.notes_grid(x + 40, y + 40, links=3)
            self.add(
                "shape",
                x=x + 300,
                y=y + 420,
                w=180.0,
                h=100.0,
                shape=self.rng.choice(["rect", "ellipse", "diamond"]),
                color=self.rng.choice(NOTE_COLORS),
                text=pycrdt.Text(text(self.rng, 1, 3)),
            )
        else:
            first = self.note(x + 40, y + 40)
            second = self.note(x + 520, y + 40)
            self.connector(first, second)
            self.add(
                "text",
                x=x + 40,
                y=y + 240,
                w=360.0,
                h=60.0,
                color=self.rng.choice(INK_COLORS),
                fontSize=self.rng.choice([18.0, 24.0, 32.0]),
                text=pycrdt.Text(text(self.rng, 3, 8)),
            )
            for offset in (0, 260):
                self.add(
                    "shape",
                    x=x + 40 + offset,
                    y=y + 340,
                    w=200.0,
                    h=160.0,
                    shape=self.rng.choice(["rect", "ellipse", "diamond"]),
                    color=self.rng.choice(NOTE_COLORS),
                    text=pycrdt.Text(text(self.rng, 1, 2)),
                )
            points = [0.0, 0.0]
            for _ in range(self.rng.randint(20, 80)):
                points += [
                    min(240.0, max(0.0, points[-2] + self.rng.uniform(-12, 16))),
                    min(180.0, max(0.0, points[-1] + self.rng.uniform(-12, 12))),
                ]
            self.add(
                "drawing",
                x=x + 540,
                y=y + 320,
                w=240.0,
                h=180.0,
                points=points,
                color=self.rng.choice(INK_COLORS),
                width=3.0,
            )

    def build(self) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, float]]:
        """The objects (exactly `count`) and the bounds of the board they cover."""
        per_tile = 9  # about, over the tile mix
        columns = max(1, round((self.count / per_tile) ** 0.5 * 0.8))
        index = 0
        while len(self.objects) < self.count:
            row, col = divmod(index, columns)
            self.tile(col * self.TILE_W, row * self.TILE_H)
            index += 1
        del self.objects[self.count :]
        rows = (index + columns - 1) // columns
        bounds = {
            "x": 0.0,
            "y": 0.0,
            "w": float(columns * self.TILE_W),
            "h": float(rows * self.TILE_H),
        }
        return self.objects, bounds


async def write_board(
    url: str,
    origin: str,
    objects: list[tuple[str, dict[str, Any]]],
    batch: int = 1000,
    pause: float = 0.2,
) -> int:
    """Write the objects through a Python Yjs client, `batch` to a transaction and `pause`
    seconds apart, and wait until a new client reads them all; returns the stored board's
    size in bytes."""
    writer = await YClient(url, origin).join()
    try:
        board = writer.doc.get("objects", type=pycrdt.Map)
        for start in range(0, len(objects), batch):
            with writer.doc.transaction():
                for object_id, fields in objects[start : start + batch]:
                    board[object_id] = pycrdt.Map(fields)
            await asyncio.sleep(pause)
        deadline = time.monotonic() + 60
        while True:
            reader = await YClient(url, origin).join()
            stored = len(reader.doc.get("objects", type=pycrdt.Map))
            size = len(reader.doc.get_update())
            await reader.close()
            if stored == len(objects):
                return size
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {stored} of {len(objects)} objects were stored")
            await asyncio.sleep(0.5)
    finally:
        await writer.close()


async def seed(
    server: ServerProcess, token: str, objects: list[tuple[str, dict[str, Any]]]
) -> float:
    """Write the objects into the room's board; returns the seconds it took."""
    started = time.perf_counter()
    await write_board(f"{server.ws_url}/{SLUG}/board?token={token}", server.http_url, objects)
    return time.perf_counter() - started


async def sign_in(browser: Browser, server: ServerProcess, token: str) -> StorageState:
    """Join the room as a guest through an invite link; returns the signed-in storage state."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await page.goto(f"{server.http_url}/i/{token}/")
    await page.locator("[name=display_name]").fill("Bench")
    await page.get_by_role("button", name="Join room").click()
    await page.wait_for_url("**/r/*/")
    state = await context.storage_state()
    await context.close()
    return state


async def open_room(
    browser: Browser, server: ServerProcess, state: StorageState
) -> tuple[BrowserContext, dict[str, float]]:
    """A fresh context (empty cache) loads the room page; returns it and its timings in ms."""
    context = await browser.new_context(viewport=VIEWPORT, storage_state=state)
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_init_script(WATCH_BOARD)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{server.http_url}/r/{SLUG}/")
    try:
        await page.wait_for_function("() => window.__bench.rendered !== undefined")
    except Exception:
        raise RuntimeError(
            f"the board never reported a full render; page errors: {errors}"
        ) from None
    timings = await page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0]
          return {
            response: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd,
            synced: window.__bench.synced ?? null, rendered: window.__bench.rendered,
            domNodes: document.querySelectorAll('*').length
          }
        }"""
    )
    return context, timings


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(
    server: ServerProcess, token: str, args: argparse.Namespace, bounds: dict[str, float]
) -> dict[str, Any]:
    """Join times over fresh contexts, then frames during the pan and zoom in the last one."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            state = await sign_in(browser, server, token)
            joins = []
            for run in range(args.joins):
                context, timings = await open_room(browser, server, state)
                joins.append(timings)
                print(f"join {run + 1}: rendered at {timings['rendered']:.0f} ms", flush=True)
                if run < args.joins - 1:
                    await context.close()
            page = context.pages[0]
            centre = {"x": bounds["x"] + bounds["w"] / 2, "y": bounds["y"] + bounds["h"] / 2}
            rendered_at = {
                str(zoom): await page.evaluate(RENDERED_AT, {**centre, "zoom": zoom})
                for zoom in (1, 0.5, 0.2)
            }
            surface = await page.get_by_test_id("board").bounding_box()
            if surface is None:
                raise RuntimeError("the board element is not visible")
            await page.wait_for_timeout(1000)
            frames = await page.evaluate(
                PAN_AND_ZOOM,
                {
                    "bounds": bounds,
                    "seconds": args.seconds,
                    "minZoom": 0.2,
                    "maxZoom": 2,
                    "zoomCycles": 2.5,
                },
            )
            version = browser.version
            await context.close()
        finally:
            await browser.close()
    intervals: list[float] = frames["intervals"]
    near = [i for i, zoom in zip(intervals, frames["zooms"], strict=True) if zoom >= 0.5]
    far = [i for i, zoom in zip(intervals, frames["zooms"], strict=True) if zoom < 0.5]
    return {
        "browser": f"Chromium {version} (headless, no GPU)",
        "boardElement": {"width": surface["width"], "height": surface["height"]},
        "joins": joins,
        "joinMs": {
            "median": round(statistics.median(j["rendered"] for j in joins), 1),
            "min": round(min(j["rendered"] for j in joins), 1),
            "max": round(max(j["rendered"] for j in joins), 1),
            "syncedMedian": round(
                statistics.median(j["synced"] for j in joins if j["synced"] is not None), 1
            ),
        },
        "renderedCount": rendered_at,
        "panZoom": {
            "seconds": round(frames["elapsed"] / 1000, 2),
            "frames": len(intervals),
            "fps": round(len(intervals) / (frames["elapsed"] / 1000), 1),
            "frameMs": {
                "p50": round(percentile(intervals, 0.5), 1),
                "p95": round(percentile(intervals, 0.95), 1),
                "p99": round(percentile(intervals, 0.99), 1),
                "max": round(max(intervals), 1),
            },
            "framesOver20ms": sum(1 for i in intervals if i > 20),
            "byZoom": {
                band: {
                    "frames": len(values),
                    "p50": round(percentile(values, 0.5), 1),
                    "p95": round(percentile(values, 0.95), 1),
                }
                for band, values in (("zoom >= 0.5", near), ("zoom < 0.5", far))
                if values
            },
            "renderedDuring": {
                "median": statistics.median(frames["rendered"]),
                "max": max(frames["rendered"]),
            },
        },
    }


def table(results: dict[str, Any]) -> str:
    join, pan = results["joinMs"], results["panZoom"]
    rows = [
        ("objects on the board", f"{results['objects']:,}"),
        ("board element (CSS px)", "{width:.0f} x {height:.0f}".format(**results["boardElement"])),
        (
            "join: median (min-max)",
            f"{join['median']:.0f} ms ({join['min']:.0f}-{join['max']:.0f})",
        ),
        ("join: board synced, median", f"{join['syncedMedian']:.0f} ms"),
        ("pan and zoom: average FPS", f"{pan['fps']} over {pan['frames']} frames"),
        (
            "frame time p50 / p95 / p99",
            f"{pan['frameMs']['p50']} / {pan['frameMs']['p95']} / {pan['frameMs']['p99']} ms",
        ),
        ("frame time max", f"{pan['frameMs']['max']} ms"),
        ("frames over 20 ms", str(pan["framesOver20ms"])),
        *(
            (f"frame time p50 / p95 at {band}", f"{v['p50']} / {v['p95']} ms ({v['frames']})")
            for band, v in pan["byZoom"].items()
        ),
        (
            "in the DOM at zoom 1 / 0.5 / 0.2",
            " / ".join(str(v) for v in results["renderedCount"].values()),
        ),
        (
            "in the DOM while panning (median, max)",
            f"{pan['renderedDuring']['median']}, {pan['renderedDuring']['max']}",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


async def run(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = server_env(f"sqlite:///{folder / 'db.sqlite3'}")
    manage(env, "migrate", "-v0")
    manage(env, "createroom", SLUG, "--title", "Board speed", "--kind", "lab")
    writer_token = manage(env, "invite", SLUG, "--role", "participant", "--token-only")
    guest_token = manage(env, "invite", SLUG, "--role", "participant", "--token-only")
    objects, bounds = BoardBuilder(args.objects, args.seed).build()
    server = ServerProcess(env, folder / "daphne.log").start()
    try:
        print(f"seeding {len(objects):,} objects ...", flush=True)
        seeded = await seed(server, writer_token, objects)
        print(f"seeded in {seeded:.1f} s; measuring in Chromium ...", flush=True)
        figures = await measure(server, guest_token, args, bounds)
    except Exception:
        print(server.log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.stop()
    mix = Counter(str(fields["type"]) for _, fields in objects)
    return {
        "objects": len(objects),
        "mix": dict(mix),
        "boardBounds": bounds,
        "seedSeconds": round(seeded, 1),
        **figures,
    }


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="board-speed-") as scratch:
        folder = args.workdir.resolve() if args.workdir else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = asyncio.run(run(folder, args))
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
