"""The room document's rules, without I/O: timer, lock, hands, agenda and phases, spotlight."""

from __future__ import annotations

from typing import Any

import pytest

from boards.room import DEFAULTS, Actor, RoomRejected, ballot, current, run

NOW = 1_800_000_000_000
FACILITATOR = Actor("u1", facilitator=True, writer=True)
PARTICIPANT = Actor("u2", facilitator=False, writer=True)
OBSERVER = Actor("u3", facilitator=False, writer=False)


def step(
    state: dict[str, Any],
    name: str,
    actor: Actor = FACILITATOR,
    at: int = NOW,
    context: dict[str, Any] | None = None,
    **data: Any,
) -> dict[str, Any]:
    """Run a command and return the state it leaves."""
    return {**state, **run(state, name, {"type": name, **data}, actor, at, context)}


def refused(state: dict[str, Any], name: str, actor: Actor = FACILITATOR, **data: Any) -> str:
    with pytest.raises(RoomRejected) as error:
        run(state, name, {"type": name, **data}, actor, NOW, {"voteId": "v2", "results": {}})
    return error.value.code


def test_a_room_never_written_has_every_key_at_its_default() -> None:
    assert current({}) == DEFAULTS
    assert current({"locked": True})["locked"] is True


def test_the_timer_counts_down_from_server_time_pauses_resumes_and_gets_more_time() -> None:
    state = step(current({}), "timer.start", seconds=300)
    assert state["timer"] == {
        "running": True,
        "endsAt": NOW + 300_000,
        "remainingMs": 300_000,
        "durationMs": 300_000,
    }
    state = step(state, "timer.pause", at=NOW + 100_000)
    assert state["timer"] == {
        "running": False,
        "endsAt": None,
        "remainingMs": 200_000,
        "durationMs": 300_000,
    }
    assert refused(state, "timer.pause") == "closed"
    state = step(state, "timer.resume", at=NOW + 500_000)
    assert state["timer"]["endsAt"] == NOW + 700_000
    state = step(state, "timer.add", at=NOW + 600_000, seconds=60)
    assert state["timer"]["endsAt"] == NOW + 760_000
    assert state["timer"]["durationMs"] == 360_000
    assert refused(state, "timer.resume") == "closed"
    state = step(state, "timer.stop")
    assert state["timer"] == DEFAULTS["timer"]
    assert refused(state, "timer.resume") == "closed"


@pytest.mark.parametrize("seconds", [0, -5, 10**9, "60", True, None, float("nan")])
def test_a_timer_needs_a_sensible_number_of_seconds(seconds: Any) -> None:
    assert refused(current({}), "timer.start", seconds=seconds) == "invalid"


def test_only_facilitators_run_the_room_and_observers_only_watch() -> None:
    state = current({})
    commands: list[tuple[str, dict[str, Any]]] = [
        ("timer.start", {"seconds": 60}),
        ("board.lock", {"locked": True}),
        ("agenda.set", {"agenda": []}),
        ("phase.go", {"id": None}),
        ("spotlight.summon", {"view": {"x": 0, "y": 0, "zoom": 1}}),
    ]
    for name, data in commands:
        assert refused(state, name, PARTICIPANT, **data) == "forbidden"
    assert refused(state, "hand.raise", OBSERVER) == "forbidden"
    assert refused(state, "vote.stuff") == "bad_command"
    with pytest.raises(RoomRejected):
        run(state, "board.lock", ["not", "an", "object"], FACILITATOR, NOW)


def test_the_board_lock_is_a_boolean() -> None:
    assert step(current({}), "board.lock", locked=True)["locked"] is True
    assert refused(current({}), "board.lock", locked="yes") == "invalid"


def test_hands_are_raised_in_order_and_lowered_by_their_owner_or_a_facilitator() -> None:
    state = step(current({}), "hand.raise", PARTICIPANT)
    state = step(state, "hand.raise", FACILITATOR, at=NOW + 5)
    assert state["hands"] == {"u2": NOW, "u1": NOW + 5}
    assert run(state, "hand.raise", {}, PARTICIPANT, NOW + 9) == {}, "already raised"
    assert refused(state, "hand.lower", PARTICIPANT, id="u1") == "forbidden"
    state = step(state, "hand.lower", FACILITATOR, id="u2")
    state = step(state, "hand.lower", FACILITATOR)
    assert state["hands"] == {}


