"""A recorded session summed up in Markdown: who was there, the agenda with the time each
phase took, the notes made in each phase, the votes, the chat, and the board at the end: its
picture (`board.png`, beside `summary.md`) and its text grouped by frame."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pycrdt

from boards.placement import Box, box_of, number
from boards.playback import (
    Window,
    after_ms,
    chat_messages,
    entry_pages,
    lab_timeline,
    recording_people,
    state_at,
)
from boards.restore import ObjectState, board_objects
from boards.reuse import clock_text
from boards.store import Entry, RoomStore

#: The picture of the board at the end, relative to the summary's own address
#: (`.../recordings/<id>/summary.md` and `.../recordings/<id>/board.png`).
BOARD_PICTURE = "board.png"
#: The object types whose text the summary shows.
TEXT_TYPES = frozenset({"note", "text", "shape"})
#: A line start Markdown would read as structure (heading, quote, list, rule, table, fence).
MARKDOWN_LEAD = re.compile(r"^(\s*)(?:([#>+\-*=|`~_\[])|(\d+)([.)]))")
HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")

Board = dict[str, ObjectState]


def escape_line(line: str) -> str:
    """A line of text with a backslash before what Markdown would read as syntax at its
    start and before each `<` that would open an HTML tag."""

    def escaped(match: re.Match[str]) -> str:
        space, mark, digits, dot = match.groups()
        return f"{space}\\{mark}" if mark else f"{space}{digits}\\{dot}"

    return HTML_TAG.sub(r"\\<", MARKDOWN_LEAD.sub(escaped, line, count=1))


def one_line(text: str) -> str:
    return escape_line(" ".join(text.split()))


def bullet(text: str, tail: str = "") -> str | None:
    """A Markdown list item of a (multi-line) text, None when it holds nothing visible."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    shown = [f"- {escape_line(lines[0].lstrip())}"]
    shown += [f"  {escape_line(line)}" if line else "" for line in lines[1:]]
    if tail:
        shown[-1] += f" {tail}"
    return "\n".join(shown)


@dataclass
class BoardReplay:
    """Replays a board's updates in the recording, noting when each object was made (the
    update that added it) and the board as it was at chosen moments (ms from the start:
    every update at or before a moment is in)."""

    start_ms: int
    moments: list[int]
    doc: pycrdt.Doc = field(default_factory=pycrdt.Doc)
    created: dict[str, int] = field(default_factory=dict)
    boards: dict[int, Board] = field(default_factory=dict)
    #: The objects the board held when the recording began (made before it).
    before: set[str] = field(default_factory=set)

    def begin(self, base: bytes) -> None:
        self.doc.apply_update(base)
        self.before = set(self.doc.get("objects", type=pycrdt.Map).keys())

    def feed(self, entries: Sequence[Entry]) -> None:
        objects = self.doc.get("objects", type=pycrdt.Map)
        added: list[str] = []

        def note(event: pycrdt.MapEvent) -> None:
            changes: dict[str, dict[str, Any]] = event.keys  # type: ignore[attr-defined]
            added.extend(key for key, change in changes.items() if change["action"] == "add")

        subscription = objects.observe(note)
        for entry in entries:
            at = entry.time_ms - self.start_ms
            self._reach(at - 1)
            self.doc.apply_update(entry.payload)
            for key in added:
                if key not in self.before:
                    self.created.setdefault(key, at)
            added.clear()
        objects.unobserve(subscription)

    def finish(self) -> None:
        self._reach(max(self.moments, default=0))

    def _reach(self, at: int) -> None:
        """Take the board of every moment up to `at` not taken yet."""
        while self.moments and self.moments[0] <= at:
            self.boards[self.moments.pop(0)] = board_objects(self.doc)


def _text(state: ObjectState) -> str:
    return state.texts.get("text", "")


def _label(state: ObjectState | None) -> str:
    """What a vote result names: an object's text (its first line), a frame's title."""
    if state is None:
        return "(an object deleted since)"
    text = state.texts.get("title" if state.fields.get("type") == "frame" else "text", "")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return one_line(first) or f"(a {one_line(str(state.fields.get('type', 'object')))})"


def _author(state: ObjectState, anonymous: bool) -> str:
    author = state.fields.get("author")
    return f"— {one_line(author)}" if not anonymous and isinstance(author, str) and author else ""


