"""Where revealed private notes land: each person's notes together, the groups side by side,
inside the phase's frame when it has one."""

from __future__ import annotations

from typing import Any

import pycrdt

from boards.placement import FRAME_PAD, FRAME_TITLE, Box, grown, pack
from boards.reveal import lay_out, revealed


def note(x: float, y: float, **fields: Any) -> dict[str, Any]:
    return {"type": "note", "x": x, "y": y, "w": 200.0, "h": 160.0, "text": "", **fields}


def test_each_persons_notes_stay_together_and_the_groups_sit_side_by_side() -> None:
    ada = {"a1": note(0, 0), "a2": note(0, 200)}
    bob = {"b1": note(10, 10)}
    laid = lay_out([ada, bob], None, top_z=7)
    assert (laid["a1"]["x"], laid["a1"]["y"], laid["a2"]["y"]) == (0, 0, 200), "where written"
    assert laid["b1"]["x"] == 240 and laid["b1"]["y"] == 0, "beside Ada's, not on them"
    assert [laid[key]["z"] for key in ("a1", "a2", "b1")] == [8, 9, 10], "above the board"


def test_in_a_frame_the_notes_start_below_its_title_and_wrap_inside_it() -> None:
    frame = Box(1000, 500, 500, 600)
    groups = [{f"n{i}": note(i * 3, 0)} for i in range(3)]
    laid = lay_out(groups, frame, top_z=0)
    assert (laid["n0"]["x"], laid["n0"]["y"]) == (1000 + FRAME_PAD, 500 + FRAME_TITLE)
    assert laid["n1"]["x"] == 1000 + FRAME_PAD + 240 and laid["n1"]["y"] == 500 + FRAME_TITLE
    assert laid["n2"]["x"] == 1000 + FRAME_PAD and laid["n2"]["y"] == 500 + FRAME_TITLE + 200
    content = Box(1024, 564, 440, 360)
    assert grown(frame, content) == frame, "room enough"
    assert grown(frame, Box(1024, 564, 440, 700)).h == 564 + 700 + FRAME_PAD - 500


def test_rows_wrap_before_they_grow_too_wide() -> None:
    boxes = [Box(0, 0, 100, 50), Box(0, 0, 100, 80), Box(0, 0, 100, 10)]
    assert pack(boxes, 0, 0, 250, gap=10) == [(0, 0), (110, 0), (0, 90)]


def test_notes_texts_and_drawings_are_revealed_with_their_size_and_nothing_else() -> None:
    doc = pycrdt.Doc()
    objects = doc.get("objects", type=pycrdt.Map)
    text = pycrdt.Text("hi")
    objects["n"] = pycrdt.Map({"type": "note", "x": 1.0, "author": "Ada", "text": text})
    objects["d"] = pycrdt.Map({"type": "drawing", "x": 0.0, "points": [0.0, 1.0, 2.0, 3.0]})
    objects["bad"] = pycrdt.Map({"type": "drawing", "points": ["x"]})
    objects["img"] = pycrdt.Map({"type": "image", "src": "/r/x/media/y.png"})
    shown = {key: revealed(value, "u2", anonymous=False) for key, value in objects.items()}
    assert shown["n"] == {
        "type": "note",
        "x": 1.0,
        "w": 200.0,
        "h": 160.0,
        "text": "hi",
        "author": "Ada",
        "authorId": "u2",
    }
    assert shown["d"] is not None and shown["d"]["points"] == [0.0, 1.0, 2.0, 3.0]
    assert shown["bad"] is None and shown["img"] is None
    hidden = revealed(objects["n"], "u2", anonymous=True)
    assert hidden is not None and (hidden["author"], hidden["authorId"]) == ("", "")
