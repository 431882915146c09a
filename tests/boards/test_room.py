"""The room document's rules, without I/O: timer, lock, hands, agenda and phases, spotlight."""

from __future__ import annotations

from typing import Any

import pytest

from boards.room import (
    DEFAULTS,
    Actor,
    RoomRejected,
    ballot,
    current,
    merged,
    plan_groups,
    reveal_setting,
    run,
)

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
    return merged(state, run(state, name, {"type": name, **data}, actor, at, context))


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
        "follow": False,
    }
    assert step(state, "spotlight.end")["spotlight"] is None
    for bad in [{"x": 0, "y": 0}, {"x": 0, "y": 0, "zoom": 0}, {"x": 1e12, "y": 0, "zoom": 1}]:
        assert refused(current({}), "spotlight.summon", view=bad) == "invalid"


def test_a_summon_may_ask_everyone_to_follow_and_says_so_with_a_boolean() -> None:
    view = {"x": 0, "y": 0, "zoom": 1}
    state = step(current({}), "spotlight.summon", view=view, follow=True)
    assert state["spotlight"]["follow"] is True
    for bad in ["yes", 1, None, {"on": True}]:
        assert refused(current({}), "spotlight.summon", view=view, follow=bad) == "invalid"
    assert refused(current({}), "spotlight.summon", PARTICIPANT, view=view, follow=True) == (
        "forbidden"
    )


def test_anyone_who_takes_part_celebrates_and_each_burst_is_stamped_anew() -> None:
    assert current({})["celebration"] is None
    state = step(current({}), "celebrate", PARTICIPANT)
    assert state["celebration"] == {"by": "u2", "at": NOW}
    state = step(state, "celebrate", FACILITATOR, at=NOW + 1500)
    assert state["celebration"] == {"by": "u1", "at": NOW + 1500}
    assert refused(current({}), "celebrate", OBSERVER) == "forbidden"


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
        {"budget": 2.5},
        {"budget": float("inf")},
        {"budget": float("nan")},
        {"budget": 3, "maxPerObject": 4},
        {"budget": 3, "anonymous": "no"},
        {"budget": 3, "scope": {"frame": "x y"}},
        {"budget": 3, "scope": "everything"},
    ],
)
def test_a_vote_needs_a_sensible_budget_and_scope(data: dict[str, Any]) -> None:
    assert refused(current({}), "vote.start", **data) == "invalid"


RECIPE = [
    {"id": "ideas", "title": "Ideas", "minutes": 8, "tools": {"private": True, "anonymous": True}},
    {"id": "vote", "title": "Vote", "minutes": 5, "tools": {"vote": {"budget": 3}}},
    {"id": "groups", "title": "Groups", "minutes": 10, "tools": {"breakouts": {"count": 2}}},
    {"id": "discuss", "title": "Discuss", "minutes": 0, "tools": {"locked": True}},
]
GROUPS = [
    {"id": "t-1", "title": "Group 1", "members": ["u1"], "frame": "breakout-t-1"},
    {"id": "t-2", "title": "Group 2", "members": ["u2"], "frame": "breakout-t-2"},
]


def test_a_phase_opens_its_vote_ends_the_last_one_and_splits_the_room() -> None:
    state = step(current({}), "agenda.set", agenda=RECIPE)
    assert state["agenda"][1]["tools"]["vote"] == {
        "budget": 3,
        "maxPerObject": 3,
        "anonymous": True,
    }
    state = step(state, "phase.go", id="ideas")
    assert reveal_setting(state) == (None, True), "revealed without names"
    state = step(state, "phase.go", context={"voteId": "v1"}, id="vote")
    assert reveal_setting(state) == (None, False)
    assert state["vote"]["open"] and state["vote"]["budget"] == 3 and state["private"] is False
    state = step(state, "phase.go", context={"results": {"n1": 2}, "groups": GROUPS}, id="groups")
    assert state["vote"] == {**state["vote"], "open": False, "results": {"n1": 2}}
    assert state["breakouts"] == {"groups": GROUPS, "endsAt": NOW + 10 * 60_000, "pick": False}
    state = step(state, "phase.go", id="discuss")
    assert state["breakouts"] is None and state["locked"] is True, "a tool not named is off"
    assert state["vote"]["results"] == {"n1": 2}, "results stay to talk about"


