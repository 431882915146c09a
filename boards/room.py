"""The room document's rules: what each command does to the shared state of a lab.

Pure: `run` takes the current values of the room map, a command and who sends it, and
returns the keys the command changes with their new values (plain JSON, no nested Yjs
types), or raises `RoomRejected` with a code the client shows. Nothing here does I/O.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from boards.structure import Rejected
from rooms.permissions import HIDDEN_CATEGORIES

#: Every key of the room map, with the value it has before anyone changed it.
DEFAULTS: dict[str, Any] = {
    "locked": False,
    "private": False,
    "timer": {"running": False, "endsAt": None, "remainingMs": 0, "durationMs": 0},
    "agenda": [],
    "phase": None,
    "vote": None,
    "spotlight": None,
    "breakouts": None,
    "hands": {},
}
MAX_TIMER_SECONDS = 24 * 3600
MAX_AGENDA_PHASES = 30
MAX_PHASE_MINUTES = 240
MAX_TITLE_LENGTH = 120
MAX_HANDS = 500
MAX_ZOOM = 20.0
PHASE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
OBJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_VOTE_BUDGET = 50
#: What a phase may set up when it starts (its `tools`).
PHASE_TOOLS = frozenset({"locked", "private"})


class RoomRejected(Rejected):
    """A command the server will not carry out; `code` is one of forbidden, bad_command,
    invalid, over_budget, rate_limited, closed."""


@dataclass(frozen=True)
class Actor:
    """Who sends a command: an identity id, and what their role lets them do."""

    id: str
    facilitator: bool
    writer: bool


State = Mapping[str, Any]
Changes = dict[str, Any]
#: What the server looked up or made for a command: a new vote's id, a vote's results.
Context = Mapping[str, Any]


def current(values: Mapping[str, Any]) -> dict[str, Any]:
    """The room state from the map's values: defaults for keys never written."""
    return {key: values.get(key, default) for key, default in DEFAULTS.items()}


def run(
    state: State, name: str, data: Any, actor: Actor, now_ms: int, context: Context | None = None
) -> Changes:
    """The keys `name` changes, and their new values; RoomRejected if it is refused."""
    return permit(name, data, actor)(state, data, actor, now_ms, context or {})


def permit(name: str, data: Any, actor: Actor) -> Rule:
    """The rule of command `name` if `actor` may send it with `data`; RoomRejected if not.
    Checked before the server does any work for a command, and again when it runs."""
    rule = RULES.get(name)
    if rule is None:
        raise RoomRejected("bad_command", f"Unknown command {name[:40]!r}.")
    needs, handler = rule
    if needs == "facilitator" and not actor.facilitator:
        raise RoomRejected("forbidden", "Only a facilitator can do that.")
    if needs == "writer" and not (actor.writer or actor.facilitator):
        raise RoomRejected("forbidden", "Observers can watch but not take part.")
    if not isinstance(data, dict):
        raise RoomRejected("invalid", "A command's data is a JSON object.")
    return handler


def _seconds(data: Mapping[str, Any], low: int, high: int) -> int:
    value = data.get("seconds")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RoomRejected("invalid", "Give the time in seconds.")
    if not low <= value <= high:
        raise RoomRejected("invalid", f"The time is between {low} and {high} seconds.")
    return int(value)


def _timer(
    running: bool, ends_at: float | None, remaining_ms: float, duration_ms: float
) -> Changes:
    return {
        "timer": {
            "running": running,
            "endsAt": ends_at,
            "remainingMs": int(max(0, remaining_ms)),
            "durationMs": int(max(0, duration_ms)),
        }
    }


def _remaining(timer: Mapping[str, Any], now_ms: int) -> float:
    if timer.get("running") and timer.get("endsAt") is not None:
        return max(0.0, float(timer["endsAt"]) - now_ms)
    return float(timer.get("remainingMs") or 0)


def timer_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    ms = _seconds(data, 1, MAX_TIMER_SECONDS) * 1000
    return _timer(True, now_ms + ms, ms, ms)


