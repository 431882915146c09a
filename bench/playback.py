"""Playback speed: seeking in, and playing, a long recording of a busy lab in Chromium.

Synthesises a recording into a throwaway SQLite database (embedded mode): a lab room of
`--people` members and `--hours` of server time, with at least `--updates` board updates
made by the members' own Yjs documents (notes created, typed, retyped, moved, reacted to
and deleted; frames, shapes, text boxes, connectors), `--messages` chat messages written as
the server writes them, and the room document going through the agenda's phases. Every
update goes through the room store at its server time and compaction archives it to SQL
and writes the keyframes (`boards.compaction.compact_dirty` every 2 s of server time, as a
server does), then a `Recording` spans it.

Then one Daphne process serves it: the `state` and `states` endpoints over HTTP at random
moments; the player in Debian's headless Chromium, seeking by clicks on its timeline (from
the click to the board of that moment drawn), from the server and from the recording held
in the page once it has loaded, and playing at 16x (frame timing, and how far playback kept
up); and the server's memory before and after concurrent watchers.

Run from the project root: `.venv/bin/python bench/playback.py`.
Prints a table and writes every figure to `bench/playback.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import http.client
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pycrdt
from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from board_speed import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    INK_COLORS,
    NOTE_COLORS,
    REACTIONS,
    TIMEOUT_MS,
    VIEWPORT,
    percentile,
    sign_in,
)
from board_speed import WORDS as BOARD_WORDS  # noqa: E402

from tests.support.servers import ServerProcess, manage, server_env  # noqa: E402

BENCH = Path(__file__).resolve().parent
SLUG = "playback-speed"
HOUR_MS = 3_600_000
#: Compaction runs this often (server time), as `run_compactor` does.
COMPACT_EVERY_MS = 2000

WORDS = [*BOARD_WORDS, "users", "survey", "onboarding", "budget"]
CHAT_LINES = [
    "hello everyone",
    "can you hear me?",
    "love this one",
    "+1",
    "agreed",
    "which frame is ours?",
    "I'll take the pricing notes",
    "brb, coffee",
    "good point about onboarding",
    "can someone move the blue notes to the left?",
    "thanks!",
    "how many dots do we get?",
    "let's group these under research",
    "the timer is running out",
    "nice",
    "I think we covered that in the warm-up",
    "could we merge the two frames?",
    "lol",
    "who wrote the podcast idea?",
    "sharing a link in a sec",
    "done with mine",
]

#: The lab's agenda: (id, title, minutes, how busy the board is, how busy the chat is).
AGENDA = [
    ("welcome", "Welcome", 8, 0.3, 2.0),
    ("warmup", "Warm-up", 12, 1.0, 1.0),
    ("ideas", "Ideas", 30, 1.6, 0.6),
    ("break", "Break", 10, 0.1, 2.5),
    ("clusters", "Clustering", 20, 1.3, 0.8),
    ("vote", "Vote", 10, 0.4, 0.8),
    ("next", "Next steps", 23, 1.0, 0.8),
    ("wrapup", "Wrap-up", 7, 0.3, 2.0),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--updates", type=int, default=30_000, help="at least this many")
    parser.add_argument("--messages", type=int, default=1_000, help="at least this many")
    parser.add_argument(
        "--states", type=int, default=200, help="state and states requests (HTTP), each"
    )
    parser.add_argument("--seeks", type=int, default=50, help="seeks in Chromium")
    parser.add_argument("--play-seconds", type=float, default=20.0)
    parser.add_argument("--watchers", type=int, default=20)
    parser.add_argument("--watcher-seeks", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=BENCH / "playback.json")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the recording already in --workdir"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep logs and database here (default: a temporary folder)"
    )
    return parser.parse_args()


# ---- synthesis ------------------------------------------------------------------------------


class Clock:
    """The server time the store stamps entries with (patched in for the synthesis)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@dataclass