@pytest.mark.parametrize(
    "tools",
    [
        {"vote": True},
        {"vote": {"budget": 0}},
        {"vote": {"budget": 2, "maxPerObject": 3}},
        {"breakouts": {"count": 21}},
        {"breakouts": "4"},
        {"private": {"on": True}},
        {"anonymous": "yes"},
    ],
)
def test_a_phase_sets_up_a_vote_or_breakouts_only_as_described(tools: dict[str, Any]) -> None:
    agenda = [{"id": "a", "title": "A", "minutes": 1, "tools": tools}]
    assert refused(current({}), "agenda.set", agenda=agenda) == "invalid"


def test_groups_are_given_by_hand_dealt_at_random_or_left_for_people_to_pick() -> None:
    by_hand = plan_groups({"groups": [{"members": ["u1", "u2"]}, {"title": "B"}]}, list.sort)
    assert by_hand == [
        {"title": "Group 1", "members": ["u1", "u2"]},
        {"title": "B", "members": []},
    ]
    dealt = plan_groups({"count": 2, "people": ["u5", "u3", "u4", "u1", "u2"]}, list.sort)
    assert dealt == [
        {"title": "Group 1", "members": ["u1", "u3", "u5"]},
        {"title": "Group 2", "members": ["u2", "u4"]},
    ]
    assert plan_groups({"count": 3}, list.sort) == [
        {"title": f"Group {n}", "members": []} for n in (1, 2, 3)
    ]
    for bad in (
        {"count": 0},
        {"groups": []},
        {"groups": [{"members": ["u1"]}, {"members": ["u1"]}]},
        {"count": 2, "people": ["not an id"]},
        {"count": 2, "people": [f"u{n}" for n in range(501)]},
    ):
        with pytest.raises(RoomRejected) as error:
            plan_groups(bad, list.sort)
        assert error.value.code == "invalid"


def test_people_pick_their_group_only_when_no_one_was_placed() -> None:
    empty = [{**group, "members": []} for group in GROUPS]
    state = step(current({}), "breakouts.start", context={"groups": empty}, minutes=15)
    assert state["breakouts"]["pick"] is True and state["breakouts"]["endsAt"] == NOW + 900_000
    assert state["timer"]["endsAt"] == NOW + 900_000
    state = step(state, "breakouts.join", PARTICIPANT, group="t-2")
    state = step(state, "breakouts.join", PARTICIPANT, group="t-1")
    assert [g["members"] for g in state["breakouts"]["groups"]] == [["u2"], []]
    assert refused(state, "breakouts.join", PARTICIPANT, group="t-9") == "invalid"
    assert refused(state, "breakouts.join", PARTICIPANT, group="t-1", id="u9") == "forbidden"
    assert refused(state, "breakouts.join", OBSERVER, group="t-1") == "forbidden"
    placed = step(current({}), "breakouts.start", context={"groups": GROUPS})
    assert placed["breakouts"]["pick"] is False and placed["timer"] == DEFAULTS["timer"]
    assert refused(placed, "breakouts.join", PARTICIPANT, group="t-1") == "forbidden"
    moved = step(placed, "breakouts.join", group="t-1", id="u2")
    assert [g["members"] for g in moved["breakouts"]["groups"]] == [["u1", "u2"], []]
    assert step(moved, "breakouts.end")["breakouts"] is None
    assert refused(current({}), "breakouts.join", PARTICIPANT, group="t-1") == "closed"
    assert refused(current({}), "breakouts.start", PARTICIPANT, count=2) == "forbidden"


def test_a_cast_is_for_an_object_on_the_board_inside_the_votes_frame() -> None:
    objects = {
        "frame": {"type": "frame", "x": 0, "y": 0, "w": 500, "h": 400},
        "in": {"type": "note", "x": 10, "y": 10, "w": 200, "h": 160},
        "out": {"type": "note", "x": 400, "y": 300, "w": 200, "h": 160},
        "odd": {"type": "note", "x": "left", "y": 10, "w": 200, "h": 160},
    }
    board = objects.get
    state = step(current({}), "vote.start", context={"voteId": "v1"}, budget=2)
    assert ballot(state, {"objectId": "out"}, PARTICIPANT, board)[1] == "out"
    scoped = {"frame": "frame"}
    state = step(current({}), "vote.start", context={"voteId": "v2"}, budget=2, scope=scoped)
    assert ballot(state, {"objectId": "in"}, PARTICIPANT, board)[1] == "in"
    for target in ("out", "odd", "gone"):
        with pytest.raises(RoomRejected) as error:
            ballot(state, {"objectId": target}, PARTICIPANT, board)
        assert error.value.code == "invalid"
    assert ballot(state, {"objectId": "gone"}, PARTICIPANT)[1] == "gone", "a retract needs none"
