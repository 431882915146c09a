"""The playback endpoints of a recorded session, for the room's members (session cookie)
and holders of an invite `?token=`: what it was (details, chapters, activity, markers), each
document as it was at a moment, a picture of its board then, and the updates of a span of
it. And its reuse: a new lab from its board at a moment, the live board put back to a
moment, a Markdown summary, and the portable recording file (export, and import into a new
lab)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.contrib.auth.models import User
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from boards.hub import get_hub
from boards.playback import (
    DOC_KINDS,
    Window,
    activity,
    encode_states,
    encode_updates,
    keep_phases,
    lab_timeline,
    message_markers,
    moments,
    phase_titles,
    recording_people,
    remember_phases,
    state_at,
    updates_in,
    window_of,
)
from boards.portable import ImportRefused, import_recording, recording_file
from boards.reuse import open_at
from boards.room import RoomRejected
from boards.room_commands import restore_board, room_turn
from boards.store import create_store
from boards.summary import recording_summary
from boards.thumbnail import VERSION, board_png, clamp_width
from rooms.models import Recording
from rooms.permissions import Access, Denied, resolve_access
from rooms.recordings import now_ms, summaries
from rooms.responses import json_denied, json_error
from rooms.views import lobby_page

BAD_DOC = f"Say which document: doc={' | '.join(DOC_KINDS)}."
BAD_AT = "Say when: at=<ms from the start of the recording>."


@dataclass(frozen=True)
class Watched:
    """A recording the request may watch, with the access that lets it: whether it has
    ended, and whether its phases are kept for the lists (`Recording.phases`)."""

    access: Access
    title: str
    window: Window
    ended: bool
    phases_kept: bool


def _watched(request: HttpRequest, slug: str, recording_id: int) -> Watched | JsonResponse:
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
        return json_error(gettext("There is no such recording in this room."), 404)
    window = window_of(recording, now_ms())
    ended = recording.ended_ms is not None
    return Watched(access, recording.title, window, ended, recording.phases is not None)


def _window(request: HttpRequest, slug: str, recording_id: int) -> Window | JsonResponse:
    found = _watched(request, slug, recording_id)
    return found if isinstance(found, JsonResponse) else found.window


def _summary(window: Window) -> dict[str, object]:
    recording = Recording.objects.select_related("room").get(pk=window.recording_id)
    [summary] = summaries(recording.room, [recording])
    return summary


find_window = sync_to_async(_window)
find_watched = sync_to_async(_watched)
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
    chapters, activity and markers. An ended recording whose phases the lists do not know
    yet (one older than `Recording.phases`) keeps them now."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    store, window = get_hub().store, found.window
    people = await recording_people(store, window)
    chapters, votes = await lab_timeline(store, window)
    if found.ended and not found.phases_kept:
        await keep_phases(window.recording_id, phase_titles(chapters))
    messages = await message_markers(store, window, people)
    details = {
        **(await summary_of(window)),
        "durationMs": window.duration_ms,
        "people": people.named(),
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
        return json_error(BAD_AT, 400)
    at = window.clamp(at)
    state = await state_at(get_hub().store, name, window.start_ms + at)
    response = HttpResponse(state, content_type="application/octet-stream")
    response["X-Recording-At"] = str(at)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
async def recording_states(request: HttpRequest, slug: str, recording_id: int) -> HttpResponse:
    """The three documents as they were `at` ms from the recording's start (clamped into it),
    in one answer (`encode_states`: each as the updates of `moments`); `X-Recording-At`
    says the moment they are."""
    window = await find_window(request, slug, recording_id)
    if isinstance(window, JsonResponse):
        return window
    at = _number(request, "at", 0)
    if at is None:
        return json_error(BAD_AT, 400)
    at = window.clamp(at)
    names = [window.doc(kind) for kind in DOC_KINDS]
    states = await moments(get_hub().store, names, window.start_ms + at)
    response = HttpResponse(
        encode_states(zip(DOC_KINDS, states, strict=True)), content_type="application/octet-stream"
    )
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


#: The width of a board picture when none is asked for.
PICTURE_WIDTH = 1200


@require_safe
async def recording_board_picture(
    request: HttpRequest, slug: str, recording_id: int
) -> HttpResponse:
    """The board as it was `at` ms from the recording's start (default: its end), as a PNG
    `width` pixels wide (default `PICTURE_WIDTH`, clamped into 64..2000): `boards.thumbnail`.
    A picture of an ended recording never changes: cached, with an ETag."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    window = found.window
    at, width = _number(request, "at", window.duration_ms), _number(request, "width", PICTURE_WIDTH)
    if at is None:
        return json_error(BAD_AT, 400)
    if width is None:
        return json_error("Say how wide: width=<pixels>.", 400)
    at, width = window.clamp(at), clamp_width(width)
    tag = f'"board-{window.recording_id}-{window.start_ms}-{window.end_ms}-{at}-{width}-v{VERSION}"'
    if found.ended and tag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        state = await state_at(get_hub().store, window.doc("board"), window.start_ms + at)
        response = HttpResponse(await asyncio.to_thread(board_png, state, width), "image/png")
    response["X-Recording-At"] = str(at)
    if found.ended:
        response["ETag"] = tag
        response["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, no-cache"
    return response


def _moment(request: HttpRequest) -> int | None:
    """The form field (or query parameter) `at` as a whole number of ms, None if it is
    missing or not one."""
    raw = request.POST.get("at", request.GET.get("at"))
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


@require_POST
async def open_recording(request: HttpRequest, slug: str, recording_id: int) -> JsonResponse:
    """A new lab room for the signed-in person who may watch the recording (its
    facilitator), whose board starts as the recording's board was `at` ms from its start;
    answers `201 {"url"}`, the new room's address."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    user = await request.auser()
    if not isinstance(user, User):
        return json_error(gettext("Sign in to open a recording as a lab of your own."), 403)
    at = _moment(request)
    if at is None:
        return json_error(BAD_AT, 400)
    room = await open_at(get_hub(), found.window, found.title, user, found.window.clamp(at))
    return JsonResponse({"url": reverse("room", args=[room.slug])}, status=201)


@require_POST
async def restore_recording(request: HttpRequest, slug: str, recording_id: int) -> JsonResponse:
    """A facilitator puts the room's live board back as it was `at` ms from the recording's
    start, as one server update every client converges to (as the `board.restore` command
    does); answers `{"at", "restored", "removed", "changed"}`: objects that came back, went,
    changed back."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    if not found.access.can_facilitate:
        return json_error(gettext("Only facilitators can put the board back."), 403)
    at = _moment(request)
    if at is None:
        return json_error(BAD_AT, 400)
    window, hub = found.window, get_hub()
    at = window.clamp(at)
    try:
        async with room_turn(hub.store, window.doc("room")):
            restored = await restore_board(
                hub, window.slug, found.access.identity.id, window.start_ms + at, whole=True
            )
    except RoomRejected as error:
        return json_error(restore_refusal(error), 409)
    return JsonResponse({"at": at, **asdict(restored)})


#: Why the board could not be put back, by the refusal's code, for a reader whose page is not
#: in English. The refusals are the room command `board.restore`'s, whose English sentences
#: (which name the detail) sockets send as they are; an English page shows those.
RESTORE_REFUSALS = {
    "rate_limited": _("The room is busy: try again in a moment."),
    "invalid": _(
        "The board cannot be put back as it was then: it changed too much since, or it would "
        "hold too many objects. Go back less far."
    ),
}


def restore_refusal(error: RoomRejected) -> str:
    """What a refused restore says to the person who asked, in the request's language."""
    sentence = RESTORE_REFUSALS.get(error.code)
    language = translation.get_language() or "en"
    if sentence is None or language.split("-")[0] == "en":
        return error.message
    return str(sentence)


@require_safe
async def recording_summary_markdown(
    request: HttpRequest, slug: str, recording_id: int
) -> HttpResponse:
    """The recording summed up in Markdown (`boards.summary`)."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    text = await recording_summary(get_hub().store, found.window, found.title)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}-recording-{recording_id}.md"'
    return response


@require_safe
async def recording_export(
    request: HttpRequest, slug: str, recording_id: int
) -> HttpResponse | StreamingHttpResponse:
    """The recording as a portable file (`boards.portable`), streamed."""
    found = await find_watched(request, slug, recording_id)
    if isinstance(found, JsonResponse):
        return found
    store, window = get_hub().store, found.window
    people = await recording_people(store, window)
    lines = recording_file(store, window, found.title, people)
    response = StreamingHttpResponse(lines, content_type="application/jsonl")
    name = f"{slug}-recording-{recording_id}.jsonl"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


#: Room for the multipart framing around an uploaded recording file.
MULTIPART_SLACK = 64 * 1024


async def _remember_imported(recording_id: int) -> None:
    """Keep an imported recording's phases for the lists (a sync view: a store of its own)."""
    store = create_store()
    try:
        await remember_phases(store, recording_id)
    finally:
        await store.close()


def _wants_page(request: HttpRequest) -> bool:
    """Whether the request is a browser's form post (it prefers HTML) rather than an API
    client's (JSON, or anything)."""
    return request.get_preferred_type(["application/json", "text/html"]) == "text/html"


@require_POST
def import_recording_file(request: HttpRequest) -> HttpResponse:
    """A signed-in person imports a recording file (multipart field `file`, at most
    `RECORDING_IMPORT_MAX_BYTES`) into a new lab room of theirs; answers `201 {"url",
    "room", "recording"}`: the recording's player, the room, the recording's id. The
    lobby's form (a browser preferring HTML) goes to the player instead (303), or back to
    the lobby saying why the file was refused."""
    if not isinstance(request.user, User):
        return json_error(gettext("Sign in to import a recording."), 403)
    page = _wants_page(request)

    def refuse(message: str, status: int) -> HttpResponse:
        return lobby_page(request, None, message, status) if page else json_error(message, status)

    limit = settings.RECORDING_IMPORT_MAX_BYTES
    too_large = gettext("The recording file is larger than {limit} MiB.").format(
        limit=number_format(f"{limit / 2**20:g}")
    )
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + MULTIPART_SLACK:
        return refuse(too_large, 413)
    upload = request.FILES.get("file")
    if upload is None:
        # Translators: `file` is the name of the form field, kept as it is.
        return refuse(gettext("Send the recording file as the form field `file`."), 400)
    if upload.size is None or upload.size > limit:
        return refuse(too_large, 413)
    try:
        recording = import_recording(request.user, upload, now_ms())
    except ImportRefused as refused:
        return refuse(refused.message, 400)
    async_to_sync(_remember_imported)(recording.pk)
    slug = recording.room.slug
    player = reverse("recording_player", args=[slug, recording.pk])
    if page:
        return HttpResponseRedirect(player, status=303)
    answer = {"url": player, "room": reverse("room", args=[slug]), "recording": str(recording.pk)}
    return JsonResponse(answer, status=201)
