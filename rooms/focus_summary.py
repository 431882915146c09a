"""A person's focus log as their account page shows it: recent stays at a desk, minutes of
focus per week, and totals, in the person's own time zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from rooms.models import FocusEntry

RECENT = 20
WEEKS = 8
#: The chart's drawing area, in SVG units: bars grow up to BAR_SPACE from the baseline.
BAR_SPACE = 100


@dataclass(frozen=True)
class Stay:
    """One row of the focus log."""

    room: str
    started: datetime
    goal: str
    done: bool | None
    minutes: int


@dataclass(frozen=True)
class Week:
    """Minutes of focus in the week starting on Monday `start`, and its bar's height."""

    start: date
    minutes: int
    height: int

    @property
    def top(self) -> int:
        """Where the bar starts, counted down from the top of the drawing area."""
        return BAR_SPACE - self.height


@dataclass(frozen=True)
class Totals:
    sessions: int
    goals_done: int
    minutes: int


def minutes(focus_ms: int) -> int:
    """Whole minutes of `focus_ms`, rounded."""
    return round(focus_ms / 60_000)


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The time zone `name`, or UTC when this machine does not know it."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def recent_stays(user: User, zone: zoneinfo.ZoneInfo, limit: int = RECENT) -> list[Stay]:
    """The newest `limit` entries of the focus log, their times in `zone` (a deleted room
    named in the active language)."""
    entries = FocusEntry.objects.filter(user=user).select_related("room")[:limit]
    return [
        Stay(
            room=entry.room.title if entry.room else gettext("A room since deleted"),
            started=timezone.localtime(entry.started_at, zone),
            goal=entry.goal,
            done=entry.done,
            minutes=minutes(entry.focus_ms),
        )
        for entry in entries
    ]


def weekly_minutes(
    user: User, zone: zoneinfo.ZoneInfo, now: datetime | None = None, weeks: int = WEEKS
) -> list[Week]:
    """Minutes of focus in each of the last `weeks` weeks (Monday to Sunday in `zone`), the
    current one last, each with its bar's height against the busiest week."""
    today = timezone.localtime(now or timezone.now(), zone).date()
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), zone)
    totals = [0] * weeks
    entries = FocusEntry.objects.filter(user=user, started_at__gte=since)
    for started, focus_ms in entries.values_list("started_at", "focus_ms"):
        index = (timezone.localtime(started, zone).date() - first).days // 7
        if 0 <= index < weeks:
            totals[index] += focus_ms
    counted = [minutes(total) for total in totals]
    busiest = max(counted) or 1
    return [
        Week(first + timedelta(weeks=n), count, round(count * BAR_SPACE / busiest))
        for n, count in enumerate(counted)
    ]


def totals(user: User) -> Totals:
    """Every entry of the focus log counted: stays, goals got done, minutes of focus."""
    found = FocusEntry.objects.filter(user=user).aggregate(
        sessions=Count("pk"), done=Count("pk", filter=Q(done=True)), ms=Sum("focus_ms")
    )
    return Totals(found["sessions"], found["done"], minutes(found["ms"] or 0))