def _notes(ids: Iterable[str], board: Board, anonymous: bool) -> list[str]:
    """Bullets of the notes among `ids` as they are on `board` (those gone left out)."""
    shown = []
    for key in ids:
        state = board.get(key)
        if state is not None and state.fields.get("type") == "note":
            line = bullet(_text(state), _author(state, anonymous))
            if line is not None:
                shown.append(line)
    return shown


def _reading_order(item: tuple[str, ObjectState]) -> tuple[float, float]:
    fields = item[1].fields
    return (number(fields.get("y")) or 0.0, number(fields.get("x")) or 0.0)


def _inside(outer: Box, inner: Box) -> bool:
    return (
        inner.x >= outer.x
        and inner.y >= outer.y
        and inner.right <= outer.right
        and inner.bottom <= outer.bottom
    )


def by_frame(board: Board) -> list[tuple[str | None, list[tuple[str, ObjectState]]]]:
    """The board's objects with text in reading order, each in the smallest frame that wholly
    holds it: (frame title, objects) per frame in reading order, then (None, the rest)."""
    frames = [
        (key, box, state)
        for key, state in sorted(board.items(), key=_reading_order)
        if state.fields.get("type") == "frame" and (box := box_of(state.fields)) is not None
    ]
    groups: dict[str | None, list[tuple[str, ObjectState]]] = {key: [] for key, _, _ in frames}
    groups[None] = []
    for key, state in sorted(board.items(), key=_reading_order):
        if state.fields.get("type") not in TEXT_TYPES or not _text(state).strip():
            continue
        box = box_of(state.fields)
        holding = [
            (frame_box.w * frame_box.h, frame)
            for frame, frame_box, _ in frames
            if box is not None and _inside(frame_box, box)
        ]
        groups[min(holding)[1] if holding else None].append((key, state))
    titles = {key: state.texts.get("title", "") for key, _, state in frames}
    shown: list[tuple[str | None, list[tuple[str, ObjectState]]]] = [
        (titles[key], groups[key]) for key, _, _ in frames if groups[key]
    ]
    return [*shown, (None, groups[None])] if groups[None] else shown


