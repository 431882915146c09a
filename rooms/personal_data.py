"""Everything the site keeps about a person, for them to download; and the deletion of
their account, which leaves what they wrote in rooms under "Former member"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q

from rooms.models import Membership, RecordingPresence, Role, Room, ScheduledSession, profile_of
from rooms.permissions import display_name, user_identity
from rooms.profile_images import delete_images
from rooms.profiles import FORMER_MEMBER, image_url
from rooms.signals import account_deleting, personal_data


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _slugs(user: User) -> list[str]:
    return list(Membership.objects.filter(user=user).values_list("room__slug", flat=True))


def export(user: User, absolute: Any) -> dict[str, Any]:
    """The person's data as one JSON object; `absolute` makes a path a full URL."""
    profile = profile_of(user)

    def url(path: str) -> str | None:
        found = image_url(path)
        return absolute(found) if found else None

    data: dict[str, Any] = {
        "account": {
            "username": user.get_username(),
            "name": display_name(user),
            "dateJoined": _time(user.date_joined),
        },
        "profile": {
            "avatar": url(profile.avatar),
            "disciplines": profile.disciplines,
            "city": profile.city,
            "country": profile.country,
            "languages": profile.languages,
            "bio": profile.bio,
            "links": profile.links,
            "visibility": profile.visibility,
            "language": profile.language,
            "timeZone": profile.time_zone,
        },
        "works": [
            {"title": work.title, "link": work.link, "image": url(work.image)}
            for work in profile.works.all()
        ],
        "memberships": [
            {
                "room": membership.room.slug,
                "title": membership.room.title,
                "role": membership.role,
                "joinedAt": _time(membership.joined_at),
            }
            for membership in Membership.objects.filter(user=user).select_related("room")
        ],
        "focusLog": [
            {
                "room": entry.room.slug if entry.room else None,
                "startedAt": _time(entry.started_at),
                "endedAt": _time(entry.ended_at),
                "goal": entry.goal,
                "done": entry.done,
                "focusMs": entry.focus_ms,
            }
            for entry in user.focus_entries.select_related("room")
        ],
        "activities": [
            {
                "verb": activity.verb,
                "room": activity.room.slug if activity.room else None,
                "text": activity.text,
                "at": _time(activity.at),
            }
            for activity in user.activities.select_related("room")
        ],
        "scheduledSessions": [
            {
                "room": session.room.slug,
                "title": session.title,
                "startsAt": _time(session.starts_at),
                "minutes": session.minutes,
                "workMinutes": session.work_minutes,
                "breakMinutes": session.break_minutes,
            }
            for session in ScheduledSession.objects.filter(created_by=user).select_related("room")
        ],
    }
    identity = user_identity(user).id
    for _, kept in personal_data.send(sender=User, identity=identity, slugs=_slugs(user)):
        if isinstance(kept, dict):
            data.update(kept)
    return data


def blocking_rooms(user: User) -> list[Room]:
    """Rooms where `user` is the only facilitator while others are members: deleting the
    account would leave them with nobody to run them."""
    facilitating = Membership.objects.filter(user=user, role=Role.FACILITATOR)
    return list(
        Room.objects.filter(pk__in=facilitating.values("room_id"))
        .annotate(
            facilitators=Count("memberships", filter=Q(memberships__role=Role.FACILITATOR)),
            members=Count("memberships"),
        )
        .filter(facilitators=1, members__gt=1)
        .order_by("title")
    )


def delete_account(user: User) -> None:
    """Delete `user` with their profile, works and images, memberships, focus log and
    activity. Rooms they alone are in go too. What they wrote in other rooms stays, named
    "Former member" in the documents and in recordings. The caller checks `blocking_rooms`."""
    identity = user_identity(user).id
    rooms = Room.objects.filter(pk__in=Membership.objects.filter(user=user).values("room_id"))
    alone = list(rooms.annotate(members=Count("memberships")).filter(members=1))
    kept = list(rooms.exclude(pk__in=[room.pk for room in alone]).values_list("slug", flat=True))
    account_deleting.send(sender=User, identity=identity, slugs=kept)
    profile = profile_of(user)
    images = [profile.avatar, *profile.works.values_list("image", flat=True)]
    with transaction.atomic():
        RecordingPresence.objects.filter(identity=identity).update(name=FORMER_MEMBER)
        for room in alone:
            room.delete()
        user.delete()
        transaction.on_commit(lambda: delete_images(*images))
