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
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from rooms.models import Activity, Membership, Room
from rooms.permissions import display_name

FEED_SIZE = 30


def record(user_id: int, verb: Activity.Verb, room: Room | None = None, text: str = "") -> None:
    """Note a public event of user `user_id` for the feeds of the people they work with."""
    Activity.objects.create(user_id=user_id, verb=verb, room=room, text=text[:280])


#: Each event as one whole sentence (translated whole, never glued from pieces).
SENTENCES = {
    Activity.Verb.DROPPED_IN: gettext_lazy("{name} dropped into {room}"),
    Activity.Verb.GOAL_DONE: gettext_lazy("{name} got done “{text}” in {room}"),
    Activity.Verb.SESSION: gettext_lazy("{name} scheduled “{text}” in {room}"),
    Activity.Verb.RECORDING: gettext_lazy("{name} recorded “{text}” in {room}"),
    Activity.Verb.WORK: gettext_lazy("{name} added “{text}” to their showcase"),
    Activity.Verb.JOINED: gettext_lazy("{name} joined {room}"),
}


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed: what happened, as a sentence with the person's name in bold,
    and when."""

    sentence: SafeString
    at: datetime


def sentence(activity: Activity, name: str) -> SafeString:
    """What happened, in the active language: "<strong>Ana</strong> dropped into Studio
    Hours", "<strong>Ben</strong> got done “mix the chorus” in Studio Hours"."""
    return format_html(
        str(SENTENCES[Activity.Verb(activity.verb)]),
        name=format_html("<strong>{}</strong>", name),
        room=activity.room.title if activity.room is not None else "",
        text=activity.text,
    )


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
    return [FeedItem(sentence(event, display_name(event.user)), event.at) for event in events]
