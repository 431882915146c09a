"""The player page of a recorded session: the board, chat and lab of a room as they were, on
one timeline, and what can be done with it (a new lab from a moment, the live board put
back, the summary, the file; renaming and deleting). The page only draws; what it plays
comes from the playback endpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from rooms.models import Recording
from rooms.permissions import NOT_A_MEMBER, Denied, resolve_access


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
        raise PermissionDenied(NOT_A_MEMBER) from None
    recording = get_object_or_404(Recording, pk=recording_id, room=access.room)
    room = access.room
    base = reverse("recording_player", args=[room.slug, recording.pk])
    query = f"?{urlencode({'token': token})}" if token else ""
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
        "base": base.rstrip("/"),
        "token": token,
        "roomUrl": reverse("room", args=[room.slug]),
    }
    context = {
        "room": room,
        "recording": recording,
        "started": datetime.fromtimestamp(recording.started_ms / 1000, tz=UTC),
        "show_room_link": request.user.is_authenticated,
        # Opening a moment as a new lab makes a room of one's own, and renaming or deleting
        # a recording is done as oneself: those need an account.
        "can_open": request.user.is_authenticated,
        "can_restore": access.can_facilitate,
        "can_manage": access.can_facilitate and request.user.is_authenticated,
        "summary_url": f"{base}summary.md{query}",
        "export_url": f"{base}export.jsonl{query}",
        "config": config,
    }
    get_token(request)  # the CSRF cookie the page's POSTs carry back
    return render(request, "recording.html", context)