def timer_pause(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    timer = state["timer"]
    if not timer.get("running"):
        raise RoomRejected("closed", "The timer is not running.")
    return _timer(False, None, _remaining(timer, now_ms), timer.get("durationMs") or 0)


def timer_resume(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    timer = state["timer"]
    remaining = _remaining(timer, now_ms)
    if timer.get("running") or remaining <= 0:
        raise RoomRejected("closed", "There is no paused timer to resume.")
    return _timer(True, now_ms + remaining, remaining, timer.get("durationMs") or 0)


def timer_add(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    ms = _seconds(data, 1, MAX_TIMER_SECONDS) * 1000
    timer = state["timer"]
    remaining = min(_remaining(timer, now_ms) + ms, MAX_TIMER_SECONDS * 1000)
    duration = min(float(timer.get("durationMs") or 0) + ms, MAX_TIMER_SECONDS * 1000)
    if timer.get("running"):
        return _timer(True, now_ms + remaining, remaining, duration)
    return _timer(False, None, remaining, duration)


def timer_stop(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    return _timer(False, None, 0, 0)


def board_lock(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    locked = data.get("locked")
    if not isinstance(locked, bool):
        raise RoomRejected("invalid", "Say whether the board is locked (true or false).")
    return {"locked": locked}


def hand_raise(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    hands = dict(state["hands"])
    if actor.id in hands:
        return {}
    if len(hands) >= MAX_HANDS:
        raise RoomRejected("invalid", "Too many hands are raised already.")
    hands[actor.id] = now_ms
    return {"hands": hands}


def hand_lower(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Lower your own hand; a facilitator may lower anyone's (`{"id": identity id}`)."""
    whose = data.get("id", actor.id)
    if whose != actor.id and not actor.facilitator:
        raise RoomRejected("forbidden", "Only a facilitator can lower someone else's hand.")
    hands = dict(state["hands"])
    if hands.pop(whose, None) is None:
        return {}
    return {"hands": hands}


def _title(value: Any) -> str:
    """A one-line title: no control or format characters, spaces collapsed, at most
    `MAX_TITLE_LENGTH` characters; empty if none is left (or it is not text)."""
    if not isinstance(value, str):
        return ""
    visible = (
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in HIDDEN_CATEGORIES
    )
    return " ".join("".join(visible).split())[:MAX_TITLE_LENGTH].strip()


def _phase(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RoomRejected("invalid", "Each phase is an object with id, title and minutes.")
    phase_id = raw.get("id")
    if not isinstance(phase_id, str) or not PHASE_ID.fullmatch(phase_id):
        raise RoomRejected("invalid", "A phase id is 1 to 40 letters, digits, - or _.")
    title = _title(raw.get("title"))
    if not title:
        raise RoomRejected("invalid", f"Phase {phase_id}: give it a title.")
    minutes = raw.get("minutes")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 0 <= minutes <= MAX_PHASE_MINUTES
    ):
        raise RoomRejected("invalid", f"Phase {phase_id}: minutes from 0 to {MAX_PHASE_MINUTES}.")
    tools = raw.get("tools", {})
    if not isinstance(tools, dict) or not set(tools) <= PHASE_TOOLS:
        allowed = ", ".join(sorted(PHASE_TOOLS))
        raise RoomRejected("invalid", f"Phase {phase_id}: tools may set {allowed}.")
    if not all(isinstance(value, bool) for value in tools.values()):
        raise RoomRejected("invalid", f"Phase {phase_id}: each tool is on or off.")
    return {"id": phase_id, "title": title, "minutes": minutes, "tools": dict(tools)}


def agenda_set(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    agenda = data.get("agenda")
    if not isinstance(agenda, list) or len(agenda) > MAX_AGENDA_PHASES:
        raise RoomRejected("invalid", f"An agenda is a list of at most {MAX_AGENDA_PHASES} phases.")
    phases = [_phase(raw) for raw in agenda]
    ids = [phase["id"] for phase in phases]
    if len(set(ids)) != len(ids):
        raise RoomRejected("invalid", "Each phase needs an id of its own.")
    changes: Changes = {"agenda": phases}
    if state["phase"] is not None and state["phase"] not in ids:
        changes["phase"] = None
    return changes


def phase_go(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Go to a phase of the agenda: its timer starts (when it has minutes) and the tools are
    set as it says (a tool it does not name is off); `{"id": null}` leaves the agenda (the
    tools stay as they are)."""
    phase_id = data.get("id")
    if phase_id is None:
        return {"phase": None}
    phase = next((p for p in state["agenda"] if p.get("id") == phase_id), None)
    if phase is None:
        raise RoomRejected("invalid", "There is no such phase in the agenda.")
    changes: Changes = {"phase": phase_id}
    minutes = int(phase.get("minutes") or 0)
    changes.update(
        _timer(True, now_ms + minutes * 60_000, minutes * 60_000, minutes * 60_000)
        if minutes
        else _timer(False, None, 0, 0)
    )
    tools = phase.get("tools") or {}
    changes.update({tool: bool(tools.get(tool, False)) for tool in sorted(PHASE_TOOLS)})
    return changes


def _view(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise RoomRejected("invalid", "A view is an object with x, y and zoom.")
    view = {}
    for key in ("x", "y", "zoom"):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RoomRejected("invalid", f"The view's {key} is a number.")
        if not math.isfinite(value) or abs(value) > 1e9:
            raise RoomRejected("invalid", f"The view's {key} is out of range.")
        view[key] = float(value)
    if not 0.01 <= view["zoom"] <= MAX_ZOOM:
        raise RoomRejected("invalid", f"Zoom is between 0.01 and {MAX_ZOOM:g}.")
    return view


def spotlight_summon(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    return {"spotlight": {"by": actor.id, "view": _view(data.get("view")), "at": now_ms}}


def vote_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Open a dot vote: each voter has `budget` dots, at most `maxPerObject` on one object."""
    if state["vote"] is not None and state["vote"].get("open"):
        raise RoomRejected("closed", "A vote is open already: end it first.")
    budget = _count(data.get("budget"), "budget", MAX_VOTE_BUDGET)
    per_object = _count(data.get("maxPerObject", budget), "maxPerObject", budget)
    anonymous = data.get("anonymous", True)
    if not isinstance(anonymous, bool):
        raise RoomRejected("invalid", "Say whether the vote is anonymous (true or false).")
    scope = data.get("scope", "board")
    if scope != "board" and not (
        isinstance(scope, dict)
        and set(scope) == {"frame"}
        and isinstance(scope["frame"], str)
        and OBJECT_ID.fullmatch(scope["frame"])
    ):
        raise RoomRejected("invalid", 'A vote\'s scope is "board" or {"frame": <frame id>}.')
    vote = {
        "id": context["voteId"],
        "open": True,
        "budget": budget,
        "maxPerObject": per_object,
        "anonymous": anonymous,
        "scope": scope,
        "results": None,
    }
    return {"vote": vote}


def _count(value: Any, name: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise RoomRejected("invalid", f"{name} is a whole number from 1 to {high}.")
    return value


def open_vote(state: State, actor: Actor) -> Mapping[str, Any]:
    """The open vote `actor` may vote in; RoomRejected if there is none or they may not."""
    if not (actor.writer or actor.facilitator):
        raise RoomRejected("forbidden", "Observers can watch but not vote.")
    vote = state["vote"]
    if vote is None or not vote.get("open"):
        raise RoomRejected("closed", "No vote is open.")
    return vote


def ballot(state: State, data: Mapping[str, Any], actor: Actor) -> tuple[str, str, int, int]:
    """What `vote.cast` and `vote.retract` act on: (vote id, object id, budget, most per
    object); RoomRejected if there is no open vote or the sender may not vote."""
    vote = open_vote(state, actor)
    target = data.get("objectId")
    if not isinstance(target, str) or not OBJECT_ID.fullmatch(target):
        raise RoomRejected("invalid", "Vote for an object of the board (its id).")
    return str(vote["id"]), target, int(vote["budget"]), int(vote["maxPerObject"])


def vote_end(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Close the open vote and publish its results (`context["results"]`)."""
    vote = state["vote"]
    if vote is None or not vote.get("open"):
        raise RoomRejected("closed", "No vote is open.")
    return {"vote": {**vote, "open": False, "results": dict(context["results"])}}


Rule = Callable[[State, Mapping[str, Any], Actor, int, Context], Changes]


def _sets(**values: Any) -> Rule:
    """A rule that sets keys to fixed values."""

    def rule(
        state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
    ) -> Changes:
        return dict(values)

    return rule


#: Command name -> (who may send it, what it does).
RULES: dict[str, tuple[str, Rule]] = {
    "timer.start": ("facilitator", timer_start),
    "timer.pause": ("facilitator", timer_pause),
    "timer.resume": ("facilitator", timer_resume),
    "timer.add": ("facilitator", timer_add),
    "timer.stop": ("facilitator", timer_stop),
    "board.lock": ("facilitator", board_lock),
    "agenda.set": ("facilitator", agenda_set),
    "phase.go": ("facilitator", phase_go),
    "spotlight.summon": ("facilitator", spotlight_summon),
    "spotlight.end": ("facilitator", _sets(spotlight=None)),
    "private.start": ("facilitator", _sets(private=True)),
    # The notes were moved onto the board before (see `room_commands.reveal`).
    "private.reveal": ("facilitator", _sets(private=False)),
    "vote.start": ("facilitator", vote_start),
    "vote.end": ("facilitator", vote_end),
    "hand.raise": ("writer", hand_raise),
    "hand.lower": ("writer", hand_lower),
}
