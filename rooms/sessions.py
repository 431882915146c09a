"""A room's settings page and its scheduled sessions: facilitators change the room and add or
cancel sessions; people download a session as `.ics` or subscribe to a feed of all theirs."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from rooms.activity import record
from rooms.calendar import CONTENT_TYPE, calendar, session_event
from rooms.forms import RoomSettingsForm, SessionForm
from rooms.languages import page_language
from rooms.models import (
    Activity,
    Membership,
    Profile,
    Room,
    ScheduledSession,
    calendar_token,
    profile_of,
)
from rooms.permissions import Access, may_see_schedule, room_access

#: "Join now" shows from this long before a session starts until it ends.
JOIN_EARLY = timedelta(minutes=10)
#: The feed keeps sessions that started up to this long ago.
FEED_PAST = timedelta(days=30)
#: Sessions last at most this long (`SessionForm`): older starts cannot still be running.
LONGEST = timedelta(minutes=480)
#: The session form's fields are named "session-title" and so on: the settings form beside it
#: has a title too.
SESSION_PREFIX = "session"
NOT_FACILITATOR = _("Only the room's facilitators can change its settings and sessions.")


def zone_of(user: User) -> ZoneInfo:
    """The time zone `user` chose in their profile (UTC when none, or an unknown one)."""
    try:
        return ZoneInfo(profile_of(user).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Upcoming:
    """A session as a list shows it, with when "Join now" is offered."""

    session: ScheduledSession
    ends_at: datetime
    opens_at: datetime
    joinable: bool


def upcoming(sessions: QuerySet[ScheduledSession], limit: int = 10) -> list[Upcoming]:
    """The sessions among `sessions` that have not ended, soonest first."""
    now = timezone.now()
    found = []
    for session in sessions.filter(starts_at__gt=now - LONGEST).select_related("room"):
        ends_at = session.starts_at + timedelta(minutes=session.minutes)
        if ends_at > now:
            opens_at = session.starts_at - JOIN_EARLY
            found.append(Upcoming(session, ends_at, opens_at, opens_at <= now))
        if len(found) == limit:
            break
    return found


def sessions_of_member(user: User) -> QuerySet[ScheduledSession]:
    """The sessions of every room `user` is a member of."""
    rooms = Membership.objects.filter(user_id=user.pk).values("room_id")
    return ScheduledSession.objects.filter(room_id__in=rooms)


def facilitated(request: HttpRequest, slug: str) -> Access | HttpResponse:
    """The signed-in facilitator's access to room `slug`, or the 403 for anyone else."""
    found = get_object_or_404(Room, slug=slug)
    access = room_access(request.user, found)
    if access is None or not access.can_change_settings:
        raise PermissionDenied(NOT_FACILITATOR)
    return access


def settings_page(
    request: HttpRequest,
    room: Room,
    form: RoomSettingsForm | None = None,
    session_form: SessionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page of `room`, with the forms as sent when they were refused."""
    assert isinstance(request.user, User)
    zone = zone_of(request.user)
    context = {
        "room": room,
        "form": form or RoomSettingsForm(instance=room),
        "session_form": session_form or SessionForm(zone=zone, prefix=SESSION_PREFIX),
        "sessions": upcoming(room.sessions.all(), limit=50),
        "zone": zone.key,
    }
    return render(request, "room_settings.html", context, status=status)


@login_required
def room_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator changes the room's title and listing, and sees its sessions."""
    access = facilitated(request, slug)
    if isinstance(access, HttpResponse):
        return access
    form = RoomSettingsForm(request.POST or None, instance=access.room)
    if request.method == "POST":
        if not form.is_valid():
            return settings_page(request, access.room, form=form, status=400)
        form.save()
        messages.success(request, gettext("The room's settings are saved."))
        return redirect("room_settings", slug)
    return settings_page(request, access.room, form=form)


@login_required
@require_POST
def create_session(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator schedules a session; it appears in the feeds of the room's members."""
    access = facilitated(request, slug)
    if isinstance(access, HttpResponse):
        return access
    assert isinstance(request.user, User)
    form = SessionForm(request.POST, zone=zone_of(request.user), prefix=SESSION_PREFIX)
    if not form.is_valid():
        return settings_page(request, access.room, session_form=form, status=400)
    data = form.cleaned_data
    session = ScheduledSession.objects.create(
        room=access.room,
        title=data["title"],
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        work_minutes=data["work_minutes"],
        break_minutes=data["break_minutes"],
        created_by=request.user,
    )
    record(request.user.pk, Activity.Verb.SESSION, access.room, session.title)
    messages.success(request, gettext("“{title}” is scheduled.").format(title=session.title))
    return redirect("room_settings", slug)


@login_required
@require_POST
def delete_session(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """A facilitator cancels a session."""
    access = facilitated(request, slug)
    if isinstance(access, HttpResponse):
        return access
    session = get_object_or_404(ScheduledSession, pk=session_id, room=access.room)
    session.delete()
    messages.success(request, gettext("“{title}” is cancelled.").format(title=session.title))
    return redirect("room_settings", slug)


def ics_response(
    request: HttpRequest, sessions: list[ScheduledSession], name: str, filename: str = ""
) -> HttpResponse:
    """`sessions` as an iCalendar file named `name`; a download when `filename` is given."""
    host = request.get_host()
    events = [
        session_event(
            session, request.build_absolute_uri(reverse("room", args=[session.room.slug])), host
        )
        for session in sessions
    ]
    response = HttpResponse(calendar(events, name, timezone.now()), content_type=CONTENT_TYPE)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def session_ics(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """One session as an `.ics` file, for the room's members (anyone signed in when the
    room is public)."""
    found = get_object_or_404(Room, slug=slug)
    if not may_see_schedule(request.user, found):
        raise Http404("No such session.")
    session = get_object_or_404(
        ScheduledSession.objects.select_related("room"), pk=session_id, room=found
    )
    return ics_response(request, [session], found.title, f"session-{session.pk}.ics")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar feed, for calendar apps (no session cookie: the secret token in
    the URL is the key): the sessions of their rooms from 30 days ago on, in the language
    of their profile (else the one the calendar app asks for)."""
    profile = Profile.objects.filter(calendar_token=token).select_related("user").first()
    if profile is None:
        raise Http404("No such calendar.")
    since = timezone.now() - FEED_PAST
    sessions = list(
        sessions_of_member(profile.user).filter(starts_at__gte=since).select_related("room")
    )
    with translation.override(page_language(profile.language) or translation.get_language()):
        # Translators: the name of a person's calendar of the sessions of their rooms.
        return ics_response(request, sessions, gettext("Co-working sessions"))


@login_required
@require_POST
def new_calendar_link(request: HttpRequest) -> HttpResponse:
    """Replace the person's feed URL: the old one stops working at once."""
    assert isinstance(request.user, User)
    profile = profile_of(request.user)
    profile.calendar_token = calendar_token()
    profile.save(update_fields=["calendar_token"])
    messages.success(request, gettext("Your calendar link is new; the old one no longer works."))
    return redirect(reverse("lobby") + "#sessions-heading")
