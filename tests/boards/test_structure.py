"""Updates read without applying them: limits on size, nesting and objects, across updates."""

from __future__ import annotations

import time

import pycrdt
import pytest

from boards.lib0 import Malformed
from boards.structure import (
    DocumentStructure,
    Known,
    Limits,
    Rejected,
    StructureChange,
    json_depth,
    parse_update,
)

LIMITS = Limits(max_structs=1000, max_value_bytes=1000, max_value_depth=8, max_type_depth=4)


def board() -> tuple[pycrdt.Doc, pycrdt.Map]:
    doc = pycrdt.Doc()
    doc["objects"] = objects = pycrdt.Map()
    return doc, objects


def changes(doc: pycrdt.Doc) -> list[bytes]:
    """Collect every update `doc` emits from now on."""
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    return updates


def admit(target: DocumentStructure, update: bytes, max_keys: int = 3) -> None:
    parsed = parse_update(update, LIMITS)
    target.record(parsed, target.place(parsed, LIMITS, "objects", max_keys))


def test_a_note_is_read_with_its_key_and_depths() -> None:
    doc, objects = board()
    objects["n1"] = pycrdt.Map({"type": "note", "text": pycrdt.Text("hello")})
    parsed = parse_update(doc.get_update(), LIMITS)
    target = DocumentStructure()
    placement = target.place(parsed, LIMITS, "objects", 10)
    assert sorted(d for d in placement.depths if d is not None) == [1, 2, 2, 3]
    assert [key for key, _ in placement.keyed] == [("objects", "n1")]
    target.record(parsed, placement)
    assert target.live_keys("objects") == 1


def test_a_value_nested_past_the_limit_is_refused_fast_and_never_applied() -> None:
    value: list = []
    for _ in range(9):
        value = [value]
    doc, objects = board()
    objects["bad"] = value
    with pytest.raises(Rejected) as refused:
        parse_update(doc.get_update(), LIMITS)
    assert refused.value.code == "too_deep"
    # 100,000 levels, which would overflow pycrdt's native stack: refused in well under 1 s.
    bomb = b"\x01\x01\x01\x00\x08\x01\x07objects\x01" + b"\x75\x01" * 100_000 + b"\x7e\x00"
    started = time.perf_counter()
    with pytest.raises(Rejected):
        parse_update(bomb, LIMITS)
    assert time.perf_counter() - started < 1.0


def test_shared_types_nested_in_one_update_are_refused() -> None:
    doc, objects = board()
    with doc.transaction():
        inner = objects
        for _ in range(5):
            inner["k"] = inner = pycrdt.Map()
    with pytest.raises(Rejected) as refused:
        DocumentStructure().place(parse_update(doc.get_update(), Limits()), LIMITS)
    assert refused.value.code == "too_deep"


def test_shared_types_nested_one_update_at_a_time_are_refused_at_the_limit() -> None:
    doc, objects = board()
    updates = changes(doc)
    inner = objects
    target = DocumentStructure()
    for depth in range(1, 6):
        inner["k"] = inner = pycrdt.Map()
        if depth <= LIMITS.max_type_depth:
            admit(target, updates[-1])
        else:
            with pytest.raises(Rejected):
                admit(target, updates[-1])


def test_objects_are_counted_and_bounded_and_deleting_makes_room() -> None:
    doc, objects = board()
    updates = changes(doc)
    target = DocumentStructure()
    for name in ("a", "b", "c"):
        objects[name] = pycrdt.Map({"type": "note"})
        admit(target, updates[-1])
    objects["d"] = pycrdt.Map({"type": "note"})
    with pytest.raises(Rejected) as refused:
        admit(target, updates[-1])
    assert refused.value.code == "too_many_objects"
    del objects["d"]
    del objects["a"]
    admit(target, updates[-1])
    objects["e"] = pycrdt.Map({"type": "note"})
    admit(target, updates[-1])
    assert target.live_keys("objects") == 3
    objects["b"] = pycrdt.Map({"type": "note", "x": 1})  # replacing an object adds none
    admit(target, updates[-1])
    assert target.live_keys("objects") == 3


