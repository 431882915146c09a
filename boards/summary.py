"""A recorded session summed up in Markdown: who was there, the agenda with the time each
phase took, the notes made in each phase, the votes, the chat, and the board at the end: its
picture (`board.png`, beside `summary.md`) and its text grouped by frame. Written in the
active language (the request's)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pycrdt
from django.utils.translation import gettext, gettext_lazy, ngettext

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
from rooms.permissions import GUEST_NAME
from rooms.profiles import shown_name

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


#: What a vote result names when its object has no text, by the object's type.
UNNAMED = {
    # Translators: a vote result whose object is a note without text.
    "note": gettext_lazy("(a note)"),
    # Translators: a vote result whose object is a text box without text.
    "text": gettext_lazy("(a text)"),
    # Translators: a vote result whose object is a shape without text.
    "shape": gettext_lazy("(a shape)"),
    # Translators: a vote result whose object is a connector (a line between two objects).
    "connector": gettext_lazy("(a connector)"),
    # Translators: a vote result whose object is a drawing.
    "drawing": gettext_lazy("(a drawing)"),
    # Translators: a vote result whose object is a frame without a title.
    "frame": gettext_lazy("(a frame)"),
    # Translators: a vote result whose object is an image.
    "image": gettext_lazy("(an image)"),
}
# Translators: a vote result whose object is of a kind without a name of its own.
AN_OBJECT = gettext_lazy("(an object)")


def _label(state: ObjectState | None) -> str:
    """What a vote result names: an object's text (its first line), a frame's title."""
    if state is None:
        return gettext("(an object deleted since)")
    kind = state.fields.get("type")
    text = state.texts.get("title" if kind == "frame" else "text", "")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return one_line(first) or str(
        UNNAMED.get(kind, AN_OBJECT) if isinstance(kind, str) else AN_OBJECT
    )


def _author(state: ObjectState, anonymous: bool) -> str:
    author = state.fields.get("author")
    if anonymous or not isinstance(author, str) or not author:
        return ""
    return f"— {one_line(shown_name(author))}"


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


def _phase_line(phase: Mapping[str, Any], took: int | None) -> str:
    """A phase of the agenda: its title, the minutes planned for it and the time it took (or
    that it was not reached), as one sentence."""
    title, minutes = one_line(phase["title"]), phase.get("minutes")
    if number(minutes) is not None and took is not None:
        return gettext("{phase}: {minutes} min planned, {spent} spent").format(
            phase=title, minutes=f"{minutes:g}", spent=clock_text(took)
        )
    if number(minutes) is not None:
        return gettext("{phase}: {minutes} min planned, not reached").format(
            phase=title, minutes=f"{minutes:g}"
        )
    if took is not None:
        return gettext("{phase}: no time planned, {spent} spent").format(
            phase=title, spent=clock_text(took)
        )
    return gettext("{phase}: no time planned, not reached").format(phase=title)


def _dots(label: str, count: float) -> str:
    """A vote result: what it names and its dots ("Ideas: 3 dots")."""
    # A whole number of dots picks its plural form; a fraction (none is ever given) the plural.
    form = int(count) if count == int(count) else 2
    said = ngettext("{label}: {count} dot", "{label}: {count} dots", form)
    return said.format(label=label, count=f"{count:g}")


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
        names = ", ".join(one_line(person["name"]) for person in self.people)
        lines = [
            f"# {one_line(self.title)}",
            "",
            "- " + gettext("Date: {date} UTC").format(date=f"{started:%Y-%m-%d %H:%M}"),
            "- " + gettext("Duration: {duration}").format(duration=clock_text(window.duration_ms)),
            "- "
            + (
                gettext("People: {names}").format(names=names)
                if names
                # Translators: the people of a recording nobody was present in.
                else gettext("People: nobody")
            ),
        ]
        if window.anonymous:
            said = gettext("An anonymous room: people are named by number, notes by nobody.")
            lines.append(f"- {said}")
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
        lines = ["## " + gettext("Agenda"), ""]
        planned = [
            (index, phase)
            for index, phase in enumerate(self.agenda)
            if isinstance(phase, dict) and isinstance(phase.get("title"), str)
        ]
        for index, phase in planned:
            took = spent.pop((index, phase["title"]), None)
            lines.append(f"{index + 1}. {_phase_line(phase, took)}")
        lines += [
            "- "
            + gettext("{phase}: {spent} spent").format(phase=one_line(title), spent=clock_text(ms))
            for (_, title), ms in spent.items()
        ]
        if len(lines) == 2:
            lines.append(gettext("No agenda was run."))
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
        lines = ["## " + gettext("Notes by phase")]
        none = gettext("No notes were made.")
        for position, chapter in enumerate(self.chapters):
            board = self.boards[chapter["endMs"]]
            notes = _notes(made.get(position, []), board, self.window.anonymous)
            lines += ["", f"### {one_line(chapter['title'])} ({self._span(chapter)})", ""]
            lines += notes or [none]
        end = self.boards[self.window.duration_ms]
        loose = _notes(made.get(None, []), end, self.window.anonymous)
        if loose or not self.chapters:
            heading = (
                gettext("Outside the phases") if self.chapters else gettext("During the recording")
            )
            lines += ["", f"### {heading}", "", *(loose or [none])]
        return lines

    def _votes(self) -> list[str]:
        lines = ["## " + gettext("Votes"), ""]
        for vote in self.votes:
            at = clock_text(vote["at"])
            heading = (
                # Translators: a vote's heading: when it ended, and in which phase.
                gettext("At {time} in {phase}").format(time=at, phase=one_line(vote["title"]))
                if vote.get("title")
                # Translators: a vote's heading: when it ended.
                else gettext("At {time}").format(time=at)
            )
            lines.append(f"### {heading}")
            lines.append("")
            results = vote.get("results")
            if "results" not in vote:
                lines += [gettext("Still open when the recording ended."), ""]
                continue
            board = self.boards[vote["at"]]
            ranked = sorted(
                ((count, key) for key, count in (results or {}).items() if number(count)),
                key=lambda item: (-item[0], item[1]),
            )
            lines += [
                f"{place}. {_dots(_label(board.get(key)), count)}"
                for place, (count, key) in enumerate(ranked, 1)
            ] or [gettext("No votes were cast.")]
            lines.append("")
        if len(lines) == 2:
            lines.append(gettext("No votes were held."))
        return lines[:-1] if lines[-1] == "" else lines

    def _chat(self) -> list[str]:
        # Translators: the heading of a recording summary's chat messages.
        lines = ["## " + gettext("Chat"), ""]
        for at, author, text in self.messages:
            line = bullet(text)
            if line is not None:
                lines.append(f"- {clock_text(at)} **{one_line(author)}**: {line[2:]}")
        if len(lines) == 2:
            lines.append(gettext("Nobody wrote in the chat."))
        return lines

    def _board(self) -> list[str]:
        # Translators: the description (alternative text) of the picture of the board.
        picture = gettext("Board at the end")
        lines = ["## " + gettext("The board at the end"), "", f"![{picture}]({BOARD_PICTURE})", ""]
        lines.append(gettext("Its text, by frame:"))
        for title, items in by_frame(self.boards[self.window.duration_ms]):
            heading = (
                gettext("Not in a frame")
                if title is None
                else one_line(title) or gettext("Untitled frame")
            )
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
    names = {person["id"]: person["name"] for person in people.named()}
    messages = [
        (
            at,
            names.get(people.shown(author)) or shown_name(str(message.get("author") or GUEST_NAME)),
            text,
        )
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
        people.named(),
        agenda if isinstance(agenda, list) else [],
        chapters,
        votes,
        messages,
        replay.created,
        replay.boards,
    ).markdown()