@dataclass(frozen=True)
class Summary:
    """What the Markdown is made of."""

    title: str
    window: Window
    people: list[dict[str, str]]
    agenda: list[Any]
    chapters: list[dict[str, Any]]
    votes: list[dict[str, Any]]
    messages: list[tuple[int, str, str]]
    created: Mapping[str, int]
    boards: Mapping[int, Board]

    def markdown(self) -> str:
        window = self.window
        started = datetime.fromtimestamp(window.start_ms / 1000, UTC)
        names = ", ".join(one_line(person["name"]) for person in self.people) or "nobody"
        lines = [
            f"# {one_line(self.title)}",
            "",
            f"- Date: {started:%Y-%m-%d %H:%M} UTC",
            f"- Duration: {clock_text(window.duration_ms)}",
            f"- People: {names}",
        ]
        if window.anonymous:
            lines.append("- An anonymous room: people are named by number, notes by nobody.")
        for section in (self._agenda(), self._phase_notes(), self._votes(), self._chat()):
            lines += ["", *section]
        lines += ["", *self._board()]
        return "\n".join(lines) + "\n"

    def _span(self, chapter: Mapping[str, Any]) -> str:
        return f"{clock_text(chapter['startMs'])}\N{EN DASH}{clock_text(chapter['endMs'])}"

    def _agenda(self) -> list[str]:
        spent: dict[tuple[int, str], int] = {}
        for chapter in self.chapters:
            key = (chapter["index"], chapter["title"])
            spent[key] = spent.get(key, 0) + chapter["endMs"] - chapter["startMs"]
        lines = ["## Agenda", ""]
        planned = [
            (index, phase)
            for index, phase in enumerate(self.agenda)
            if isinstance(phase, dict) and isinstance(phase.get("title"), str)
        ]
        for index, phase in planned:
            minutes = phase.get("minutes")
            plan = f"{minutes:g} min planned" if number(minutes) is not None else "no time planned"
            took = spent.pop((index, phase["title"]), None)
            did = f"{clock_text(took)} spent" if took is not None else "not reached"
            lines.append(f"{index + 1}. {one_line(phase['title'])}: {plan}, {did}")
        lines += [
            f"- {one_line(title)}: {clock_text(ms)} spent" for (_, title), ms in spent.items()
        ]
        if len(lines) == 2:
            lines.append("No agenda was run.")
        return lines

    def _phase_of(self, at: int) -> int | None:
        for position, chapter in enumerate(self.chapters):
            if chapter["startMs"] <= at <= chapter["endMs"]:
                return position
        return None

    def _phase_notes(self) -> list[str]:
        made: dict[int | None, list[str]] = {}
        for key, at in sorted(self.created.items(), key=lambda item: item[1]):
            made.setdefault(self._phase_of(at), []).append(key)
        lines = ["## Notes by phase"]
        for position, chapter in enumerate(self.chapters):
            board = self.boards[chapter["endMs"]]
            notes = _notes(made.get(position, []), board, self.window.anonymous)
            lines += ["", f"### {one_line(chapter['title'])} ({self._span(chapter)})", ""]
            lines += notes or ["No notes were made."]
        end = self.boards[self.window.duration_ms]
        loose = _notes(made.get(None, []), end, self.window.anonymous)
        if loose or not self.chapters:
            heading = "### Outside the phases" if self.chapters else "### During the recording"
            lines += ["", heading, "", *(loose or ["No notes were made."])]
        return lines

    def _votes(self) -> list[str]:
        lines = ["## Votes", ""]
        for vote in self.votes:
            title = f" in {one_line(vote['title'])}" if vote.get("title") else ""
            lines.append(f"### At {clock_text(vote['at'])}{title}")
            lines.append("")
            results = vote.get("results")
            if "results" not in vote:
                lines += ["Still open when the recording ended.", ""]
                continue
            board = self.boards[vote["at"]]
            ranked = sorted(
                ((count, key) for key, count in (results or {}).items() if number(count)),
                key=lambda item: (-item[0], item[1]),
            )
            lines += [
                f"{place}. {_label(board.get(key))}: {count:g} {'dot' if count == 1 else 'dots'}"
                for place, (count, key) in enumerate(ranked, 1)
            ] or ["No votes were cast."]
            lines.append("")
        if len(lines) == 2:
            lines.append("No votes were held.")
        return lines[:-1] if lines[-1] == "" else lines

    def _chat(self) -> list[str]:
        lines = ["## Chat", ""]
        for at, author, text in self.messages:
            line = bullet(text)
            if line is not None:
                lines.append(f"- {clock_text(at)} **{one_line(author)}**: {line[2:]}")
        if len(lines) == 2:
            lines.append("Nobody wrote in the chat.")
        return lines

    def _board(self) -> list[str]:
        lines = ["## The board at the end", "", f"![Board at the end]({BOARD_PICTURE})", ""]
        lines.append("Its text, by frame:")
        for title, items in by_frame(self.boards[self.window.duration_ms]):
            heading = "Not in a frame" if title is None else one_line(title) or "Untitled frame"
            lines += ["", f"### {heading}", ""]
            for _, state in items:
                line = bullet(_text(state), _author(state, self.window.anonymous))
                if line is not None:
                    lines.append(line)
        return lines


async def recording_summary(store: RoomStore, window: Window, title: str) -> str:
    """The recording summed up in Markdown (see the module's docstring). The board's updates
    are replayed a page at a time in a worker thread."""
    people = await recording_people(store, window)
    chapters, votes = await lab_timeline(store, window)
    names = {person["id"]: person["name"] for person in people.listed()}
    messages = [
        (at, names.get(people.shown(author)) or str(message.get("author") or "Guest"), text)
        for at, author, message in await chat_messages(store, window)
        if isinstance(text := message.get("text"), str)
    ]
    room: pycrdt.Doc = pycrdt.Doc()
    room.apply_update(await state_at(store, window.doc("room"), window.end_ms))
    agenda = room.get("room", type=pycrdt.Map).get("agenda")
    moments = {c["endMs"] for c in chapters} | {v["at"] for v in votes} | {window.duration_ms}
    replay = BoardReplay(window.start_ms, sorted(moments))
    board = window.doc("board")
    await asyncio.to_thread(replay.begin, await state_at(store, board, window.start_ms - 1))
    async for page in entry_pages(store, board, after_ms(window.start_ms - 1), window.end_ms):
        await asyncio.to_thread(replay.feed, page)
    await asyncio.to_thread(replay.finish)
    return Summary(
        title,
        window,
        people.listed(),
        agenda if isinstance(agenda, list) else [],
        chapters,
        votes,
        messages,
        replay.created,
        replay.boards,
    ).markdown()
