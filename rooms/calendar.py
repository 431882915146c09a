"""iCalendar (RFC 5545) files of scheduled sessions: one session's `.ics` and a person's feed
share this one writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext, ngettext

from rooms.models import ScheduledSession

PRODUCT = "-//Co-working & Ideation Labs//Sessions//EN"
#: A content line longer than this many octets is folded (RFC 5545 §3.1).
LINE_OCTETS = 75
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Event:
    """One VEVENT: a session with the address of its room."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    url: str


def rhythm(session: ScheduledSession) -> str:
    """How a session runs, in words of the active language: "120 minutes, 50 min focus /
    10 min break"."""
    said = ngettext(
        "{minutes} minute, {work} min focus / {rest} min break",
        "{minutes} minutes, {work} min focus / {rest} min break",
        session.minutes,
    )
    return said.format(
        minutes=session.minutes, work=session.work_minutes, rest=session.break_minutes
    )


def session_event(session: ScheduledSession, room_url: str, host: str) -> Event:
    """The event of `session` in the room at `room_url`; its UID stays the same for as long
    as the session exists on `host`. Its description is in the active language."""
    return Event(
        uid=f"session-{session.pk}@{host}",
        starts_at=session.starts_at,
        ends_at=session.starts_at + timedelta(minutes=session.minutes),
        summary=f"{session.title} ({session.room.title})",
        # Translators: a calendar event's description: how the session runs, then where to join.
        description=gettext("{rhythm}. Join at {url}").format(rhythm=rhythm(session), url=room_url),
        url=room_url,
    )


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into lines of at most `LINE_OCTETS` octets, each continuation
    starting with a space; never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC: 20250102T030405Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[Event], name: str, now: datetime) -> str:
    """A VCALENDAR of `events` called `name`, stamped `now`: CRLF line ends, folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(now)}",
            f"DTSTART:{utc(event.starts_at)}",
            f"DTEND:{utc(event.ends_at)}",
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
            f"URL:{event.url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