class Thing:
    """What the simulation knows of a board object (for choosing what to act on)."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    owner: int


@dataclass
class Person:
    """A member with a Yjs document of their own, kept up to date before each edit."""

    index: int
    identity: str
    name: str
    doc: pycrdt.Doc
    home: tuple[float, float]
    synced: int = 0
    sent: list[bytes] = field(default_factory=list)
    local: bool = False

    @property
    def objects(self) -> pycrdt.Map:
        return self.doc.get("objects", type=pycrdt.Map)


class Lab:
    """Forty people working on one board: each action is a generator of edits, yielding the
    ms to wait before its next edit; the driver runs them all in time order."""

    def __init__(self, people: list[tuple[str, str]], start_ms: int, duration_ms: int, seed: int):
        self.rng = random.Random(seed)
        self.start_ms = start_ms
        self.duration_ms = duration_ms
        self.log: list[bytes] = []  # every board update, in order
        self.authors: list[str] = []
        self.things: dict[str, Thing] = {}
        self.frames: list[str] = []
        self.connectors: dict[str, set[str]] = {}  # connector -> the objects it links
        self.people: list[Person] = []
        for index, (identity, name) in enumerate(people):
            doc: pycrdt.Doc = pycrdt.Doc(client_id=1000 + index)
            angle = index / len(people) * 6.283
            person = Person(
                index, identity, name, doc, (3000 * math.cos(angle), 2000 * math.sin(angle))
            )
            doc.observe(
                lambda event, p=person: None if not p.local else p.sent.append(event.update)
            )
            self.people.append(person)
        self.z = 0.0

    # -- phases

    def phase_at(self, offset_ms: int) -> int:
        scale = self.duration_ms / sum(minutes for _, _, minutes, _, _ in AGENDA) / 60_000
        end = 0.0
        for index, (_, _, minutes, _, _) in enumerate(AGENDA):
            end += minutes * 60_000 * scale
            if offset_ms < end:
                return index
        return len(AGENDA) - 1

    def phase_starts(self) -> list[int]:
        scale = self.duration_ms / sum(minutes for _, _, minutes, _, _ in AGENDA) / 60_000
        starts, at = [], 0.0
        for _, _, minutes, _, _ in AGENDA:
            starts.append(round(at))
            at += minutes * 60_000 * scale
        return starts

    # -- editing

    def edit(self, person: Person, change: Callable[[pycrdt.Map], None]) -> bool:
        """Bring the person's document up to date, make `change` in one transaction and log
        the update it makes; False if it made none."""
        pending = self.log[person.synced :]
        if pending:
            person.doc.apply_update(
                pycrdt.merge_updates(*pending) if len(pending) > 1 else pending[0]
            )
            person.synced = len(self.log)
        person.local = True
        try:
            with person.doc.transaction():
                change(person.objects)
        finally:
            person.local = False
        made = bool(person.sent)
        for update in person.sent:
            self.log.append(update)
            self.authors.append(person.identity)
        person.sent.clear()
        person.synced = len(self.log)
        return made

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def new_id(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128)).hex[:21]

    def common(self, person: Person, kind: str) -> dict[str, Any]:
        self.z += 1
        return {
            "type": kind,
            "z": self.z,
            "author": person.name,
            "authorId": person.identity,
            "createdAt": self.start_ms,
        }

    def place(self, person: Person) -> tuple[float, float]:
        """Somewhere near the person's corner of the board, or in a frame."""
        if self.frames and self.rng.random() < 0.4:
            frame = self.things.get(self.rng.choice(self.frames))
            if frame is not None:
                return (
                    frame.x + self.rng.uniform(20, max(30, frame.w - 220)),
                    frame.y + self.rng.uniform(60, max(70, frame.h - 180)),
                )
        x, y = person.home
        return x + self.rng.gauss(0, 700), y + self.rng.gauss(0, 500)

    def pick(self, kinds: tuple[str, ...], person: Person, own: float = 0.6) -> str | None:
        """An object of one of `kinds`, the person's own more often than not."""
        mine = [i for i, t in self.things.items() if t.kind in kinds and t.owner == person.index]
        if mine and self.rng.random() < own:
            return self.rng.choice(mine[-30:])
        every = [i for i, t in self.things.items() if t.kind in kinds]
        return self.rng.choice(every) if every else None

    def type_into(self, person: Person, object_id: str, key: str, text: str) -> Iterator[int]:
        """Types `text` at the end of the object's text, a keystroke or a few per update."""
        at = 0
        while at < len(text):
            chunk = text[at : at + self.rng.choice((1, 1, 1, 2, 2, 3, 4))]
            at += len(chunk)

            def insert(objects: pycrdt.Map, chunk: str = chunk) -> None:
                target = objects.get(object_id)
                if target is not None:
                    field_text = target[key]
                    field_text.insert(len(field_text), chunk)

            if not self.edit(person, insert):
                return
            yield self.rng.randint(90, 320)

    # -- actions (generators of waits)

    def add_note(self, person: Person) -> Iterator[int]:
        object_id = self.new_id()
        x, y = self.place(person)
        fields = {
            **self.common(person, "note"),
            "x": x,
            "y": y,
            "w": 200.0,
            "h": 160.0,
            "color": self.rng.choice(NOTE_COLORS),
            "text": pycrdt.Text(),
            "reactions": pycrdt.Map(),
        }

        def create(objects: pycrdt.Map) -> None:
            objects[object_id] = pycrdt.Map(fields)

        self.edit(person, create)
        self.things[object_id] = Thing("note", x, y, 200, 160, person.index)
        yield self.rng.randint(400, 1500)
        yield from self.type_into(person, object_id, "text", self.words(2, 12).capitalize())

    def add_frame(self, person: Person) -> Iterator[int]:
        object_id = self.new_id()
        x, y = person.home[0] + self.rng.uniform(-1500, 1500), person.home[1] - 1400
        w, h = self.rng.choice((900.0, 1200.0, 1600.0)), self.rng.choice((700.0, 900.0))
        fields = {**self.common(person, "frame"), "x": x, "y": y, "w": w, "h": h}

        def create(objects: pycrdt.Map) -> None:
            objects[object_id] = pycrdt.Map({**fields, "title": pycrdt.Text()})

        self.edit(person, create)
        self.things[object_id] = Thing("frame", x, y, w, h, person.index)
        self.frames.append(object_id)
        yield self.rng.randint(500, 1500)
        yield from self.type_into(person, object_id, "title", self.words(1, 3).title())

    def add_other(self, person: Person) -> Iterator[int]:
        """A shape with a label, a text box, a drawing or a connector."""
        kind = self.rng.choices(("shape", "text", "drawing", "connector"), (3, 2, 1, 4))[0]
        object_id = self.new_id()
        x, y = self.place(person)
        if kind == "connector":
            ends = [self.pick(("note",), person, 0.8), self.pick(("note",), person, 0.8)]
            if ends[0] is None or ends[1] is None or ends[0] == ends[1]:
                return
            fields: dict[str, Any] = {
                "from": ends[0],
                "to": ends[1],
                "arrow": self.rng.choice(("none", "end", "end", "both")),
                "color": self.rng.choice(INK_COLORS),
            }
        elif kind == "drawing":
            points = [0.0, 0.0]
            for _ in range(self.rng.randint(20, 80)):
                points += [
                    min(240.0, max(0.0, points[-2] + self.rng.uniform(-12, 16))),
                    min(180.0, max(0.0, points[-1] + self.rng.uniform(-12, 12))),
                ]
            fields = {"x": x, "y": y, "w": 240.0, "h": 180.0, "points": points}
            fields.update(color=self.rng.choice(INK_COLORS), width=3.0)
        elif kind == "shape":
            fields = {"x": x, "y": y, "w": 180.0, "h": 100.0}
            fields.update(shape=self.rng.choice(("rect", "ellipse", "diamond")))
            fields.update(color=self.rng.choice(NOTE_COLORS))
        else:
            fields = {"x": x, "y": y, "w": 360.0, "h": 60.0, "color": "black", "fontSize": 24.0}
        texts = kind in ("shape", "text")

        def create(objects: pycrdt.Map) -> None:
            extra = {"text": pycrdt.Text()} if texts else {}
            objects[object_id] = pycrdt.Map({**self.common(person, kind), **fields, **extra})

        self.edit(person, create)
        if kind == "connector":
            self.connectors[object_id] = {fields["from"], fields["to"]}
        self.things[object_id] = Thing(
            kind, x, y, float(fields.get("w", 0)), float(fields.get("h", 0)), person.index
        )
        if texts:
            yield self.rng.randint(400, 1200)
            yield from self.type_into(person, object_id, "text", self.words(1, 5))

    def retype(self, person: Person) -> Iterator[int]:
        """Deletes the last words of a note (a keystroke at a time) and types others."""
        object_id = self.pick(("note", "text", "shape"), person)
        if object_id is None:
            return
        for _ in range(self.rng.randint(1, 8)):

            def backspace(objects: pycrdt.Map) -> None:
                target = objects.get(object_id)
                if target is not None and len(target["text"]):
                    del target["text"][len(target["text"]) - 1]

            if not self.edit(person, backspace):
                return
            yield self.rng.randint(60, 200)
        yield from self.type_into(person, object_id, "text", " " + self.words(1, 4))

    def move(self, person: Person) -> Iterator[int]:
        """Drags an object (a frame with what it holds) in steps, as a client sends them."""
        object_id = self.pick(("note", "note", "shape", "text", "frame", "drawing"), person, 0.5)
        if object_id is None:
            return
        thing = self.things[object_id]
        held = []
        if thing.kind == "frame":
            held = [
                i
                for i, t in self.things.items()
                if i != object_id
                and t.kind != "connector"
                and thing.x <= t.x
                and t.x + t.w <= thing.x + thing.w
                and thing.y <= t.y
                and t.y + t.h <= thing.y + thing.h
            ]
        if self.frames and thing.kind != "frame" and self.rng.random() < 0.5:
            target = self.things.get(self.rng.choice(self.frames))
            goal = (
                (target.x + self.rng.uniform(20, target.w - 220), target.y + 80)
                if target is not None
                else (thing.x, thing.y)
            )
        else:
            goal = (thing.x + self.rng.gauss(0, 400), thing.y + self.rng.gauss(0, 300))
        steps = self.rng.randint(5, 18)
        start = (thing.x, thing.y)
        for step in range(1, steps + 1):
            share = step / steps
            dx = start[0] + (goal[0] - start[0]) * share - thing.x
            dy = start[1] + (goal[1] - start[1]) * share - thing.y

            def shift(objects: pycrdt.Map, dx: float = dx, dy: float = dy) -> None:
                for moved in (object_id, *held):
                    target = objects.get(moved)
                    if target is not None:
                        target["x"] = round(float(target["x"]) + dx, 1)
                        target["y"] = round(float(target["y"]) + dy, 1)

            if not self.edit(person, shift):
                return
            for moved in (object_id, *held):
                if moved in self.things:
                    self.things[moved].x += dx
                    self.things[moved].y += dy
            yield self.rng.randint(30, 70)

    def delete(self, person: Person) -> Iterator[int]:
        """Deletes a note (and its connectors), or a few selected together."""
        first = self.pick(("note", "shape", "text", "drawing"), person, 0.8)
        if first is None:
            return
        chosen = {first}
        if self.rng.random() < 0.2:
            for _ in range(self.rng.randint(1, 4)):
                other = self.pick(("note",), person, 0.9)
                if other is not None:
                    chosen.add(other)
        linked = {i for i, ends in self.connectors.items() if ends & chosen and i in self.things}

        def remove(objects: pycrdt.Map) -> None:
            for object_id in chosen | linked:
                if object_id in objects:
                    del objects[object_id]

        self.edit(person, remove)
        for object_id in chosen | linked:
            self.things.pop(object_id, None)
        yield 0

    def react(self, person: Person) -> Iterator[int]:
        object_id = self.pick(("note",), person, 0.1)
        if object_id is None:
            return
        key = f"{person.identity} {self.rng.choice(REACTIONS)}"

        def toggle(objects: pycrdt.Map) -> None:
            target = objects.get(object_id)
            if target is None:
                return
            reactions = target["reactions"]
            if key in reactions:
                del reactions[key]
            else:
                reactions[key] = 1

        self.edit(person, toggle)
        yield 0

    def restyle(self, person: Person) -> Iterator[int]:
        """A colour change, or a resize in a few steps."""
        object_id = self.pick(("note", "shape", "frame"), person)
        if object_id is None:
            return
        if self.rng.random() < 0.5:
            color = self.rng.choice(NOTE_COLORS)

            def recolor(objects: pycrdt.Map) -> None:
                target = objects.get(object_id)
                if target is not None and target["type"] != "frame":
                    target["color"] = color

            self.edit(person, recolor)
            return
        for _ in range(self.rng.randint(3, 8)):
            grow = self.rng.uniform(-10, 25)

            def resize(objects: pycrdt.Map, grow: float = grow) -> None:
                target = objects.get(object_id)
                if target is not None:
                    target["w"] = max(80.0, round(float(target["w"]) + grow, 1))
                    target["h"] = max(60.0, round(float(target["h"]) + grow * 0.8, 1))

            if not self.edit(person, resize):
                return
            if object_id in self.things:
                self.things[object_id].w += grow
                self.things[object_id].h += grow * 0.8
            yield self.rng.randint(30, 70)

    def act(self, person: Person, phase: int) -> Iterator[int]:
        """One action, its kind weighted by the phase."""
        phase_id = AGENDA[phase][0]
        weights = {
            "note": 2.0 if phase_id in ("warmup", "ideas") else 0.5,
            "frame": 0.25 if phase_id in ("clusters", "next") and person.index < 8 else 0.005,
            "other": 0.4,
            "retype": 1.2,
            "move": 3.0 if phase_id == "clusters" else 1.2,
            "delete": 0.9 if phase_id in ("clusters", "next") else 0.35,
            "react": 2.5 if phase_id in ("vote", "ideas") else 0.6,
            "restyle": 0.4,
        }
        kind = self.rng.choices(list(weights), list(weights.values()))[0]
        actions: dict[str, Callable[[Person], Iterator[int]]] = {
            "note": self.add_note,
            "frame": self.add_frame,
            "other": self.add_other,
            "retype": self.retype,
            "move": self.move,
            "delete": self.delete,
            "react": self.react,
            "restyle": self.restyle,
        }
        yield from actions[kind](person)

    def life(self, person: Person, joins: int, leaves: int, pace_ms: float) -> Iterator[int]:
        """The person's actions from joining to leaving, yielding the waits between edits;
        the first wait is from the start of the recording."""
        yield joins
        now = joins
        while True:
            phase = self.phase_at(now)
            busy = AGENDA[phase][3]
            wait = int(self.rng.expovariate(busy / pace_ms)) if busy else 60_000
            now += wait
            if now >= leaves:
                return
            yield wait
            for step in self.act(person, self.phase_at(now)):
                now += step
                yield step


