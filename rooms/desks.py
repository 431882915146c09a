"""The desks of a co-working room: who its members are (their profile card) and how long
each has focused in the room today, for the room page's desk cards."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from rooms.models import FocusEntry, Profile, Room
from rooms.permissions import Denied, resolve_access
from rooms.profiles import card
from rooms.responses import json_denied

#: The most identity ids one request may ask for (`?ids=`).
MAX_IDS = 200


def start_of_today(zone: str = "UTC") -> datetime:
    """Midnight of today in time zone `zone` (UTC when it is unknown): where "focused today"
    starts counting."""
    try:
        place = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        place = zoneinfo.ZoneInfo("UTC")
    return datetime.combine(datetime.now(place).date(), time.min, tzinfo=place)


def focused_today(room: Room, user_ids: list[int]) -> dict[int, int]:
    """The time (ms) each of `user_ids` spent in focus in `room` in stays begun today, in
    their own time zone (their profile's)."""
    zones = dict(Profile.objects.filter(user_id__in=user_ids).values_list("user_id", "time_zone"))
    starts = {user_id: start_of_today(zones.get(user_id, "UTC")) for user_id in user_ids}
    if not starts:
        return {}
    rows = FocusEntry.objects.filter(
        room=room, user_id__in=user_ids, started_at__gte=min(starts.values())
    ).values_list("user_id", "started_at", "focus_ms")
    totals: dict[int, int] = {}
    for user_id, started, focus_ms in rows:
        if started >= starts[user_id]:
            totals[user_id] = totals.get(user_id, 0) + focus_ms
    return totals


def desk_people(room: Room, ids: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """The room's members (only those of `ids`, identity ids, when given) by identity id:
    their card (name, username, avatar, disciplines, place, url) and `focusedTodayMs`."""
    memberships = room.memberships.select_related("user")
    if ids is not None:
        pks = [int(id[1:]) for id in ids if id.startswith("u") and id[1:].isdecimal()]
        memberships = memberships.filter(user_id__in=pks)
    users = [membership.user for membership in memberships]
    focused = focused_today(room, [user.pk for user in users])
    people: dict[str, dict[str, Any]] = {}
    for user in users:
        shown = card(user)
        people[shown["id"]] = {
            key: shown[key] for key in ("name", "username", "avatar", "disciplines", "place", "url")
        } | {"focusedTodayMs": focused.get(user.pk, 0)}
    return people


@require_safe
def desks(request: HttpRequest, slug: str) -> JsonResponse:
    """`GET /r/<slug>/desks.json[?ids=u1,u2]`, for members: the desk details of the room's
    members, or of those named in `ids` (at most MAX_IDS)."""
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        return json_denied(denied)
    wanted = request.GET.get("ids")
    ids = set(wanted.split(",")[:MAX_IDS]) if wanted is not None else None
    return JsonResponse({"people": desk_people(access.room, ids)})
