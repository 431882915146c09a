"""Writing the focus log: each person's stays at the desks of co-working rooms, recorded as
their entry in the room document's `people` changes (`boards.room_commands`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from rooms.activity import record
from rooms.models import Activity, FocusEntry, Room
from rooms.people import MEMBER_ID

#: One person's desk before and after a change: their `people` entry, or None for none.
Move = tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]


def _at(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def focused_ms(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, now_ms: int
) -> int:
    """How long the person was in focus until a change that ends it: the time since
    `since` when they were focusing and now are not (or focus from a new `since`)."""
    if before is None or before.get("status") != "focus":
        return 0
    if (
        after is not None
        and after.get("status") == "focus"
        and after.get("since") == before.get("since")
    ):
        return 0
    return max(0, now_ms - int(before.get("since") or now_ms))


def record_desks(slug: str, moves: Sequence[Move], now_ms: int) -> None:
    """Write the changes of people's desks in room `slug` to their focus logs: a stay starts
    when they sit down and ends when they leave; it keeps its goal, whether it was done and
    the time spent in focus. A goal checked off is news for the activity feed. Guests (no
    account) keep no log."""
    members = [
        (int(match[1]), before, after)
        for who, before, after in moves
        if (match := MEMBER_ID.fullmatch(who))
    ]
    room = Room.objects.filter(slug=slug).first() if members else None
    if room is None:
        return
    with transaction.atomic():
        for user_id, before, after in members:
            _record(room, user_id, before, after, now_ms)


def _record(
    room: Room,
    user_id: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    now_ms: int,
) -> None:
    stay = FocusEntry.objects.filter(user_id=user_id, room=room, ended_at=None).first()
    if stay is None or before is None:
        if stay is not None:  # a stay whose end the server never saw (it stopped meanwhile)
            stay.ended_at = _at(now_ms)
            stay.save(update_fields=["ended_at"])
        if after is None:
            return
        stay = FocusEntry(user_id=user_id, room=room, started_at=_at(now_ms))
    stay.focus_ms += focused_ms(before, after, now_ms)
    if after is None:
        stay.ended_at = _at(now_ms)
    else:
        stay.goal = str(after.get("goal") or "")
        stay.done = after.get("done")
        if after.get("done") is True and (before or {}).get("done") is not True:
            record(user_id, Activity.Verb.GOAL_DONE, room, stay.goal)
    stay.save()
