"""A picture of a board at a moment, drawn on the server (Pillow): its objects in board
coordinates, fitted into a 4:3 picture of a given width. Frames are outlines with their
title, notes and shapes filled in their colours with their text when it is big enough to
read, texts in their ink, drawings and connectors as lines, images as grey boxes.

Pure and deterministic: the same objects and width give the same bytes. Anything a client
wrote is read as data: colours are looked up in the board's palette, numbers bounded as the
browser bounds them, text cut short; nothing unknown reaches Pillow."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pycrdt
from PIL import Image, ImageDraw, ImageFont

from boards.placement import Box, number, union
from boards.restore import ObjectState, board_objects

#: Bump when the drawing changes, so that cached pictures are drawn again.
VERSION = 1
#: The picture's height over its width.
ASPECT = 3 / 4
MIN_WIDTH, MAX_WIDTH = 64, 2000
#: Space around the board in the picture (a fraction of its width, at least 4 px).
MARGIN = 0.03
#: The most a board is enlarged: a lone note stays note-sized in a large picture.
MAX_SCALE = 1.0
#: Text smaller than this many pixels is not drawn.
MIN_FONT_PX = 7
#: Characters of an object's text the picture considers.
MAX_TEXT = 400
#: Bounds the browser keeps numbers in (frontend/src/board/schema.js, LIMITS).
COORDINATE, SIZE, POINTS = 1e7, 1e5, 20000

BACKGROUND = "#f6f7f9"
TEXT = "#1f2933"
FRAME_FILL, FRAME_LINE, FRAME_TITLE = "#ffffff", "#aab4c0", "#52606d"
SHAPE_LINE = "#7b8794"
IMAGE_FILL = "#d9e2ec"
#: The board's palette (frontend/src/board/export.js, PALETTE).
NOTE_COLORS = {
    "yellow": "#fff3a3",
    "pink": "#fbd3e6",
    "blue": "#cfe3ff",
    "green": "#c9f2d4",
    "orange": "#ffdcb8",
    "purple": "#e6d9ff",
    "white": "#ffffff",
    "gray": "#e5e7eb",
}
INK_COLORS = {
    "black": "#1f2937",
    "gray": "#6b7280",
    "red": "#dc2626",
    "orange": "#c2410c",
    "green": "#15803d",
    "blue": "#1d4ed8",
    "purple": "#7e22ce",
}
#: Default sizes of boxed types (frontend/src/board/schema.js, DEFAULT_SIZE).
DEFAULT_SIZE = {
    "note": (200.0, 160.0),
    "text": (240.0, 60.0),
    "shape": (180.0, 120.0),
    "frame": (640.0, 440.0),
    "image": (320.0, 240.0),
    "drawing": (1.0, 1.0),
}
#: Board font sizes: a note's and a shape's text, a frame's title; a text's own `fontSize`.
NOTE_FONT, FRAME_FONT, TEXT_FONT = 16.0, 14.0, 20.0


def clamp_width(width: int) -> int:
    return min(max(width, MIN_WIDTH), MAX_WIDTH)


def _bounded(value: Any, fallback: float, bound: float) -> float:
    found = number(value)
    return found if found is not None and abs(found) <= bound else fallback


def box_of(fields: Mapping[str, Any]) -> Box | None:
    """An object's box as the browser reads it (defaults for what is missing or unsound),
    None for connectors and unknown types."""
    kind = fields.get("type")
    if not isinstance(kind, str) or kind not in DEFAULT_SIZE:
        return None
    w, h = DEFAULT_SIZE[kind]
    return Box(
        _bounded(fields.get("x"), 0.0, COORDINATE),
        _bounded(fields.get("y"), 0.0, COORDINATE),
        max(1.0, _bounded(fields.get("w"), w, SIZE)),
        max(1.0, _bounded(fields.get("h"), h, SIZE)),
    )


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


def _wrapped(text: str, font: Any, width: float, lines: int) -> list[str]:
    """`text` broken into at most `lines` lines no wider than `width` (a word too long for
    a line is cut)."""
    shown: list[str] = []
    for paragraph in text[:MAX_TEXT].splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            attempt = f"{line} {word}" if line else word
            if font.getlength(attempt) <= width:
                line = attempt
                continue
            if line:
                shown.append(line)
            line = word
            while font.getlength(line) > width and len(line) > 1:
                line = line[:-1]
            if len(shown) >= lines:
                return shown[:lines]
        shown.append(line)
        if len(shown) >= lines:
            break
    return shown[:lines]


@dataclass(frozen=True)
class _View:
    """Board coordinates to picture pixels."""

    scale: float
    dx: float
    dy: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (x * self.scale + self.dx, y * self.scale + self.dy)

    def rect(self, box: Box) -> tuple[float, float, float, float]:
        left, top = self.point(box.x, box.y)
        right, bottom = self.point(box.right, box.bottom)
        return (left, top, max(left, right - 1), max(top, bottom - 1))


def _view(boxes: Sequence[Box], width: int, height: int) -> _View:
    """The view that fits `boxes` centred into a picture of `width` x `height`."""
    margin = max(4.0, width * MARGIN)
    around = union(boxes)
    if around is None:
        return _View(1.0, width / 2, height / 2)
    scale = min(
        MAX_SCALE,
        (width - 2 * margin) / max(around.w, 1.0),
        (height - 2 * margin) / max(around.h, 1.0),
    )
    dx = (width - around.w * scale) / 2 - around.x * scale
    dy = (height - around.h * scale) / 2 - around.y * scale
    return _View(scale, dx, dy)


def _order(item: tuple[str, ObjectState]) -> tuple[int, float, str]:
    """Frames under everything, then by stacking order, then by id (a stable draw)."""
    key, state = item
    layer = 0 if state.fields.get("type") == "frame" else 1
    return (layer, number(state.fields.get("z")) or 0.0, key)


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, view: _View, boxes: Mapping[str, Box]) -> None:
        self.draw, self.view, self.boxes = draw, view, boxes

    def text(
        self, box: Box, text: str, size: float, fill: str, centred: bool = False, pad: float = 8
    ) -> None:
        """`text` inside `box` at board font `size`, if it is big enough to read."""
        px = round(size * self.view.scale)
        if px < MIN_FONT_PX or not text.strip():
            return
        font = _font(px)
        inset = pad * self.view.scale
        left, top, right, bottom = self.view.rect(box)
        width, line_height = right - left - 2 * inset, px * 1.25
        fits = int((bottom - top - 2 * inset) // line_height)
        if width < px or fits < 1:
            return
        lines = _wrapped(text, font, width, fits)
        y = top + inset if not centred else (top + bottom - line_height * len(lines)) / 2
        for line in lines:
            x = left + inset if not centred else (left + right - font.getlength(line)) / 2
            self.draw.text((x, y), line, font=font, fill=fill)
            y += line_height

    def paint(self, key: str, state: ObjectState) -> None:
        fields, kind = state.fields, state.fields.get("type")
        color = fields.get("color")
        if kind == "connector":
            self.connector(fields)
            return
        box = self.boxes.get(key)
        if box is None:
            return
        rect = self.view.rect(box)
        if kind == "frame":
            self.draw.rectangle(rect, fill=FRAME_FILL, outline=FRAME_LINE)
            self.text(box, state.texts.get("title", ""), FRAME_FONT, FRAME_TITLE, pad=6)
        elif kind == "note":
            self.draw.rectangle(rect, fill=NOTE_COLORS.get(str(color), NOTE_COLORS["yellow"]))
            self.text(box, state.texts.get("text", ""), NOTE_FONT, TEXT)
        elif kind == "shape":
            self.shape(box, rect, fields)
            self.text(box, state.texts.get("text", ""), NOTE_FONT, TEXT, centred=True)
        elif kind == "text":
            size = _bounded(fields.get("fontSize"), TEXT_FONT, 400)
            ink = INK_COLORS.get(str(color), INK_COLORS["black"])
            self.text(box, state.texts.get("text", ""), size, ink, pad=0)
        elif kind == "image":
            self.draw.rectangle(rect, fill=IMAGE_FILL)
        elif kind == "drawing":
            self.drawing(box, fields)

    def shape(self, box: Box, rect: tuple[float, float, float, float], fields: Any) -> None:
        fill = NOTE_COLORS.get(str(fields.get("color")), NOTE_COLORS["blue"])
        form = fields.get("shape")
        if form == "ellipse":
            self.draw.ellipse(rect, fill=fill, outline=SHAPE_LINE)
        elif form == "diamond":
            left, top, right, bottom = rect
            middle, centre = (left + right) / 2, (top + bottom) / 2
            corners = [(middle, top), (right, centre), (middle, bottom), (left, centre)]
            self.draw.polygon(corners, fill=fill, outline=SHAPE_LINE)
        else:
            self.draw.rectangle(rect, fill=fill, outline=SHAPE_LINE)

    def drawing(self, box: Box, fields: Mapping[str, Any]) -> None:
        points = fields.get("points")
        if not isinstance(points, list):
            return
        values = [_bounded(p, math.nan, SIZE) for p in points[: POINTS * 2]]
        line = [
            self.view.point(box.x + x, box.y + y)
            for x, y in zip(values[::2], values[1::2], strict=False)
            if not (math.isnan(x) or math.isnan(y))
        ]
        ink = INK_COLORS.get(str(fields.get("color")), INK_COLORS["black"])
        stroke = max(1, round(_bounded(fields.get("width"), 3, 100) * self.view.scale))
        if len(line) > 1:
            self.draw.line(line, fill=ink, width=stroke, joint="curve")

    def connector(self, fields: Mapping[str, Any]) -> None:
        ends = [self.boxes.get(str(fields.get(side))) for side in ("from", "to")]
        if ends[0] is None or ends[1] is None:
            return
        line = [self.view.point(b.x + b.w / 2, b.y + b.h / 2) for b in ends if b is not None]
        ink = INK_COLORS.get(str(fields.get("color")), INK_COLORS["black"])
        self.draw.line(line, fill=ink, width=max(1, round(2 * self.view.scale)))


def board_picture(objects: Mapping[str, ObjectState], width: int) -> bytes:
    """A PNG of the board's `objects`, `width` pixels wide (clamped into MIN_WIDTH..MAX_WIDTH)
    and three quarters as high, the whole board fitted and centred in it."""
    width = clamp_width(width)
    height = round(width * ASPECT)
    boxes = {key: box for key, state in objects.items() if (box := box_of(state.fields))}
    view = _view(list(boxes.values()), width, height)
    image = Image.new("RGB", (width, height), BACKGROUND)
    painter = _Painter(ImageDraw.Draw(image), view, boxes)
    for key, state in sorted(objects.items(), key=_order):
        painter.paint(key, state)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def board_png(state: bytes, width: int) -> bytes:
    """A PNG of the board document `state` (one Yjs update), as `board_picture` draws it."""
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(state)
    return board_picture(board_objects(doc), width)