def test_undoing_a_deleted_object_is_accepted() -> None:
    doc, objects = board()
    updates = changes(doc)
    undo = pycrdt.UndoManager(scopes=[objects], capture_timeout_millis=0)
    target = DocumentStructure()
    objects["n1"] = pycrdt.Map({"type": "note", "text": pycrdt.Text("hi")})
    admit(target, updates[-1])
    del objects["n1"]
    admit(target, updates[-1])
    assert target.live_keys("objects") == 0
    undo.undo()
    assert "n1" in objects
    admit(target, updates[-1])
    assert target.live_keys("objects") == 1


def test_a_process_reading_the_writers_changes_knows_what_reading_the_updates_tells() -> None:
    """Other processes record an update from the `StructureChange` its writer stored with it,
    and end up where reading the update itself would have taken them."""
    doc, objects = board()
    updates = changes(doc)
    writer, by_change, by_reading = DocumentStructure(), DocumentStructure(), DocumentStructure()
    edits = [
        lambda: objects.__setitem__("a", pycrdt.Map({"type": "note", "text": pycrdt.Text("hi")})),
        lambda: objects["a"]["text"].insert(2, " there"),
        lambda: objects.__setitem__("b", pycrdt.Map({"type": "frame", "items": pycrdt.Array()})),
        lambda: objects["b"]["items"].append(pycrdt.Map({"x": 1})),
        lambda: objects.__delitem__("a"),
        lambda: objects.__setitem__("b", pycrdt.Map({"type": "note"})),
    ]
    for edit in edits:
        edit()
        parsed = parse_update(updates[-1], LIMITS)
        change = writer.change(parsed, writer.place(parsed, LIMITS, "objects", 10))
        writer.apply(change)
        by_change.apply(StructureChange.decode(change.encode()))
        by_reading.follow(parse_update(updates[-1], LIMITS))
    for target in (writer, by_change):
        assert target._live == by_reading._live
        assert target.depths._ranges == by_reading.depths._ranges
        assert target.live_keys("objects") == by_reading.live_keys("objects") == 1
    with pytest.raises(Malformed):
        StructureChange.decode(b"[1, 2]")


def test_a_structure_built_from_a_stored_document_knows_its_types() -> None:
    doc, objects = board()
    objects["n1"] = pycrdt.Map({"type": "note"})
    target = DocumentStructure()
    target.follow(parse_update(doc.get_update(), Limits()))
    updates = changes(doc)
    objects["n1"]["text"] = pycrdt.Text("later")  # a type inside a type of an earlier update
    admit(target, updates[-1])


def test_a_type_whose_parent_is_unknown_is_refused() -> None:
    doc, objects = board()
    objects["n1"] = pycrdt.Map({"type": "note"})
    updates = changes(doc)
    objects["n1"]["text"] = pycrdt.Text("orphan")
    with pytest.raises(Rejected):
        admit(DocumentStructure(), updates[-1])  # the note itself was never seen


def test_large_values_and_too_many_structs_are_refused() -> None:
    doc, objects = board()
    objects["n1"] = pycrdt.Map({"text": pycrdt.Text("x" * 2000)})
    with pytest.raises(Rejected) as refused:
        parse_update(doc.get_update(), LIMITS)
    assert refused.value.code == "too_large"
    doc, objects = board()
    with doc.transaction():
        for i in range(600):
            objects[f"n{i}"] = pycrdt.Map({"a": 1})
    with pytest.raises(Rejected) as refused:
        parse_update(doc.get_update(), LIMITS)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    "update",
    [b"", b"\x01", b"\x01\x01\x01\x00\x08\x01\x07obj", b"\x00\x00\x00", b"\x01\x01\x01\x00\x1f"],
)
def test_malformed_updates(update: bytes) -> None:
    with pytest.raises(Malformed):
        parse_update(update, LIMITS)


def test_a_reconnecting_clients_sync_reply_adds_nothing() -> None:
    doc, objects = board()
    objects["n1"] = pycrdt.Map({"type": "note"})
    del objects["n1"]
    client = pycrdt.Doc()
    client.apply_update(doc.get_update())
    known = Known.of(doc.get_state(), doc.get_update)
    reply = client.get_update(doc.get_state())  # what the client has beyond the server
    assert known.covers(parse_update(reply, LIMITS))
    client.get("objects", type=pycrdt.Map)["n2"] = 1
    assert not known.covers(parse_update(client.get_update(doc.get_state()), LIMITS))


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth('{"a": [1, "]]]", {"b": "[[["}]}') == 3
    assert json_depth("[" * 50 + "]" * 50) == 50
    assert json_depth('"plain"') == 0
