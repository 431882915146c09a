"""The room document's rules: what each command does to the shared state of a lab.

Pure: `run` takes the current values of the room map, a command and who sends it, and
returns the keys the command changes with their new values (plain JSON, no nested Yjs
types), or raises `RoomRejected` with a code the client shows. Nothing here does I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from boards.structure import Rejected
from rooms.permissions import one_line

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
    "celebration": None,
    "recording": None,
    "people": {},
    "focus": None,
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
MAX_RESTORE_MINUTES = 24 * 60
#: What a phase may set up when it starts (its `tools`): on/off switches, and the tools
#: that are off (false) or set up as described (an object).
PHASE_SWITCHES = ("locked", "private")
#: `anonymous`: the notes written privately in the phase are revealed without names.
PHASE_TOOLS = frozenset({*PHASE_SWITCHES, "anonymous", "vote", "breakouts"})
MAX_GROUPS = 20
MAX_PEOPLE = 500
IDENTITY_ID = re.compile(r"[ui][0-9]{1,18}")
#: A person's status at a co-working desk.
STATUSES = frozenset({"focus", "break", "available", "away"})
MAX_GOAL_LENGTH = 280
MAX_WORK_MINUTES = 180
MAX_BREAK_MINUTES = 60


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


class Entries(dict[str, Any]):
    """A change to some entries of a key whose value is an object (`people`): each entry's
    new value, or None to remove it; the other entries stay as they are."""


#: What the server looked up or made for a command: a new vote's id, a vote's results.
Context = Mapping[str, Any]


def current(values: Mapping[str, Any]) -> dict[str, Any]:
    """The room state from the map's values: defaults for keys never written."""
    return {key: values.get(key, default) for key, default in DEFAULTS.items()}


def merged(state: State, changes: Changes) -> dict[str, Any]:
    """The state `changes` leave (a nested key changed entry by entry)."""
    after = dict(state)
    for key, value in changes.items():
        if isinstance(value, Entries):
            nested = dict(after[key])
            for entry, entry_value in value.items():
                if entry_value is None:
                    nested.pop(entry, None)
                else:
                    nested[entry] = entry_value
            value = nested
        after[key] = value
    return after


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


def restore_point(data: Mapping[str, Any], now_ms: int) -> tuple[int, bool]:
    """What `board.restore` asks for: the server time it goes back to, and whether the
    whole board goes back to it (`{"at": ms since the epoch}`) or only what was deleted
    since comes back (`{"minutes": 1..MAX_RESTORE_MINUTES}`)."""
    minutes, at = data.get("minutes"), data.get("at")
    if (minutes is None) == (at is None):
        raise RoomRejected("invalid", 'Restore {"minutes": n} or {"at": ms since the epoch}.')
    if minutes is not None:
        return now_ms - _count(minutes, "minutes", MAX_RESTORE_MINUTES) * 60_000, False
    if (
        isinstance(at, bool)
        or not isinstance(at, int | float)
        or not math.isfinite(at)
        or not 0 < at <= now_ms
    ):
        raise RoomRejected("invalid", "Restore the board as it was at a moment in the past.")
    return int(at), True


