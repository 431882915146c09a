"""The playback endpoints of a recorded session, for the room's members (session cookie)
and holders of an invite `?token=`: what it was (details, chapters, activity, markers), each
document as it was at a moment, and the updates of a span of it."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from boards.hub import get_hub
from boards.playback import (
    DOC_KINDS,
    Window,
    activity,
    encode_updates,
    lab_timeline,
    message_markers,
    recording_people,
    state_at,
    updates_in,
    window_of,
)
from rooms.models import Recording
from rooms.permissions import Denied, resolve_access
from rooms.recordings import now_ms, summaries
from rooms.views import json_denied, json_error

BAD_DOC = f"Say which document: doc={' | '.join(DOC_KINDS)}."


def _window(request: HttpRequest, slug: str, recording_id: int) -> Window | JsonResponse:
    """The recording `recording_id` of room `slug` if the request may watch it, else the JSON
    refusal (403 for people outside the room, 404 for a recording it does not have)."""
    try:
        access = resolve_access(request.user, slug, request.GET.get("token"))
    except Denied as denied:
        return json_denied(denied)
    recording = (
        Recording.objects.select_related("room").filter(pk=recording_id, room=access.room).first()
    )
    if recording is None:
        return json_error("There is no such recording in this room.", 404)
    return window_of(recording, now_ms())


def _summary(window: Window) -> dict[str, object]:
    recording = Recording.objects.select_related("room").get(pk=window.recording_id)
    [summary] = summaries(recording.room, [recording])
    return summary


find_window = sync_to_async(_window)
summary_of = sync_to_async(_summary)


def _number(request: HttpRequest, key: str, default: int) -> int | None:
    """Query parameter `key` as a whole number of ms (`default` when absent), None if it is
    not one."""
    raw = request.GET.get(key)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def _doc(request: HttpRequest, window: Window) -> str | None:
    kind = request.GET.get("doc", "")
    return window.doc(kind) if kind in DOC_KINDS else None


@require_safe
async def recording_detail(request: HttpRequest, slug: str, recording_id: int) -> JsonResponse:
    """`recordings.json`'s entry for the recording, with everyone who appears in it and its
    chapters, activity and markers."""
    window = await find_window(request, slug, recording_id)
    if isinstance(window, JsonResponse):
        return window
    store = get_hub().store
    people = await recording_people(store, window)
    chapters, votes = await lab_timeline(store, window)
    messages = await message_markers(store, window, people)
    details = {
        **(await summary_of(window)),
        "durationMs": window.duration_ms,
        "people": people.listed(),
        "anonymous": window.anonymous,
        "chapters": chapters,
        "activity": await activity(store, window, people),
        "markers": sorted([*messages, *votes], key=lambda marker: marker["at"]),
    }
    return JsonResponse(details)


@require_safe
async def recording_state(request: HttpRequest, slug: str, recording_id: int) -> HttpResponse:
    """A document of the room as it was `at` ms from the recording's start (clamped into
    it), as one Yjs update; `X-Recording-At` says the moment it is."""
    window = await find_window(request, slug, recording_id)
    if isinstance(window, JsonResponse):
        return window
    name, at = _doc(request, window), _number(request, "at", 0)
    if name is None:
        return json_error(BAD_DOC, 400)
    if at is None:
        return json_error("Say when: at=<ms from the start of the recording>.", 400)
    at = window.clamp(at)
    state = await state_at(get_hub().store, name, window.start_ms + at)
    response = HttpResponse(state, content_type="application/octet-stream")
    response["X-Recording-At"] = str(at)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
async def recording_updates(request: HttpRequest, slug: str, recording_id: int) -> HttpResponse:
    """The updates of a document after `from` up to `to` (ms from the start, clamped into the
    recording), in the playback format; `X-Recording-Next` says where to continue when
    the answer stopped at its limits."""
    window = await find_window(request, slug, recording_id)
    if isinstance(window, JsonResponse):
        return window
    name = _doc(request, window)
    start, end = _number(request, "from", 0), _number(request, "to", window.duration_ms)
    if name is None:
        return json_error(BAD_DOC, 400)
    if start is None or end is None:
        return json_error("Give from=<ms> and to=<ms> from the start of the recording.", 400)
    start, end = window.clamp(start), window.clamp(end)
    store = get_hub().store
    span = await updates_in(store, name, window.start_ms + start, window.start_ms + end)
    shown = (await recording_people(store, window)).shown if window.anonymous else str
    body = encode_updates(span.entries, window.start_ms, shown)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["X-Recording-From"] = str(start)
    response["X-Recording-To"] = str(end)
    if span.next_ms is not None:
        response["X-Recording-Next"] = str(span.next_ms - window.start_ms)
    return response