def room_events(
    lab: Lab, recording: dict[str, Any], facilitator: str, rng: random.Random
) -> list[tuple[int, str, dict[str, Any]]]:
    """The room document's changes: (ms from the start, author, the keys written)."""
    starts = lab.phase_starts()
    agenda = [
        {"id": pid, "title": title, "minutes": minutes, "tools": {"locked": pid == "break"}}
        for pid, title, minutes, _, _ in AGENDA
    ]
    events: list[tuple[int, str, dict[str, Any]]] = [(-60_000, facilitator, {"agenda": agenda})]
    for index, at in enumerate(starts):
        minutes = AGENDA[index][2]
        ends_at = lab.start_ms + at + minutes * 60_000
        keys: dict[str, Any] = {
            "phase": AGENDA[index][0],
            "locked": AGENDA[index][0] == "break",
            "timer": {
                "running": True,
                "endsAt": ends_at,
                "remainingMs": minutes * 60_000,
                "durationMs": minutes * 60_000,
            },
        }
        if index == 0:
            keys["recording"] = recording
        events.append((at, facilitator, keys))
    vote = starts[[p[0] for p in AGENDA].index("vote")]
    vote_id = uuid.UUID(int=rng.getrandbits(128)).hex[:16]
    settings = {"budget": 5, "maxPerObject": 3, "anonymous": True, "scope": "board"}
    events.append((vote + 1000, facilitator, {"vote": {"id": vote_id, "open": True, **settings}}))
    events.append((vote + 9 * 60_000, facilitator, {"vote": "RESULTS"}))
    for _ in range(40):
        at = rng.randint(60_000, lab.duration_ms - 60_000)
        person = rng.choice(lab.people).identity
        events.append((at, person, {"hands": ("raise", person)}))
        events.append((at + rng.randint(20_000, 120_000), person, {"hands": ("lower", person)}))
    events.append((lab.duration_ms, facilitator, {"phase": None, "recording": None}))
    return sorted(events, key=lambda event: event[0])


