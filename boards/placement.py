"""Where the server puts what it adds to a board (breakout frames, revealed notes): boxes
read from board objects, and a row-by-row packing that keeps groups of objects apart.
Pure: plain numbers in, plain numbers out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Space kept between packed groups, and inside a frame's edge (its title above).
GAP = 40.0
FRAME_PAD = 24.0
FRAME_TITLE = 64.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def number(value: Any) -> float | None:
    """A finite number as a float, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def box_of(fields: Mapping[str, Any]) -> Box | None:
    """The box of a board object's fields, if it has a sound one."""
    x, y, w, h = (number(fields.get(key)) for key in ("x", "y", "w", "h"))
    if x is None or y is None or w is None or h is None or w < 0 or h < 0:
        return None
    return Box(x, y, w, h)


def highest_z(orders: Iterable[Any]) -> float:
    """The highest stacking order among board objects' `z` values (0 when none is sound)."""
    return max((z for z in map(number, orders) if z is not None), default=0.0)


def union(boxes: Iterable[Box]) -> Box | None:
    """The smallest box around `boxes` (None for none)."""
    known = list(boxes)
    if not known:
        return None
    left, top = min(b.x for b in known), min(b.y for b in known)
    return Box(left, top, max(b.right for b in known) - left, max(b.bottom for b in known) - top)


def pack(
    groups: list[Box], left: float, top: float, width: float, gap: float = GAP
) -> list[tuple[float, float]]:
    """Offsets that lay `groups` (each the box around a group of objects) out in rows from
    (`left`, `top`), `gap` apart, a row wrapping before it grows wider than `width`."""
    offsets = []
    x, y, row = left, top, 0.0
    for group in groups:
        if x > left and x + group.w > left + width:
            x, y, row = left, y + row + gap, 0.0
        offsets.append((x - group.x, y - group.y))
        x += group.w + gap
        row = max(row, group.h)
    return offsets


def grown(frame: Box, content: Box) -> Box:
    """A frame grown to hold `content` inside its padding (it never shrinks)."""
    right = max(frame.right, content.right + FRAME_PAD)
    bottom = max(frame.bottom, content.bottom + FRAME_PAD)
    return Box(frame.x, frame.y, right - frame.x, bottom - frame.y)
