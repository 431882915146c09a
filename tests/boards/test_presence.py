"""Presence tables: each client id belongs to the socket that introduced it, within bounds."""

from __future__ import annotations

from boards.hub import PRESENCE_MAX_STATES, Presence
from boards.protocol import AwarenessEntry


def state(x: int) -> dict:
    return {"cursor": {"x": x, "y": 0}}


def test_a_socket_keeps_its_own_ids_and_cannot_touch_others() -> None:
    table = Presence()
    mine = table.admit("alice", [AwarenessEntry(1, 1, state(1))], now_ms=0)
    table.apply("alice", mine, now_ms=0)
    forged = [AwarenessEntry(1, 9, state(9)), AwarenessEntry(1, 10, None)]
    assert table.admit("mallory", forged, now_ms=10) == []
    table.apply("mallory", forged, now_ms=10)  # even from another process's stream
    assert table.states[1].entry.state == state(1)
    assert table.departures("alice") == [AwarenessEntry(1, 2, None)]


def test_a_socket_owns_at_most_two_ids_and_left_ids_stay_gone() -> None:
    table = Presence()
    many = [AwarenessEntry(i, 1, state(i)) for i in range(10)]
    accepted = table.admit("bob", many, now_ms=0)
    assert [e.client_id for e in accepted] == [0, 1]
    table.apply("bob", accepted, now_ms=0)
    table.apply("bob", [AwarenessEntry(0, 2, None)], now_ms=5)
    assert table.admit("eve", [AwarenessEntry(0, 3, state(0))], now_ms=6) == []


def test_a_room_holds_a_bounded_number_of_states_and_forgets_stale_ones() -> None:
    table = Presence()
    for owner in range(PRESENCE_MAX_STATES + 20):
        table.apply(str(owner), table.admit(str(owner), [AwarenessEntry(owner, 1, state(1))], 0), 0)
    assert len(table.states) == PRESENCE_MAX_STATES
    assert table.encoded(now_ms=31_000) is None