@dataclass
class Synthesis:
    start_ms: int
    duration_ms: int
    board_updates: int
    chat_messages: int
    room_updates: int
    presence: list[tuple[int, str, str]]
    seconds: float


async def synthesise(
    people: list[tuple[str, str]], start_ms: int, args: argparse.Namespace, recording: dict
) -> Synthesis:
    """Writes the recording through an embedded room store at its server times; compaction
    archives it to SQL and writes keyframes."""
    from django.conf import settings

    from boards.chat import keep_newest
    from boards.compaction import compact_dirty
    from boards.connection import write_as_server
    from boards.hub import Hub
    from boards.store import memory

    began = time.perf_counter()
    rng = random.Random(args.seed + 1)
    duration = round(args.hours * HOUR_MS)
    lab = Lab(people, start_ms, duration, args.seed)
    clock = Clock(start_ms - 120_000)
    store = memory.MemoryRoomStore()
    hub = Hub(store, compact=False)
    board_name, chat_name, room_name = (f"{SLUG}/{kind}" for kind in ("board", "chat", "room"))
    keep = int(settings.CHAT_KEEP_MESSAGES)
    # Everyone's presence: most join in the first minutes; a few come late or leave early.
    stays = []
    for _ in lab.people:
        joins = rng.randint(0, 300_000) if rng.random() < 0.9 else rng.randint(0, 1_800_000)
        leaves = duration if rng.random() < 0.9 else rng.randint(duration // 2, duration)
        stays.append((joins, leaves))
    # Board pace: the mean wait between a person's actions at a busyness of 1, set so that
    # the board gets about `--updates` updates (about 11 updates an action, measured).
    present_ms = sum(leaves - joins for joins, leaves in stays)
    pace_ms = present_ms / (args.updates * 1.25 / 11.0)
    heap: list[tuple[int, int, str, Any]] = []
    sequence = 0

    def push(at: int, kind: str, item: Any) -> None:
        nonlocal sequence
        sequence += 1
        heapq.heappush(heap, (at, sequence, kind, item))

    for person, (joins, leaves) in zip(lab.people, stays, strict=True):
        life = lab.life(person, joins, leaves, pace_ms)
        push(next(life), "board", (person, life))
    # Chat: messages at random moments, more where the phase is chatty.
    starts = [*lab.phase_starts(), duration]
    weights = [AGENDA[i][4] * (starts[i + 1] - starts[i]) for i in range(len(AGENDA))]
    for _ in range(round(args.messages * 1.08)):
        phase = rng.choices(range(len(AGENDA)), weights)[0]
        push(rng.randint(starts[phase], starts[phase + 1] - 1), "chat", rng.choice(lab.people))
    for at, author, keys in room_events(lab, recording, people[0][0], rng):
        push(at, "room", (author, keys))
    for at in range(-120_000, duration + COMPACT_EVERY_MS, COMPACT_EVERY_MS):
        push(at, "compact", None)

    board_written = chat_written = room_written = 0
    with mock.patch.object(memory, "_now_ms", clock):
        while heap:
            at, _, kind, item = heapq.heappop(heap)
            clock.ms = max(clock.ms, start_ms + at)
            if kind == "compact":
                await compact_dirty(store)
            elif kind == "board":
                person, life = item
                logged = len(lab.log)
                wait = next(life, None)
                for update, author in zip(lab.log[logged:], lab.authors[logged:], strict=True):
                    await store.append(board_name, update, author)
                    board_written += 1
                if wait is not None and at + wait <= duration:
                    push(at + wait, "board", (person, life))
            elif kind == "chat":
                person = item
                message = {
                    "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "authorId": person.identity,
                    "author": person.name,
                    "text": rng.choice(CHAT_LINES)
                    if rng.random() < 0.6
                    else lab.words(3, 25).capitalize(),
                    "ts": clock.ms,
                }

                def append(doc: pycrdt.Doc, message: dict[str, Any] = message) -> None:
                    messages = doc.get("messages", type=pycrdt.Array)
                    messages.append(message)
                    keep_newest(messages, keep)

                await write_as_server(hub, chat_name, person.identity, append)
                chat_written += 1
            elif kind == "room":
                author, keys = item
                written = await write_room(hub, room_name, author, keys, lab, rng)
                room_written += int(written)
        await compact_dirty(store)
    presence: list[tuple[int, str, str]] = []
    changes = sorted({t // 1000 * 1000 for stay in stays for t in stay if t < duration})
    for at in changes:
        second = (start_ms + at) // 1000
        for person, (joins, leaves) in zip(lab.people, stays, strict=True):
            if joins <= at < leaves:
                presence.append((second, person.identity, person.name))
    return Synthesis(
        start_ms,
        duration,
        board_written,
        chat_written,
        room_written,
        presence,
        time.perf_counter() - began,
    )


async def write_room(
    hub: Any, name: str, author: str, keys: dict[str, Any], lab: Lab, rng: random.Random
) -> bool:
    """Writes room keys as the server's room commands do (one update, as server)."""
    from boards.connection import write_as_server

    def change(doc: pycrdt.Doc) -> None:
        room = doc.get("room", type=pycrdt.Map)
        for key, value in keys.items():
            if key == "hands":
                action, person = value
                hands = dict(room.get("hands") or {})
                if action == "raise":
                    hands[person] = float(lab.start_ms)
                else:
                    hands.pop(person, None)
                room["hands"] = hands
            elif value == "RESULTS":
                vote = dict(room.get("vote") or {})
                notes = [i for i, t in lab.things.items() if t.kind == "note"]
                picked = rng.sample(notes, min(12, len(notes)))
                vote.update(open=False, results={i: rng.randint(1, 14) for i in picked})
                room["vote"] = vote
            else:
                room[key] = value

    return await write_as_server(hub, name, author, change) is not None


def prepare(folder: Path, args: argparse.Namespace) -> tuple[dict[str, str], str, dict[str, Any]]:
    """Database, room, members and recording; then the synthesis. Returns the server's
    environment, an invite token, and what was made."""
    env = server_env(f"sqlite:///{folder / 'db.sqlite3'}")
    manage(env, "migrate", "-v0")
    manage(env, "createroom", SLUG, "--title", "Busy lab", "--kind", "lab")
    token = manage(env, "invite", SLUG, "--role", "participant", "--token-only")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import User

    from boards.models import DocumentKeyframe, DocumentUpdate
    from rooms.models import Membership, Recording, RecordingPresence, Role, Room

    room = Room.objects.get(slug=SLUG)
    rng = random.Random(args.seed)
    first = [
        "Ada",
        "Ben",
        "Chloé",
        "Dev",
        "Emma",
        "Farid",
        "Gala",
        "Hugo",
        "Ines",
        "Jon",
        "Kai",
        "Lena",
        "Mo",
        "Nia",
        "Omar",
        "Pia",
    ]
    last = [
        "Berg",
        "Costa",
        "Diaz",
        "Evans",
        "Fox",
        "Gray",
        "Hill",
        "Ito",
        "Jones",
        "Klein",
        "Lund",
        "Moreau",
    ]
    people = []
    for index in range(args.people):
        user = User.objects.create_user(
            f"member{index}", first_name=rng.choice(first), last_name=rng.choice(last)
        )
        role = Role.FACILITATOR if index == 0 else Role.PARTICIPANT
        Membership.objects.create(room=room, user=user, role=role)
        people.append((f"u{user.pk}", user.get_full_name()))
    duration = round(args.hours * HOUR_MS)
    start_ms = (int(time.time() * 1000) - duration - 15 * 60_000) // 1000 * 1000
    title = "Busy lab, two hours"
    recording = Recording.objects.create(
        room=room, title=title, started_ms=start_ms, ended_ms=start_ms + duration
    )
    shown = {"id": str(recording.pk), "title": title, "startedAt": start_ms}
    made = asyncio.run(synthesise(people, start_ms, args, shown))
    RecordingPresence.objects.bulk_create(
        RecordingPresence(recording=recording, second=second, identity=identity, name=name)
        for second, identity, name in made.presence
    )
    board = f"{SLUG}/board"
    rows = DocumentUpdate.objects.filter(doc=board)
    figures = {
        "recordingId": recording.pk,
        "people": args.people,
        "durationMs": duration,
        "synthesisSeconds": round(made.seconds, 1),
        "boardUpdates": rows.count(),
        "boardUpdateBytes": sum(len(p) for p in rows.values_list("payload", flat=True)),
        "boardKeyframes": DocumentKeyframe.objects.filter(doc=board).count(),
        "chatMessages": made.chat_messages,
        "chatUpdates": DocumentUpdate.objects.filter(doc=f"{SLUG}/chat").count(),
        "roomUpdates": DocumentUpdate.objects.filter(doc=f"{SLUG}/room").count(),
        "presenceRows": len(made.presence),
    }
    keyframe = DocumentKeyframe.objects.filter(doc=board).order_by("-ms").first()
    last_state = _final_board(board, start_ms + duration)
    figures.update(last_state)
    figures["lastKeyframeBytes"] = len(keyframe.state) if keyframe else 0
    return env, token, figures


def _final_board(board: str, end_ms: int) -> dict[str, Any]:
    from boards.archive import _keyframe_at
    from boards.models import DocumentUpdate

    snapshot = _keyframe_at(board, end_ms)
    updates = [snapshot.state] if snapshot else []
    ms, seq = (int(x) for x in snapshot.upto.split("-")) if snapshot else (0, -1)
    rows = DocumentUpdate.objects.filter(doc=board, ms__gte=ms).order_by("ms", "seq")
    updates += [
        bytes(p) for m, s, p in rows.values_list("ms", "seq", "payload") if (m, s) > (ms, seq)
    ]
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(pycrdt.merge_updates(*updates))
    objects = doc.get("objects", type=pycrdt.Map).to_py() or {}
    kinds: dict[str, int] = {}
    for value in objects.values():
        kinds[str(value.get("type"))] = kinds.get(str(value.get("type")), 0) + 1
    return {
        "objectsAtEnd": len(objects),
        "mixAtEnd": kinds,
        "boardStateBytes": len(doc.get_update()),
    }


# ---- measuring ------------------------------------------------------------------------------


def fetch(http_url: str, path: str) -> tuple[float, int, bytes]:
    """GET `path`: (ms to the whole answer, status, body), on a fresh connection."""
    host, port = http_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, body
    finally:
        connection.close()


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.5), 1),
        "p95": round(percentile(values, 0.95), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def rss_kb(pid: int) -> int:
    """The resident memory of a process (VmRSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def state_times(
    server: ServerProcess, base: str, token: str, duration: int, count: int, rng: random.Random
) -> dict[str, Any]:
    """`state?doc=board`, then `states` (the three documents, as a seek asks), at `count`
    random moments each, one request at a time."""
    first, status, _ = fetch(server.http_url, f"{base}/state?doc=board&at=0&token={token}")
    if status != 200:
        raise RuntimeError(f"state answered {status}")
    figures: dict[str, Any] = {"requests": count, "firstRequestMs": round(first, 1)}
    for key, path in (("ms", "state?doc=board&"), ("statesMs", "states?")):
        times, sizes = [], []
        for _ in range(count):
            at = rng.randint(0, duration)
            took, status, body = fetch(server.http_url, f"{base}/{path}at={at}&token={token}")
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            times.append(took)
            sizes.append(len(body))
        figures[key] = summary(times)
        figures["bytes" if key == "ms" else "statesBytes"] = {
            "median": statistics.median(sizes),
            "max": max(sizes),
        }
    return figures


#: Times each seek made by a click on the timeline: from the pointerdown event to the end
#: of the board's render of the documents that seek brought (and to the next frame).
WATCH_SEEKS = """
() => {
  const { board, playback } = window.coworking
  const timeline = document.querySelector('[data-testid="timeline"]')
  window.__seeks = []
  timeline.addEventListener('pointerdown', (event) => {
    window.__seeks.push({ start: event.timeStamp, docs: playback.docs, requests: 0 })
  }, { capture: true })
  const onDocs = playback.onDocs
  playback.onDocs = (docs) => {
    const seek = window.__seeks.at(-1)
    if (seek && seek.shown === undefined) seek.shown = performance.now()
    onDocs(docs)
    if (seek && seek.bound === undefined) seek.bound = performance.now()
  }
  board.renderer.afterRender.add(() => {
    const seek = window.__seeks.at(-1)
    if (!seek || seek.rendered !== undefined || playback.docs === seek.docs) return
    seek.rendered = performance.now()
    seek.at = playback.position
    seek.objects = board.model.plain.size
    seek.inDom = board.renderer.renderedCount()
    requestAnimationFrame(() => { seek.painted = performance.now() })
  })
}
"""

#: Makes the player take its documents from the recording held in the page (`held`) or from
#: the server (`remote`), timing when each seek's documents are in.
USE_SOURCE = """
(which) => {
  const { playback } = window.coworking
  window.__held ??= playback.source
  const source = which === 'held' ? window.__held : window.__held.remote
  const states = source.states.bind(source)
  playback.source = Object.assign(Object.create(source), {
    states: async (at) => {
      const seek = window.__seeks.at(-1)
      if (seek) seek.requests++
      const answer = await states(at)
      if (seek) seek.fetched = performance.now()
      return answer
    }
  })
}
"""

#: The player's short seeks forward apply the updates in between to the documents shown
#: (`FORWARD_MS` in frontend/src/playback/playback.js); the benchmark times seeks this far.
FORWARD_MS = 60_000
FORWARD_SEEK_MS = 30_000

#: One seek `ahead` ms forward, as a click asks for it: until the documents show the moment
#: (the updates fetched and applied), and until the next frame (the board's render has run).
SEEK_FORWARD = """
async ({ahead}) => {
  const { playback } = window.coworking
  const { states, updates } = playback.source
  let requests = 0
  let fetched = null
  playback.source.states = (at) => { requests++; return states.call(playback.source, at) }
  playback.source.updates = async (...args) => {
    const answer = await updates.apply(playback.source, args)
    fetched = performance.now() - start
    return answer
  }
  const start = performance.now()
  await playback.seek(playback.position + ahead)
  const moved = performance.now() - start
  await new Promise((resolve) => requestAnimationFrame(resolve))
  Object.assign(playback.source, { states, updates })
  return { moved, painted: performance.now() - start, requests, fetched: fetched ?? 0 }
}
"""

#: Plays for `seconds` at the speed set, timing every animation frame and the work of the
#: player's clock in it (`playback.tick`: applying the updates the clock passes).
PLAY = """
async ({seconds}) => {
  const { playback } = window.coworking
  const tick = playback.tick.bind(playback)
  const ticks = []
  let applied = 0
  playback.tick = (elapsed) => {
    const started = performance.now()
    const done = tick(elapsed)
    ticks.push(performance.now() - started)
    applied += done.length
    return done
  }
  const intervals = []
  let stalled = 0
  const from = playback.position
  const start = await new Promise((resolve) => requestAnimationFrame(resolve))
  let last = start
  await new Promise((resolve) => {
    function frame (now) {
      intervals.push(now - last)
      last = now
      if (playback.playing && playback.position >= playback.loadedTo) stalled++
      if (now - start >= seconds * 1000) return resolve()
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
  playback.tick = tick
  return {
    intervals, ticks, applied, stalled, from, to: playback.position,
    elapsed: last - start, playing: playback.playing
  }
}
"""


async def open_player(page: Page, url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    try:
        await page.wait_for_function("() => document.body.dataset.playerReady === 'true'")
    except Exception:
        raise RuntimeError(f"the player never got ready; page errors: {errors}") from None


async def timeline_seeks(
    page: Page, timeline: Any, rng: random.Random, duration: int, count: int, done: int
) -> list[dict[str, Any]]:
    """`count` clicks at random points of the timeline (none a short way forward, which
    applies the updates in between instead, timed apart), each timed by WATCH_SEEKS; `done`
    seeks were timed before."""
    seeks = []
    for index in range(done, done + count):
        # A moment that loads whole states: not a short way forward (timed below), with a
        # margin for where a pixel of the timeline lands.
        position = await page.evaluate("() => window.coworking.playback.position")
        while True:
            fraction = rng.random()
            if not -20_000 <= fraction * duration - position <= FORWARD_MS + 20_000:
                break
        x = timeline["x"] + 1 + fraction * (timeline["width"] - 2)
        y = timeline["y"] + timeline["height"] / 2
        await page.mouse.click(x, y)
        await page.wait_for_function(
            f"() => window.__seeks.length === {index + 1}"
            f" && window.__seeks[{index}].painted !== undefined"
        )
        seeks.append(
            await page.evaluate(
                f"""() => {{
                  const s = window.__seeks[{index}]
                  return {{ start: s.start, rendered: s.rendered, painted: s.painted,
                            fetched: s.fetched, shown: s.shown, bound: s.bound,
                            at: s.at, objects: s.objects, inDom: s.inDom,
                            requests: s.requests }}
                }}"""
            )
        )
        await page.wait_for_timeout(200)
    return seeks


def seek_figures(seeks: list[dict[str, Any]]) -> dict[str, Any]:
    """What clicks on the timeline took: to the board drawn and to the next frame, and where
    the time went (medians)."""
    rendered = [s["rendered"] - s["start"] for s in seeks]
    return {
        "seeks": len(seeks),
        "toRenderedMs": summary(rendered),
        "toNextFrameMs": summary([s["painted"] - s["start"] for s in seeks]),
        "breakdownMedianMs": {
            "clickToStatesIn": round(
                statistics.median(s["fetched"] - s["start"] for s in seeks), 1
            ),
            "statesInToDocsApplied": round(
                statistics.median(s["shown"] - s["fetched"] for s in seeks), 1
            ),
            "boardBind": round(statistics.median(s["bound"] - s["shown"] for s in seeks), 1),
            "boundToRendered": round(
                statistics.median(s["rendered"] - s["bound"] for s in seeks), 1
            ),
        },
        "stateRequestsPerSeek": statistics.median(s["requests"] for s in seeks),
        "objectsShown": {
            "median": statistics.median(s["objects"] for s in seeks),
            "max": max(s["objects"] for s in seeks),
        },
        "samples": [
            {"at": round(s["at"]), "ms": round(r, 1), "objects": s["objects"]}
            for s, r in zip(seeks, rendered, strict=True)
        ],
    }


async def browser_figures(
    server: ServerProcess, base: str, token: str, duration: int, args: argparse.Namespace
) -> dict[str, Any]:
    rng = random.Random(args.seed + 2)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            state = await sign_in(browser, server, token)
            context = await browser.new_context(viewport=VIEWPORT, storage_state=state)
            context.set_default_timeout(TIMEOUT_MS)
            page = await context.new_page()
            opened = time.perf_counter()
            await open_player(page, f"{server.http_url}{base}/")
            ready_ms = (time.perf_counter() - opened) * 1000
            await page.wait_for_function(
                "() => document.body.dataset.playerHeld !== undefined", timeout=120_000
            )
            held_ms = (time.perf_counter() - opened) * 1000
            held = await page.evaluate(
                "() => ({ held: document.body.dataset.playerHeld === 'true',"
                " bytes: window.coworking.playback.source.bytes,"
                " checkpoints: window.coworking.playback.source.checkpoints.length })"
            )
            if not held["held"]:
                raise RuntimeError("the player did not hold the recording")
            await page.evaluate(WATCH_SEEKS)
            timeline = await page.get_by_test_id("timeline").bounding_box()
            if timeline is None:
                raise RuntimeError("the timeline is not visible")
            await page.evaluate(USE_SOURCE, "remote")
            from_server = await timeline_seeks(page, timeline, rng, duration, args.seeks, 0)
            await page.evaluate(USE_SOURCE, "held")
            seeks = await timeline_seeks(page, timeline, rng, duration, args.seeks, args.seeks)
            # Short seeks forward from a busy moment (the middle of the ideas phase).
            at = round(duration * 35 / 120)
            await page.evaluate(f"() => window.coworking.playback.seek({at})")
            await page.wait_for_timeout(1000)
            forward = []
            for _ in range(args.seeks):
                forward.append(await page.evaluate(SEEK_FORWARD, {"ahead": FORWARD_SEEK_MS}))
                await page.wait_for_timeout(200)
            # Play at 16x from there.
            await page.get_by_test_id("player-speed").select_option("16")
            await page.evaluate(f"() => window.coworking.playback.seek({at})")
            await page.wait_for_timeout(1000)
            await page.get_by_test_id("player-play").click()
            played = await page.evaluate(PLAY, {"seconds": args.play_seconds})
            version = browser.version
            await context.close()
        finally:
            await browser.close()
    intervals: list[float] = played["intervals"]
    ideal = played["elapsed"] * 16
    return {
        "browser": f"Chromium {version} (headless, no GPU)",
        "playerReadyMs": round(ready_ms),
        "held": {
            "msFromOpening": round(held_ms),
            "bytes": held["bytes"],
            "checkpoints": held["checkpoints"],
        },
        "seek": seek_figures(seeks),
        "seekFromServer": seek_figures(from_server),
        "seekForward": {
            "aheadMs": FORWARD_SEEK_MS,
            "seeks": len(forward),
            "toUpdatesFetchedMs": summary([f["fetched"] for f in forward]),
            "toDocsMs": summary([f["moved"] for f in forward]),
            "toNextFrameMs": summary([f["painted"] for f in forward]),
            "stateRequests": sum(f["requests"] for f in forward),
        },
        "play16x": {
            "seconds": round(played["elapsed"] / 1000, 2),
            "frames": len(intervals),
            "fps": round(len(intervals) / (played["elapsed"] / 1000), 1),
            "frameMs": summary(intervals),
            "framesOver20ms": sum(1 for i in intervals if i > 20),
            "framesOver50ms": sum(1 for i in intervals if i > 50),
            "droppedFrames": sum(max(0, round(i / (1000 / 60)) - 1) for i in intervals),
            "tickMs": summary(played["ticks"]) if played["ticks"] else None,
            "updatesApplied": played["applied"],
            "recordingMsPlayed": round(played["to"] - played["from"]),
            "keptUp": round((played["to"] - played["from"]) / ideal, 3) if ideal else None,
            "framesWaitingForUpdates": played["stalled"],
        },
    }


def watch(
    server: ServerProcess, base: str, token: str, duration: int, seeks: int, seed: int
) -> list[float]:
    """One watcher: `seeks` times, what the player asks for a seek and 16x play (the three
    documents at a random moment, then each one's updates of the next 240 s)."""
    rng = random.Random(seed)
    times = []
    for _ in range(seeks):
        at = rng.randint(0, duration - 240_000)
        started = time.perf_counter()
        _, status, _ = fetch(server.http_url, f"{base}/states?at={at}&token={token}")
        if status != 200:
            raise RuntimeError(f"a watcher got {status} from states")
        for kind in ("board", "chat", "room"):
            _, status, _ = fetch(
                server.http_url,
                f"{base}/updates?doc={kind}&from={at}&to={at + 240_000}&token={token}",
            )
            if status != 200:
                raise RuntimeError(f"a watcher got {status} from updates")
        times.append((time.perf_counter() - started) * 1000)
    return times


async def memory_figures(
    server: ServerProcess, base: str, token: str, duration: int, args: argparse.Namespace
) -> dict[str, Any]:
    assert server.process is not None
    pid = server.process.pid
    before = rss_kb(pid)
    peak = before
    done = False

    async def sample() -> None:
        nonlocal peak
        while not done:
            peak = max(peak, rss_kb(pid))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    runs = [
        asyncio.to_thread(
            watch, server, base, token, duration, args.watcher_seeks, args.seed + 100 + n
        )
        for n in range(args.watchers)
    ]
    started = time.perf_counter()
    results = await asyncio.gather(*runs)
    wall = time.perf_counter() - started
    done = True
    await sampler
    after = rss_kb(pid)
    await asyncio.sleep(2)
    settled = rss_kb(pid)
    # A second round: memory that stays bounded does not grow again by as much.
    again = await asyncio.gather(
        *(
            asyncio.to_thread(
                watch, server, base, token, duration, args.watcher_seeks, args.seed + 200 + n
            )
            for n in range(args.watchers)
        )
    )
    second = rss_kb(pid)
    per_seek = [t for times in [*results, *again] for t in times]
    return {
        "watchers": args.watchers,
        "seeksEach": args.watcher_seeks,
        "wallSeconds": round(wall, 1),
        "seekRequestsMs": summary(per_seek),
        "rssKb": {
            "before": before,
            "peak": peak,
            "after": after,
            "afterTwoSeconds": settled,
            "afterSecondRound": second,
        },
        "perWatcherKb": round((after - before) / args.watchers),
        "peakPerWatcherKb": round((peak - before) / args.watchers),
    }


async def measure(
    env: dict[str, str], token: str, made: dict[str, Any], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    base = f"/r/{SLUG}/recordings/{made['recordingId']}"
    duration = int(made["durationMs"])
    server = ServerProcess(env, folder / "daphne.log").start()
    try:
        assert server.process is not None
        idle_rss = rss_kb(server.process.pid)
        print("state endpoint ...", flush=True)
        states = await asyncio.to_thread(
            state_times, server, base, token, duration, args.states, random.Random(args.seed)
        )
        print("player in Chromium ...", flush=True)
        browser = await browser_figures(server, base, token, duration, args)
        print("concurrent watchers ...", flush=True)
        memory = await memory_figures(server, base, token, duration, args)
    except Exception:
        print(server.log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.stop()
    return {"state": states, **browser, "memory": {"idleRssKb": idle_rss, **memory}}


def table(results: dict[str, Any]) -> str:
    made, state, seek, play, memory = (
        results["recording"],
        results["state"],
        results["seek"],
        results["play16x"],
        results["memory"],
    )

    def line(figures: dict[str, float]) -> str:
        return f"{figures['p50']} / {figures['p95']} / {figures['p99']} / {figures['max']} ms"

    rows = [
        ("recording", f"{made['durationMs'] / HOUR_MS:g} h, {made['people']} people"),
        ("board updates (keyframes)", f"{made['boardUpdates']:,} ({made['boardKeyframes']})"),
        ("chat messages; room updates", f"{made['chatMessages']:,}; {made['roomUpdates']}"),
        (
            "objects at the end; board state",
            (f"{made['objectsAtEnd']}; {made['boardStateBytes'] / 1024:.0f} KiB"),
        ),
        ("synthesis", f"{made['synthesisSeconds']} s"),
        (f"state (board) x{state['requests']}: p50/p95/p99/max", line(state["ms"])),
        (f"states x{state['requests']}: p50/p95/p99/max", line(state["statesMs"])),
        (
            "recording held in the page: after; size",
            (
                f"{results['held']['msFromOpening']} ms; {results['held']['bytes'] / 2**20:.1f} MiB"
                f" ({results['held']['checkpoints']} checkpoints)"
            ),
        ),
        (f"seek in Chromium x{seek['seeks']}: to drawn", line(seek["toRenderedMs"])),
        ("seek: to the next frame", line(seek["toNextFrameMs"])),
        ("seek from the server: to drawn", line(results["seekFromServer"]["toRenderedMs"])),
        (
            f"seek {results['seekForward']['aheadMs'] // 1000} s forward: to the next frame",
            line(results["seekForward"]["toNextFrameMs"]),
        ),
        (
            "16x: fps; frames > 20 ms / > 50 ms",
            (
                f"{play['fps']}; {play['framesOver20ms']} / {play['framesOver50ms']}"
                f" of {play['frames']}"
            ),
        ),
        ("16x: frame p50/p95/p99/max", line(play["frameMs"])),
        ("16x: kept up; updates applied", f"{play['keptUp']:.1%}; {play['updatesApplied']:,}"),
        (
            f"memory: {memory['watchers']} watchers, RSS before/peak/after",
            (
                f"{memory['rssKb']['before'] / 1024:.0f} / {memory['rssKb']['peak'] / 1024:.0f} /"
                f" {memory['rssKb']['after'] / 1024:.0f} MiB"
            ),
        ),
        (
            "memory per watcher (after; peak)",
            (f"{memory['perWatcherKb']} KiB; {memory['peakPerWatcherKb']} KiB"),
        ),
        ("after a second round", f"{memory['rssKb']['afterSecondRound'] / 1024:.0f} MiB"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="playback-speed-") as scratch:
        folder = args.workdir.resolve() if args.workdir else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / "recording.json"
        if args.reuse and kept.exists():
            env, token, made = json.loads(kept.read_text())
        else:
            print("synthesising the recording ...", flush=True)
            (folder / "db.sqlite3").unlink(missing_ok=True)
            env, token, made = prepare(folder, args)
            kept.write_text(json.dumps([env, token, made]))
        print(json.dumps(made), flush=True)
        measured = asyncio.run(measure(env, token, made, folder, args))
    results = {"recording": made, **measured}
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
