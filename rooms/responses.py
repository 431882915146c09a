"""JSON errors of the room's HTTP endpoints: `{"error": message}` with a status."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext

from rooms.permissions import Denied


def json_error(message: str, status: int) -> JsonResponse:
    """An error for scripts and the board client: `{"error": message}` (a sentence in the
    request's language)."""
    return JsonResponse({"error": str(message)}, status=status)


def json_denied(denied: Denied) -> JsonResponse:
    """The JSON error for a refused room access."""
    if denied.reason == "not_found":
        return json_error(gettext("There is no such room."), 404)
    return json_error(gettext("You are not a member of this room."), 403)
