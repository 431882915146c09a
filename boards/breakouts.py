"""Breakout groups on the board: a frame for each group, made by the server beside what the
board holds, in which the group works."""

from __future__ import annotations

import math
import time
import uuid
from typing import Any

import pycrdt
from django.conf import settings

from boards.connection import write_as_server
from boards.hub import Hub
from boards.placement import Box, box_of, highest_z, pack, union
from boards.room import RoomRejected

#: Size of a breakout group's frame, and the space around it.
FRAME = Box(0.0, 0.0, 1200.0, 800.0)
GAP = 160.0


async def breakout_frames(
    hub: Hub, slug: str, groups: list[dict[str, Any]], author: str
) -> list[dict[str, Any]]:
    """Make a frame on the board of room `slug` for each breakout group, in a grid to the
    right of what the board holds; returns the groups with their ids and frames."""
    token = uuid.uuid4().hex[:8]
    made = [
        {"id": f"{token}-{index}", **group, "frame": f"breakout-{token}-{index}"}
        for index, group in enumerate(groups, 1)
    ]
    limit = settings.BOARD_MAX_OBJECTS
    now_ms = float(time.time() * 1000)

    def make(doc: pycrdt.Doc) -> None:
        board = doc.get("objects", type=pycrdt.Map)
        if len(board) + len(made) > limit:
            raise RoomRejected("invalid", f"The board has no room for {len(made)} frames.")
        plain = [value.to_py() or {} for value in board.values() if isinstance(value, pycrdt.Map)]
        held = union(b for b in map(box_of, plain) if b is not None)
        highest = highest_z(p.get("z") for p in plain)
        columns = math.ceil(math.sqrt(len(made)))
        width = columns * FRAME.w + (columns - 1) * GAP
        left = held.right + GAP if held is not None else 0.0
        offsets = pack([FRAME] * len(made), left, held.y if held else 0.0, width, GAP)
        with doc.transaction():
            for index, (group, (x, y)) in enumerate(zip(made, offsets, strict=True), 1):
                board[group["frame"]] = pycrdt.Map(
                    {
                        "type": "frame",
                        "x": x,
                        "y": y,
                        "w": FRAME.w,
                        "h": FRAME.h,
                        "z": highest + index,
                        "author": "",
                        "authorId": author,
                        "createdAt": now_ms,
                        "title": pycrdt.Text(group["title"]),
                    }
                )

    await write_as_server(hub, f"{slug}/board", author, make)
    return made