def board_restore(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Check what a restore asks for. The board was written before (see
    `room_commands.restore_board`); the room document keeps nothing of it."""
    restore_point(data, now_ms)
    return {}


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
    """A one-line title (`one_line`) of at most `MAX_TITLE_LENGTH` characters; empty if none
    is left (or it is not text)."""
    if not isinstance(value, str):
        return ""
    return one_line(value)[:MAX_TITLE_LENGTH].strip()


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
    phase = {
        "id": phase_id,
        "title": title,
        "minutes": minutes,
        "tools": {tool: _tool(phase_id, tool, value) for tool, value in tools.items()},
    }
    frame = raw.get("frame")
    if frame is not None:
        if not isinstance(frame, str) or not OBJECT_ID.fullmatch(frame):
            raise RoomRejected("invalid", f"Phase {phase_id}: its frame is a board object's id.")
        phase["frame"] = frame
    return phase


def reveal_setting(state: State) -> tuple[str | None, bool]:
    """How the current phase has private notes revealed: into which frame of the board (if
    it names one), and whether without names (its `anonymous` tool)."""
    phase = next((p for p in state["agenda"] if p.get("id") == state["phase"]), None) or {}
    frame = phase.get("frame")
    anonymous = (phase.get("tools") or {}).get("anonymous") is True
    return (frame if isinstance(frame, str) else None), anonymous


def _tool(phase_id: str, tool: str, value: Any) -> Any:
    """A phase's setting of one tool: a switch is true or false; a vote is false or
    `{"budget", "maxPerObject", "anonymous"}`; breakouts are false or `{"count"}`."""
    if tool in PHASE_SWITCHES or tool == "anonymous" or value is False:
        if not isinstance(value, bool):
            raise RoomRejected("invalid", f"Phase {phase_id}: {tool} is on or off.")
        return value
    if not isinstance(value, dict):
        raise RoomRejected("invalid", f"Phase {phase_id}: {tool} is false or an object.")
    if tool == "vote":
        return _vote_settings(value)
    return {"count": _count(value.get("count"), "count", MAX_GROUPS)}


def _vote_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """A vote's budget, most dots per object and anonymity, checked."""
    budget = _count(data.get("budget"), "budget", MAX_VOTE_BUDGET)
    per_object = _count(data.get("maxPerObject", budget), "maxPerObject", budget)
    anonymous = data.get("anonymous", True)
    if not isinstance(anonymous, bool):
        raise RoomRejected("invalid", "Say whether the vote is anonymous (true or false).")
    return {"budget": budget, "maxPerObject": per_object, "anonymous": anonymous}


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
    return {**changes, **_recording_follows(context)}


def phase_of(state: State, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The agenda's phase that `phase.go` goes to (None to leave the agenda)."""
    phase_id = data.get("id")
    if phase_id is None:
        return None
    phase = next((p for p in state["agenda"] if p.get("id") == phase_id), None)
    if phase is None:
        raise RoomRejected("invalid", "There is no such phase in the agenda.")
    return phase


def phase_go(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Go to a phase of the agenda: its timer starts (when it has minutes) and the tools are
    set as it says, a tool it does not name being off: an open vote ends with its results
    (`context["results"]`), a phase's vote opens (`context["voteId"]`), its breakout groups
    start (`context["groups"]`, made for it). `{"id": null}` leaves the agenda (the tools
    stay as they are)."""
    phase = phase_of(state, data)
    if phase is None:
        return {"phase": None, **_recording_follows(context)}
    changes: Changes = {"phase": phase["id"], **_recording_follows(context)}
    minutes = int(phase.get("minutes") or 0)
    changes.update(
        _timer(True, now_ms + minutes * 60_000, minutes * 60_000, minutes * 60_000)
        if minutes
        else _timer(False, None, 0, 0)
    )
    tools = phase.get("tools") or {}
    changes.update({tool: bool(tools.get(tool, False)) for tool in PHASE_SWITCHES})
    if state["vote"] is not None and state["vote"].get("open"):
        changes.update(vote_end(state, data, actor, now_ms, context))
    if tools.get("vote"):
        changes.update(vote_start({**state, **changes}, tools["vote"], actor, now_ms, context))
    if tools.get("breakouts"):
        ends_at = now_ms + minutes * 60_000 if minutes else None
        changes["breakouts"] = _breakouts(context["groups"], ends_at)
    elif state["breakouts"] is not None:
        changes["breakouts"] = None
    return changes


def phase_after(state: State, name: str, data: Mapping[str, Any], actor: Actor, now_ms: int) -> Any:
    """The phase the room is in after `phase.go` or `agenda.set` (which leaves the agenda
    when it drops the current phase); RoomRejected if the command is refused."""
    if name == "phase.go":
        phase = phase_of(state, data)
        return None if phase is None else phase["id"]
    return agenda_set(state, data, actor, now_ms, {}).get("phase", state["phase"])


def check_recording(state: State, running: bool) -> None:
    """RoomRejected unless the room is being recorded (`running`), or is not."""
    if running and state["recording"] is None:
        raise RoomRejected("closed", "The room is not being recorded.")
    if not running and state["recording"] is not None:
        raise RoomRejected("closed", "The room is being recorded already: stop that first.")


def _recording_follows(context: Context) -> Changes:
    """The room's `recording` when the server started or stopped one along with a phase (a
    lab that records from its first phase to its last): `context["recording"]`."""
    return {"recording": context["recording"]} if "recording" in context else {}


def recording_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Show everyone the recording the server has started (`context["recording"]`: its
    id, title and start); refused while one is running."""
    check_recording(state, running=False)
    return {"recording": dict(context["recording"])}


def recording_stop(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """The recording has ended (the server wrote its end): nobody is recorded now."""
    check_recording(state, running=True)
    return {"recording": None}


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
    """Bring everyone to the sender's view; with `"follow": true`, everyone follows it live
    until they look around on their own."""
    follow = data.get("follow", False)
    if not isinstance(follow, bool):
        raise RoomRejected("invalid", "Say whether everyone follows (true or false).")
    view = _view(data.get("view"))
    return {"spotlight": {"by": actor.id, "view": view, "at": now_ms, "follow": follow}}


def celebrate(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """A celebration burst on everyone's screen, from `actor`."""
    return {"celebration": {"by": actor.id, "at": now_ms}}


def vote_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Open a dot vote: each voter has `budget` dots, at most `maxPerObject` on one object."""
    if state["vote"] is not None and state["vote"].get("open"):
        raise RoomRejected("closed", "A vote is open already: end it first.")
    settings = _vote_settings(data)
    scope = data.get("scope", "board")
    if scope != "board" and not (
        isinstance(scope, dict)
        and set(scope) == {"frame"}
        and isinstance(scope["frame"], str)
        and OBJECT_ID.fullmatch(scope["frame"])
    ):
        raise RoomRejected("invalid", 'A vote\'s scope is "board" or {"frame": <frame id>}.')
    vote = {"id": context["voteId"], "open": True, **settings, "scope": scope, "results": None}
    return {"vote": vote}


def _count(value: Any, name: str, high: int) -> int:
    """A whole number from 1 to `high` (the room document keeps numbers as floats)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
        or not 1 <= value <= high
    ):
        raise RoomRejected("invalid", f"{name} is a whole number from 1 to {high}.")
    return int(value)


def open_vote(state: State, actor: Actor) -> Mapping[str, Any]:
    """The open vote `actor` may vote in; RoomRejected if there is none or they may not."""
    if not (actor.writer or actor.facilitator):
        raise RoomRejected("forbidden", "Observers can watch but not vote.")
    vote = state["vote"]
    if vote is None or not vote.get("open"):
        raise RoomRejected("closed", "No vote is open.")
    return vote


#: A board object's fields by id (None for no such object), as the server has read them.
Board = Callable[[str], Mapping[str, Any] | None]


def ballot(
    state: State, data: Mapping[str, Any], actor: Actor, board: Board | None = None
) -> tuple[str, str, int, int]:
    """What `vote.cast` and `vote.retract` act on: (vote id, object id, budget, most per
    object); RoomRejected if there is no open vote or the sender may not vote. With the
    `board`, a cast must be for an object on it, inside the vote's frame if it has one."""
    vote = open_vote(state, actor)
    target = data.get("objectId")
    if not isinstance(target, str) or not OBJECT_ID.fullmatch(target):
        raise RoomRejected("invalid", "Vote for an object of the board (its id).")
    if board is not None:
        found = board(target)
        if found is None:
            raise RoomRejected("invalid", "There is no such object on the board.")
        scope = vote.get("scope")
        if isinstance(scope, dict) and not _inside(found, board(str(scope.get("frame")))):
            raise RoomRejected("invalid", "This vote is on the objects in its frame only.")
    return str(vote["id"]), target, int(vote["budget"]), int(vote["maxPerObject"])


def _inside(item: Mapping[str, Any], frame: Mapping[str, Any] | None) -> bool:
    """Whether a board object's box lies wholly inside a frame's."""
    if frame is None:
        return False
    try:
        x, y, w, h = (float(item[key]) for key in ("x", "y", "w", "h"))
        fx, fy, fw, fh = (float(frame[key]) for key in ("x", "y", "w", "h"))
    except (KeyError, TypeError, ValueError):
        return False
    return fx <= x and fy <= y and x + w <= fx + fw and y + h <= fy + fh


def vote_end(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Close the open vote and publish its results (`context["results"]`)."""
    vote = state["vote"]
    if vote is None or not vote.get("open"):
        raise RoomRejected("closed", "No vote is open.")
    return {"vote": {**vote, "open": False, "results": dict(context["results"])}}


def _people(value: Any, seen: set[str]) -> list[str]:
    """A list of identity ids, none of them in `seen` (which gains them)."""
    if not isinstance(value, list) or len(value) + len(seen) > MAX_PEOPLE:
        raise RoomRejected("invalid", f"Name the people as a list of at most {MAX_PEOPLE} ids.")
    for person in value:
        if not isinstance(person, str) or not IDENTITY_ID.fullmatch(person):
            raise RoomRejected("invalid", "A person is named by their identity id.")
        if person in seen:
            raise RoomRejected("invalid", "Each person goes to one group.")
        seen.add(person)
    return list(value)


def plan_groups(data: Mapping[str, Any], shuffle: Callable[[list[str]], None]) -> list[Changes]:
    """The breakout groups `breakouts.start` (or a phase's breakouts) asks for, as
    `{"title", "members"}`: given by hand (`groups`), or `count` groups of the `people`
    named dealt at random (`shuffle`), or `count` empty groups that people pick."""
    seen: set[str] = set()
    if "groups" in data:
        groups = data["groups"]
        if not isinstance(groups, list) or not 1 <= len(groups) <= MAX_GROUPS:
            raise RoomRejected("invalid", f"Give from 1 to {MAX_GROUPS} groups.")
        planned = []
        for number, group in enumerate(groups, 1):
            if not isinstance(group, dict):
                raise RoomRejected("invalid", "Each group is an object with title and members.")
            title = _title(group.get("title")) or f"Group {number}"
            planned.append({"title": title, "members": _people(group.get("members", []), seen)})
        return planned
    count = _count(data.get("count"), "count", MAX_GROUPS)
    people = _people(data.get("people", []), seen)
    shuffle(people)
    return [
        {"title": f"Group {number + 1}", "members": people[number::count]}
        for number in range(count)
    ]


def _breakouts(groups: list[Changes], ends_at: int | None) -> Changes:
    """The room's `breakouts` for groups made on the board (each with an id and a frame);
    people pick their group while no one is in any."""
    pick = not any(group["members"] for group in groups)
    return {"groups": groups, "endsAt": ends_at, "pick": pick}


def breakouts_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Split the room into the groups planned (`plan_groups`) and made on the board
    (`context["groups"]`); with `minutes`, the timer runs for them."""
    minutes = data.get("minutes", 0)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 0 <= minutes <= MAX_PHASE_MINUTES
    ):
        raise RoomRejected("invalid", f"Breakouts last 0 to {MAX_PHASE_MINUTES} minutes.")
    ms = minutes * 60_000
    changes = {"breakouts": _breakouts(context["groups"], now_ms + ms if ms else None)}
    if ms:
        changes.update(_timer(True, now_ms + ms, ms, ms))
    return changes


def breakouts_join(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Go to a breakout group (`{"group"}`) when people pick their own; a facilitator may
    move anyone (`{"group", "id"}`)."""
    breakouts = state["breakouts"]
    if breakouts is None:
        raise RoomRejected("closed", "There are no breakout groups now.")
    whose = data.get("id", actor.id)
    if not actor.facilitator and (whose != actor.id or not breakouts.get("pick")):
        raise RoomRejected("forbidden", "The facilitator has made the groups.")
    if not isinstance(whose, str) or not IDENTITY_ID.fullmatch(whose):
        raise RoomRejected("invalid", "A person is named by their identity id.")
    groups = breakouts.get("groups") or []
    if not any(group.get("id") == data.get("group") for group in groups):
        raise RoomRejected("invalid", "There is no such group.")
    if sum(len(group.get("members") or []) for group in groups) >= MAX_PEOPLE:
        raise RoomRejected("invalid", "The groups are full.")
    moved = [
        {
            **group,
            "members": [m for m in group.get("members") or [] if m != whose]
            + ([whose] if group.get("id") == data.get("group") else []),
        }
        for group in groups
    ]
    return {"breakouts": {**breakouts, "groups": moved}}


def _goal(value: Any) -> str:
    """A goal as plain text: no control or format characters, whitespace collapsed;
    RoomRejected when it is not text or longer than `MAX_GOAL_LENGTH` characters."""
    if not isinstance(value, str):
        raise RoomRejected("invalid", "A goal is text.")
    goal = one_line(value)
    if len(goal) > MAX_GOAL_LENGTH:
        raise RoomRejected("invalid", f"A goal is at most {MAX_GOAL_LENGTH} characters.")
    return goal


def _absent(state: State, context: Context, keep: str) -> Entries:
    """Removals of the desks whose people are not present in the room
    (`context["present"]`, when the server looked), except `keep`'s: desks left behind by a
    server process that stopped before it could take them away."""
    present = context.get("present")
    if present is None:
        return Entries()
    return Entries({who: None for who in state["people"] if who not in present and who != keep})


def status_set(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Set the sender's own status and goal at their desk: `since` is stamped when the
    status changes, and whether the goal is done is forgotten when the goal changes. When
    the room is full, the desks of people who are not present make room."""
    status = data.get("status")
    if status not in STATUSES:
        raise RoomRejected("invalid", "A status is focus, break, available or away.")
    goal = _goal(data.get("goal"))
    people = state["people"]
    before = people.get(actor.id)
    changes = Entries()
    if before is None and len(people) >= MAX_PEOPLE:
        changes = _absent(state, context, actor.id)  # desks left behind make room
        if len(people) - len(changes) >= MAX_PEOPLE:
            raise RoomRejected("invalid", f"The room has {MAX_PEOPLE} people at desks already.")
    same_status = before is not None and before.get("status") == status
    same_goal = before is not None and before.get("goal") == goal
    entry = {
        "status": status,
        "goal": goal,
        "since": before["since"] if same_status else now_ms,
        "done": before.get("done") if same_goal else None,
    }
    if entry != before:
        changes[actor.id] = entry
    return {"people": changes} if changes else {}


def goal_done(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Check off the sender's own goal (`{"done": true}`), or say it is not done (false)."""
    done = data.get("done")
    if not isinstance(done, bool):
        raise RoomRejected("invalid", "Say whether the goal is done (true or false).")
    before = state["people"].get(actor.id)
    if before is None:
        raise RoomRejected("closed", "Say what you are working on first.")
    if before.get("done") is done:
        return {}
    return {"people": Entries({actor.id: {**before, "done": done}})}


def leave(state: State, *people: str) -> Changes:
    """The people have left the room: their desks go."""
    gone = [person for person in people if person in state["people"]]
    return {"people": Entries(dict.fromkeys(gone))} if gone else {}


def _minutes(data: Mapping[str, Any], key: str, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise RoomRejected("invalid", f"{key} is a whole number of minutes.")
    if not 1 <= value <= high:
        raise RoomRejected("invalid", f"{key} is from 1 to {high} minutes.")
    return int(value)


def _everyone(state: State, now_ms: int, old: frozenset[str], new: str) -> Entries:
    """Everyone whose status is one of `old` moves to `new` (stamped now)."""
    return Entries(
        {
            who: {**entry, "status": new, "since": now_ms}
            for who, entry in state["people"].items()
            if entry.get("status") in old
        }
    )


def focus_start(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Start the room's focus rhythm now: work blocks and breaks in turn, from which every
    client tells the current block. People available or on a break start focusing."""
    focus = {
        "workMinutes": _minutes(data, "workMinutes", MAX_WORK_MINUTES),
        "breakMinutes": _minutes(data, "breakMinutes", MAX_BREAK_MINUTES),
        "startedAt": now_ms,
    }
    moved = _everyone(state, now_ms, frozenset({"available", "break"}), "focus")
    return {"focus": focus, **({"people": moved} if moved else {})}


def focus_stop(
    state: State, data: Mapping[str, Any], actor: Actor, now_ms: int, context: Context
) -> Changes:
    """Stop the rhythm: people focusing or on a break are available again."""
    if state["focus"] is None:
        raise RoomRejected("closed", "No focus rhythm is running.")
    moved = _everyone(state, now_ms, frozenset({"focus", "break"}), "available")
    return {"focus": None, **({"people": moved} if moved else {})}


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
    # The board was written before (see `room_commands.restore_board`).
    "board.restore": ("facilitator", board_restore),
    "agenda.set": ("facilitator", agenda_set),
    "phase.go": ("facilitator", phase_go),
    "spotlight.summon": ("facilitator", spotlight_summon),
    "spotlight.end": ("facilitator", _sets(spotlight=None)),
    "private.start": ("facilitator", _sets(private=True)),
    # The notes were moved onto the board before (see `room_commands.reveal`).
    "private.reveal": ("facilitator", _sets(private=False)),
    "vote.start": ("facilitator", vote_start),
    "vote.end": ("facilitator", vote_end),
    "breakouts.start": ("facilitator", breakouts_start),
    "breakouts.join": ("writer", breakouts_join),
    "breakouts.end": ("facilitator", _sets(breakouts=None)),
    "hand.raise": ("writer", hand_raise),
    "hand.lower": ("writer", hand_lower),
    "celebrate": ("writer", celebrate),
    # The recording was made or ended before (see `room_commands.RoomCommands._recording`).
    "recording.start": ("facilitator", recording_start),
    "recording.stop": ("facilitator", recording_stop),
    # Co-working desks: anyone in the room (observers too) sets their own.
    "status.set": ("member", status_set),
    "goal.done": ("member", goal_done),
    "focus.start": ("facilitator", focus_start),
    "focus.stop": ("facilitator", focus_stop),
}