AGENDA = [
    {"id": "warm-up", "title": "Warm-up", "minutes": 5},
    {"id": "ideas", "title": "Private ideas", "minutes": 8, "tools": {"private": True}},
    {"id": "discuss", "title": "  Discuss\u202e  ", "minutes": 0, "tools": {"locked": True}},
]


def test_going_to_a_phase_starts_its_timer_and_sets_up_its_tools() -> None:
    state = step(current({}), "agenda.set", agenda=AGENDA)
    assert [p["id"] for p in state["agenda"]] == ["warm-up", "ideas", "discuss"]
    assert state["agenda"][2]["title"] == "Discuss", "control characters and spaces trimmed"
    state = step(state, "phase.go", id="ideas")
    assert state["phase"] == "ideas" and state["private"] is True
    assert state["timer"]["running"] and state["timer"]["endsAt"] == NOW + 8 * 60_000
    state = step(state, "phase.go", id="discuss")
    assert state["locked"] is True and state["timer"] == DEFAULTS["timer"]
    assert state["private"] is False, "each phase sets every tool"
    assert refused(state, "phase.go", id="missing") == "invalid"
    state = step(state, "agenda.set", agenda=AGENDA[:1])
    assert state["phase"] is None, "the current phase left the agenda"


@pytest.mark.parametrize(
    "agenda",
    [
        "not a list",
        [{"id": "a b", "title": "x", "minutes": 1}],
        [{"id": "a", "title": "", "minutes": 1}],
        [{"id": "a", "title": "x", "minutes": 241}],
        [{"id": "a", "title": "x", "minutes": 1, "tools": {"confetti": True}}],
        [{"id": "a", "title": "x", "minutes": 1, "tools": {"locked": "yes"}}],
        [{"id": "a", "title": "x", "minutes": 1}, {"id": "a", "title": "y", "minutes": 1}],
        [{"id": f"p{i}", "title": "x", "minutes": 1} for i in range(31)],
    ],
)
def test_a_bad_agenda_is_refused_whole(agenda: Any) -> None:
    assert refused(current({}), "agenda.set", agenda=agenda) == "invalid"


def test_a_summon_names_who_and_where() -> None:
    view = {"x": -120.5, "y": 40, "zoom": 1.5}
    state = step(current({}), "spotlight.summon", view=view)
    assert state["spotlight"] == {
        "by": "u1",
        "view": {"x": -120.5, "y": 40.0, "zoom": 1.5},
        "at": NOW,
    }
    assert step(state, "spotlight.end")["spotlight"] is None
    for bad in [{"x": 0, "y": 0}, {"x": 0, "y": 0, "zoom": 0}, {"x": 1e12, "y": 0, "zoom": 1}]:
        assert refused(current({}), "spotlight.summon", view=bad) == "invalid"


def test_a_dot_vote_opens_once_takes_ballots_only_while_open_and_publishes_results() -> None:
    state = step(current({}), "vote.start", budget=3, context={"voteId": "v1"})
    assert state["vote"] == {
        "id": "v1",
        "open": True,
        "budget": 3,
        "maxPerObject": 3,
        "anonymous": True,
        "scope": "board",
        "results": None,
    }
    assert refused(state, "vote.start", budget=3) == "closed"
    assert ballot(state, {"objectId": "abc123"}, PARTICIPANT) == ("v1", "abc123", 3, 3)
    with pytest.raises(RoomRejected):
        ballot(state, {"objectId": "abc123"}, OBSERVER)
    with pytest.raises(RoomRejected):
        ballot(state, {"objectId": "not an id"}, PARTICIPANT)
    state = step(state, "vote.end", context={"results": {"abc123": 2}})
    assert state["vote"]["open"] is False and state["vote"]["results"] == {"abc123": 2}
    with pytest.raises(RoomRejected) as closed:
        ballot(state, {"objectId": "abc123"}, PARTICIPANT)
    assert closed.value.code == "closed"
    assert refused(state, "vote.end") == "closed"


@pytest.mark.parametrize(
    "data",
    [
        {"budget": 0},
        {"budget": 51},
        {"budget": 3, "maxPerObject": 4},
        {"budget": 3, "anonymous": "no"},
        {"budget": 3, "scope": {"frame": "x y"}},
        {"budget": 3, "scope": "everything"},
    ],
)
def test_a_vote_needs_a_sensible_budget_and_scope(data: dict[str, Any]) -> None:
    assert refused(current({}), "vote.start", **data) == "invalid"
