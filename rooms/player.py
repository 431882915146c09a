"""The player page of a recorded session: the board, chat and lab of a room as they were, on
one timeline. The page only draws; what it plays comes from the playback endpoints."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from rooms.models import Recording
from rooms.permissions import Denied, resolve_access


@require_safe
def recording_player(request: HttpRequest, slug: str, recording_id: int) -> HttpResponse:
    """A room's recording, for its members (session) and holders of an invite `?token=`;
    people who are not signed in log in first, like on the room page."""
    token = request.GET.get("token") or ""
    try:
        access = resolve_access(request.user, slug, token or None)
    except Denied as denied:
        if denied.reason == "not_found":
            raise Http404("There is no such room.") from None
        if denied.reason == "unauthenticated":
            return redirect_to_login(request.get_full_path())
        return HttpResponseForbidden("You are not a member of this room. Ask for an invite link.")
    recording = get_object_or_404(Recording, pk=recording_id, room=access.room)
    room = access.room
    config = {
        "slug": room.slug,
        "title": room.title,
        "anonymous": room.anonymous,
        "user": {"id": access.identity.id, "name": access.identity.name},
        "recording": {
            "id": recording.pk,
            "title": recording.title,
            "startedMs": recording.started_ms,
            "endedMs": recording.ended_ms,
        },
        "base": reverse("recording_player", args=[room.slug, recording.pk]).rstrip("/"),
        "token": token,
    }
    context = {
        "room": room,
        "recording": recording,
        "started": datetime.fromtimestamp(recording.started_ms / 1000, tz=UTC),
        "show_room_link": request.user.is_authenticated,
        "config": config,
    }
    return render(request, "recording.html", context)
