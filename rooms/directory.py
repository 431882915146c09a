"""The directory of public rooms, with who is in them now, and dropping into one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from rooms.activity import record
from rooms.forms import DirectoryFilter
from rooms.live import Face, faces, present_in
from rooms.models import Activity, Membership, Room
from rooms.permissions import DROP_IN_ROLE, drop_in_refusal, rooms_removed_from
from rooms.vocabulary import DISCIPLINES, LANGUAGES, labels

#: The directory lists at most this many rooms (the newest public ones).
DIRECTORY_SIZE = 200
#: Faces shown on a room's card; the rest are counted.
FACES_SHOWN = 6


@dataclass(frozen=True)
class Listing:
    """A room as the directory and the home page show it to one person."""

    room: Room
    people: list[Face]
    member: bool
    refusal: str  # why they may not drop in; "" when they may (or are a member)

    @property
    def faces(self) -> list[Face]:
        return self.people[:FACES_SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.people) - FACES_SHOWN)

    @property
    def language(self) -> str:
        return next(iter(labels(LANGUAGES, [self.room.language])), "")

    @property
    def disciplines(self) -> list[str]:
        return labels(DISCIPLINES, self.room.disciplines)


def listings(user: User | None, rooms: Iterable[Room]) -> list[Listing]:
    """`rooms` with the people in them now, live rooms first (the fullest first), then by
    title; one presence read for all of them. `user` None is a visitor, not signed in."""
    rooms = list(rooms)
    present = faces(present_in([room.slug for room in rooms]))
    mine: set[int] = set()
    removed_from: frozenset[int] = frozenset()
    if user is not None:
        members = Membership.objects.filter(user_id=user.pk, room__in=rooms)
        mine = set(members.values_list("room_id", flat=True))
        removed_from = rooms_removed_from(user)
    found = [
        Listing(
            room,
            present.get(room.slug, []),
            room.pk in mine,
            "" if room.pk in mine else drop_in_refusal(user, room, removed_from),
        )
        for room in rooms
    ]
    return sorted(found, key=lambda item: (-len(item.people), item.room.title.casefold()))


def public_rooms() -> list[Room]:
    """The newest `DIRECTORY_SIZE` public rooms."""
    return list(Room.objects.filter(public=True).order_by("-created_at")[:DIRECTORY_SIZE])


def matching(rooms: list[Room], kind: str, language: str, discipline: str) -> list[Room]:
    """The rooms of a kind, held in a language, for a discipline (each when given)."""
    return [
        room
        for room in rooms
        if (not kind or room.kind == kind)
        and (not language or room.language == language)
        and (not discipline or discipline in room.disciplines)
    ]


@login_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Public rooms, filtered by kind, language and discipline, with who is in them now."""
    assert isinstance(request.user, User)
    form = DirectoryFilter(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    rooms = matching(
        public_rooms(),
        chosen.get("kind", ""),
        chosen.get("language", ""),
        chosen.get("discipline", ""),
    )
    context = {
        "form": form,
        "listings": listings(request.user, rooms),
        "filtered": any(chosen.values()),
    }
    return render(request, "directory.html", context)


@login_required
@require_POST
def drop_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Join a public co-working room as a participant, straight from the directory."""
    assert isinstance(request.user, User)
    room = get_object_or_404(Room, slug=slug, public=True)
    if Membership.objects.filter(room=room, user_id=request.user.pk).exists():
        return redirect("room", slug)
    refusal = drop_in_refusal(request.user, room, rooms_removed_from(request.user))
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        _, created = Membership.objects.get_or_create(
            room=room, user=request.user, defaults={"role": DROP_IN_ROLE}
        )
        if created:
            record(request.user.pk, Activity.Verb.DROPPED_IN, room)
    return redirect("room", slug)
