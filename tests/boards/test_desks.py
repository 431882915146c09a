"""Co-working desks and the focus rhythm in the room document, without I/O: each person
writes only their own status and goal; only the host sets the rhythm."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from boards.room import (
    MAX_GOAL_LENGTH,
    MAX_PEOPLE,
    Actor,
    Entries,
    current,
    leave,
)
from tests.boards.test_room import NOW
from tests.boards.test_room import refused as room_refused
from tests.boards.test_room import step as room_step

HOST = Actor("u1", facilitator=True, writer=True)
MAKER = Actor("u2", facilitator=False, writer=True)
WATCHER = Actor("u3", facilitator=False, writer=False)
step = partial(room_step, actor=MAKER)
refused = partial(room_refused, actor=MAKER)


def test_a_person_sits_down_with_a_goal_and_the_server_stamps_when() -> None:
    state = step(current({}), "status.set", status="available", goal="  Mix the\nchorus ")
    assert state["people"] == {
        "u2": {"status": "available", "goal": "Mix the chorus", "since": NOW, "done": None}
    }
    state = step(state, "status.set", at=NOW + 5000, status="focus", goal="Mix the chorus")
    assert state["people"]["u2"]["since"] == NOW + 5000, "a new status is stamped anew"
    state = step(state, "goal.done", at=NOW + 9000, done=True)
    assert state["people"]["u2"] == {
        "status": "focus",
        "goal": "Mix the chorus",
        "since": NOW + 5000,
        "done": True,
    }
    kept = step(state, "status.set", at=NOW + 9500, status="focus", goal="Mix the chorus")
    assert kept == state, "nothing changed, so nothing is written"
    state = step(state, "status.set", at=NOW + 10_000, status="focus", goal="Master it")
    assert state["people"]["u2"]["done"] is None, "a new goal is not done yet"
    assert state["people"]["u2"]["since"] == NOW + 5000, "the status did not change"


def test_each_person_writes_only_their_own_desk() -> None:
    state = step(current({}), "status.set", actor=HOST, status="focus", goal="Plan the week")
    state = step(state, "status.set", status="away", goal="Sketch", id="u1")
    state = step(state, "goal.done", done=False, id="u1")
    assert state["people"]["u1"] == {
        "status": "focus",
        "goal": "Plan the week",
        "since": NOW,
        "done": None,
    }, "a command names no one else: it is the sender's"
    assert state["people"]["u2"]["done"] is False


def test_observers_sit_at_desks_but_only_the_host_sets_the_rhythm() -> None:
    state = step(current({}), "status.set", actor=WATCHER, status="available", goal="Watch")
    assert state["people"]["u3"]["status"] == "available"
    assert (
        refused(state, "focus.start", actor=WATCHER, workMinutes=50, breakMinutes=10) == "forbidden"
    )
    assert (
        refused(state, "focus.start", actor=MAKER, workMinutes=50, breakMinutes=10) == "forbidden"
    )
    assert refused(state, "focus.stop", actor=MAKER) == "forbidden"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "asleep", "goal": "x"},
        {"status": "focus"},
        {"status": "focus", "goal": 7},
        {"status": "focus", "goal": "x" * (MAX_GOAL_LENGTH + 1)},
        {"goal": "x"},
    ],
)
def test_a_status_is_one_of_four_and_a_goal_is_short_plain_text(data: dict[str, Any]) -> None:
    assert refused(current({}), "status.set", **data) == "invalid"


def test_a_goal_is_checked_after_its_hidden_characters_go() -> None:
    longest = "é" * MAX_GOAL_LENGTH
    state = step(current({}), "status.set", status="focus", goal=f"{longest}\u200b\u202e")
    assert state["people"]["u2"]["goal"] == longest


def test_a_goal_is_checked_off_only_by_someone_at_a_desk_with_a_yes_or_no() -> None:
    assert refused(current({}), "goal.done", done=True) == "closed"
    state = step(current({}), "status.set", status="focus", goal="Edit")
    assert refused(state, "goal.done", done="yes") == "invalid"


def test_the_rhythm_starts_now_and_brings_people_into_focus_but_not_the_away() -> None:
    state = step(current({}), "status.set", status="available", goal="Draw")
    state = step(state, "status.set", actor=WATCHER, status="away", goal="Lunch")
    state = step(state, "focus.start", actor=HOST, at=NOW + 1000, workMinutes=25, breakMinutes=5)
    assert state["focus"] == {"workMinutes": 25, "breakMinutes": 5, "startedAt": NOW + 1000}
    assert state["people"]["u2"]["status"] == "focus"
    assert state["people"]["u2"]["since"] == NOW + 1000
    assert state["people"]["u3"]["status"] == "away"
    state = step(state, "focus.stop", actor=HOST, at=NOW + 2000)
    assert state["focus"] is None
    assert state["people"]["u2"] == {**state["people"]["u2"], "status": "available"}
    assert refused(state, "focus.stop", actor=HOST) == "closed"


@pytest.mark.parametrize(
    "data",
    [
        {"workMinutes": 0, "breakMinutes": 5},
        {"workMinutes": 181, "breakMinutes": 5},
        {"workMinutes": 25, "breakMinutes": 61},
        {"workMinutes": 25.5, "breakMinutes": 5},
        {"workMinutes": True, "breakMinutes": 5},
        {"workMinutes": 25},
    ],
)
def test_a_rhythm_is_whole_minutes_within_bounds(data: dict[str, Any]) -> None:
    assert refused(current({}), "focus.start", actor=HOST, **data) == "invalid"


def test_a_desk_goes_when_its_person_leaves() -> None:
    state = step(current({}), "status.set", actor=HOST, status="focus", goal="Plan")
    assert leave(state, "u9") == {}
    assert leave(state, "u1") == {"people": Entries({"u1": None})}


def test_the_desks_are_bounded() -> None:
    people = {
        f"u{n}": {"status": "focus", "goal": "", "since": NOW, "done": None}
        for n in range(10, 10 + MAX_PEOPLE)
    }
    state = current({"people": people})
    assert refused(state, "status.set", status="focus", goal="One more") == "invalid"
    assert step(state, "status.set", actor=Actor("u10", False, True), status="away", goal="")
    here = {"present": frozenset({"u2", "u10"})}
    full = step(state, "status.set", context=here, status="focus", goal="One more")
    assert set(full["people"]) == {"u2", "u10"}, "desks left behind make room"
