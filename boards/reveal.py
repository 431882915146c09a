"""The end of private brainstorming: every person's private notes moved onto the shared
board at once, each person's notes kept together as they laid them out, the groups side by
side: inside the current phase's frame when it has one (the frame grows to hold them), else
where they were written."""

from __future__ import annotations

from typing import Any

import pycrdt
from django.conf import settings

from boards.connection import write_as_server
from boards.documents import load_document
from boards.hub import Hub
from boards.placement import (
    FRAME_PAD,
    FRAME_TITLE,
    Box,
    box_of,
    grown,
    highest_z,
    number,
    pack,
    union,
)
from boards.room import RoomRejected

#: The plain fields a revealed object keeps, and the types that are revealed (with a text).
KEPT_FIELDS = ("x", "y", "w", "h", "color", "createdAt", "fontSize", "shape", "width")
TEXT_TYPES = frozenset({"note", "text", "shape"})
#: The size clients give an object of each revealed type that has none (`schema.js`).
DEFAULT_SIZES = {"note": (200.0, 160.0), "text": (240.0, 60.0), "shape": (180.0, 120.0)}
REVEALED_TYPES = TEXT_TYPES | {"drawing"}
#: How wide the rows of revealed notes are outside a frame.
OPEN_ROW_WIDTH = 2400.0

Objects = dict[str, dict[str, Any]]


async def reveal(hub: Hub, slug: str, anonymous: bool, author: str, frame: str | None) -> int:
    """Move every private note of room `slug` onto its board, under its writer's name (none
    in an anonymous room), into `frame` when the board has it, then empty the private
    documents. Returns how many moved. An object keeps its id, so a reveal cut short and
    run again moves nothing twice."""
    limit = settings.BOARD_MAX_OBJECTS
    names = await hub.store.logs(f"{slug}/private.")
    groups: list[Objects] = []
    for name in names:
        owner = name.rpartition(".")[2]
        objects = (await load_document(hub.store, name)).doc.get("objects", type=pycrdt.Map)
        mine = {
            key: fields
            for key, value in objects.items()
            if isinstance(value, pycrdt.Map)
            and (fields := revealed(value, owner, anonymous)) is not None
        }
        if mine:
            groups.append(mine)
        if sum(map(len, groups)) > limit:
            raise RoomRejected("invalid", f"A board holds at most {limit} objects.")
    count = sum(map(len, groups))
    if not count:
        return 0

    def place(doc: pycrdt.Doc) -> None:
        board = doc.get("objects", type=pycrdt.Map)
        if len(board) + sum(1 for g in groups for key in g if key not in board) > limit:
            raise RoomRejected("invalid", f"The board has no room for {count} more notes.")
        target = board.get(frame) if frame is not None else None
        area = box_of(target.to_py() or {}) if isinstance(target, pycrdt.Map) else None
        orders = (value.get("z") for value in board.values() if isinstance(value, pycrdt.Map))
        laid = lay_out(groups, area, highest_z(orders))
        with doc.transaction():
            for key, fields in laid.items():
                if fields["type"] in TEXT_TYPES:
                    fields = {**fields, "text": pycrdt.Text(fields["text"])}
                board[key] = pycrdt.Map(fields)
            content = union(b for b in map(box_of, laid.values()) if b is not None)
            if isinstance(target, pycrdt.Map) and area is not None and content is not None:
                bigger = grown(area, content)
                if bigger != area:
                    target["w"], target["h"] = bigger.w, bigger.h

    await write_as_server(hub, f"{slug}/board", author, place)
    for name in names:
        await write_as_server(hub, name, author, emptied)
    return count


def lay_out(groups: list[Objects], frame: Box | None, top_z: float) -> Objects:
    """The objects of each person's group moved so that the groups lie side by side in rows
    (inside `frame`, below its title, when there is one; else from where the first was
    written), stacked above everything on the board (`top_z`)."""
    boxes = [union(b for b in map(box_of, group.values()) if b is not None) for group in groups]
    placed = [(group, box) for group, box in zip(groups, boxes, strict=True) if box is not None]
    widest = max((box.w for _, box in placed), default=0.0)
    if frame is not None:
        left, top = frame.x + FRAME_PAD, frame.y + FRAME_TITLE
        width = max(frame.w - 2 * FRAME_PAD, widest)
    else:
        left = min((box.x for _, box in placed), default=0.0)
        top = min((box.y for _, box in placed), default=0.0)
        width = max(OPEN_ROW_WIDTH, widest)
    offsets = iter(pack([box for _, box in placed], left, top, width))
    laid: Objects = {}
    for group, box in zip(groups, boxes, strict=True):
        dx, dy = next(offsets) if box is not None else (0.0, 0.0)
        for key, fields in group.items():
            top_z += 1
            moved = {**fields, "z": top_z}
            if "x" in fields and "y" in fields:
                moved["x"], moved["y"] = fields["x"] + dx, fields["y"] + dy
            laid[key] = moved
    return laid


def revealed(item: pycrdt.Map, owner: str, anonymous: bool) -> dict[str, Any] | None:
    """A private object as a board object (its plain fields, its text or points, its
    writer's id), or None for a kind that is not revealed."""
    kind = item.get("type")
    if kind not in REVEALED_TYPES:
        return None
    fields: dict[str, Any] = {"type": kind}
    for field in KEPT_FIELDS:
        value = item.get(field)
        if isinstance(value, str):
            fields[field] = value
        elif (known := number(value)) is not None:
            fields[field] = known
    if kind in TEXT_TYPES:
        width, height = DEFAULT_SIZES[kind]
        fields.setdefault("w", width)
        fields.setdefault("h", height)
        text = item.get("text")
        fields["text"] = str(text) if isinstance(text, pycrdt.Text | str) else ""
    else:
        points = item.get("points")
        if not isinstance(points, list) or any(number(p) is None for p in points):
            return None
        fields["points"] = [float(p) for p in points]
    name = item.get("author")
    fields["author"] = "" if anonymous else (name if isinstance(name, str) else "")
    fields["authorId"] = "" if anonymous else owner
    return fields


def emptied(doc: pycrdt.Doc) -> None:
    """Delete every object of a private document."""
    objects = doc.get("objects", type=pycrdt.Map)
    with doc.transaction():
        for key in list(objects.keys()):
            del objects[key]
