"""The home page's activity feed: public events of the people you have worked with.

Whom you have worked with: everyone who shares a room with you. What you see of them: what
they did in public rooms, in rooms you are in yourself, or outside any room; never an event
of a private room you are not in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q

from rooms.models import Activity, Membership, Room
from rooms.permissions import display_name

FEED_SIZE = 30


def record(user_id: int, verb: Activity.Verb, room: Room | None = None, text: str = "") -> None:
    """Note a public event of user `user_id` for the feeds of the people they work with."""
    Activity.objects.create(user_id=user_id, verb=verb, room=room, text=text[:280])


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed: who, what they did (a sentence without the name), when."""

    name: str
    action: str
    at: datetime


def action(activity: Activity) -> str:
    """What happened, after the person's name: "dropped into Studio Hours", "scheduled
    “Morning focus” in Studio Hours", "got done “mix the chorus”"."""
    words = [activity.get_verb_display()]
    if activity.text:
        words.append(f"“{activity.text}”")
    if activity.room is not None:
        words.append(f"in {activity.room.title}" if activity.text else activity.room.title)
    return " ".join(words)


def feed(viewer: User, size: int = FEED_SIZE) -> list[FeedItem]:
    """The newest `size` public events of the people who share a room with `viewer`."""
    rooms = Membership.objects.filter(user_id=viewer.pk).values("room_id")
    coworkers = Membership.objects.filter(room_id__in=rooms).values("user_id")
    visible = Q(room__isnull=True) | Q(room__public=True) | Q(room_id__in=rooms)
    events = (
        Activity.objects.filter(visible, user_id__in=coworkers)
        .exclude(user_id=viewer.pk)
        .select_related("user", "room")
        .order_by("-at", "-pk")[:size]
    )
    return [FeedItem(display_name(event.user), action(event), event.at) for event in events]
