"""Recorded sessions: starting and stopping them, who was present when, and the HTTP
endpoints that list, rename and delete them.

A recording is a row with a window of server time (`Recording`); the documents' logs hold
what happened in it. The room document shows the running one to everyone: it is written by
`boards` (room commands), and after a rename or a deletion here through the
`recording_changed` signal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from copy import copy
from datetime import UTC, datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST, require_safe

from rooms.models import Membership, Recording, RecordingPresence, Room
from rooms.permissions import Access, Denied, normalise_name, resolve_access
from rooms.profiles import shown_name
from rooms.responses import json_denied
from rooms.signals import recording_changed

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 120
#: The recordings the lobby lists, newest first, over all of a person's rooms.
LOBBY_RECORDINGS = 10
#: The recordings the room page lists, newest first (`recordings.json` lists them all).
ROOM_PAGE_RECORDINGS = 20
#: The width of the board pictures the lists show, in CSS pixels.
THUMBNAIL_WIDTH = 240
#: A person present in a recording: (identity id, display name).
Person = tuple[str, str]


def now_ms() -> int:
    return int(time.time() * 1000)


def clean_title(raw: object) -> str:
    """A recording's title as people see it (normalised like a display name, at most
    `TITLE_MAX_LENGTH` characters); empty when it is not text or nothing visible is left."""
    return normalise_name(raw, TITLE_MAX_LENGTH) if isinstance(raw, str) else ""


def default_title(room: Room, at_ms: int) -> str:
    """The title of a recording nobody named: the room's title, an en dash and the date
    (the server's, UTC)."""
    day = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%d")
    return clean_title(f"{room.title} \N{EN DASH} {day}")


def shown(recording: Recording) -> dict[str, object]:
    """A running recording as the room document shows it (key `recording`)."""
    return {"id": str(recording.pk), "title": recording.title, "startedAt": recording.started_ms}


def _user_pk(identity: str) -> int | None:
    """The account behind an identity id (`u<pk>`); None for an invite token's (`i<pk>`)."""
    return int(identity[1:]) if identity.startswith("u") and identity[1:].isdigit() else None


def start_recording(
    room: Room, title: object, by: str, automatic: bool, started_ms: int
) -> dict[str, object]:
    """Make a running recording of `room` from `started_ms` (named `title` once cleaned, or
    after the room and the date) and return it as the room document shows it."""
    recording = Recording.objects.create(
        room=room,
        title=clean_title(title) or default_title(room, started_ms),
        started_ms=started_ms,
        started_by_id=_user_pk(by),
        automatic=automatic,
    )
    return shown(recording)


def _running(recording_id: object) -> Recording | None:
    text = str(recording_id)
    if not text.isdigit():
        return None
    return Recording.objects.filter(pk=int(text), ended_ms__isnull=True).first()


def stop_recording(recording_id: object, ended_ms: int, automatic_only: bool = False) -> bool:
    """End the running recording `recording_id` at `ended_ms` (with `automatic_only`, only
    if a lab's first phase started it); whether the room document stops showing it: yes
    unless it is one `automatic_only` keeps, and yes for one that has already ended or
    was deleted, so that the document is set right."""
    recording = _running(recording_id)
    if recording is None:
        return True
    if automatic_only and not recording.automatic:
        return False
    Recording.objects.filter(pk=recording.pk, ended_ms__isnull=True).update(ended_ms=ended_ms)
    return True


def forget_recording(recording_id: object) -> None:
    """Delete a recording whose start never reached the room document."""
    Recording.objects.filter(pk=str(recording_id)).delete()


def records_labs(room_id: int) -> bool:
    """Whether the room records every session from its lab's first phase to its last (read
    afresh: a facilitator may have changed it since the socket opened)."""
    return Room.objects.filter(pk=room_id, record_labs=True).exists()


def _last_sample(recording_id: int) -> frozenset[Person] | None:
    second = RecordingPresence.objects.filter(recording_id=recording_id).aggregate(
        last=Max("second")
    )["last"]
    if second is None:
        return None
    rows = RecordingPresence.objects.filter(recording_id=recording_id, second=second)
    return frozenset(rows.values_list("identity", "name"))


def record_presence(second: int, samples: Mapping[int, frozenset[Person]]) -> set[int]:
    """Write who is present in each running recording at `second`, for those whose people
    differ from the last sample written (by this process or another); returns the
    recordings now settled (written, unchanged, or no longer running). Two processes
    writing the same second do not clash: rows already there are kept."""
    running = set(
        Recording.objects.filter(pk__in=list(samples), ended_ms__isnull=True).values_list(
            "pk", flat=True
        )
    )
    rows = [
        RecordingPresence(recording_id=recording_id, second=second, identity=person, name=name)
        for recording_id in running
        if samples[recording_id] != _last_sample(recording_id)
        for person, name in sorted(samples[recording_id])
    ]
    try:
        RecordingPresence.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # a recording deleted meanwhile; the next sample tries again
        logger.info("a presence sample of a recording deleted meanwhile was not written")
        return set(samples) - running
    return set(samples)


def person_name(number: int) -> str:
    """The name of the `number`th person of an anonymous room's recording, in the active
    language: "Person 3"."""
    # Translators: how someone is named in the recording of an anonymous room: Person 3.
    return gettext("Person {number}").format(number=number)


def _people(
    rows: Iterable[tuple[int, str, str]], anonymous: bool
) -> dict[int, list[dict[str, str]]]:
    """Everyone sampled present in each recording, in order of first appearance; in an
    anonymous room as "Person 1", "Person 2"... (ids "person-1"...), no real names. Names
    the server gives are in the active language (`shown_name`)."""
    people: dict[int, dict[str, str]] = {}
    for recording_id, identity, name in rows:
        people.setdefault(recording_id, {}).setdefault(identity, name)
    if anonymous:
        return {
            recording_id: [
                {"id": f"person-{n}", "name": person_name(n)} for n in range(1, len(seen) + 1)
            ]
            for recording_id, seen in people.items()
        }
    return {
        recording_id: [
            {"id": identity, "name": shown_name(name)} for identity, name in seen.items()
        ]
        for recording_id, seen in people.items()
    }


def summaries(room: Room, recordings: Iterable[Recording]) -> list[dict[str, object]]:
    """Recordings of `room` as `recordings.json` lists them."""
    listed = list(recordings)
    rows = (
        RecordingPresence.objects.filter(recording__in=listed)
        .order_by("recording_id", "second", "pk")
        .values_list("recording_id", "identity", "name")
    )
    people = _people(rows, room.anonymous)
    moment = now_ms()
    return [
        {
            "id": str(recording.pk),
            "title": recording.title,
            "startedAt": recording.started_ms,
            "endedAt": recording.ended_ms,
            "durationMs": max(0, (recording.ended_ms or moment) - recording.started_ms),
            "people": people.get(recording.pk, []),
        }
        for recording in listed
    ]


def duration_text(ms: int) -> str:
    """A duration as a list shows it, in the active language: "1 h 05 min", "12 min", "40 s"."""
    seconds = max(0, ms) // 1000
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if hours:
        # Translators: a duration in hours and minutes, shortened: 1 h 05 min.
        return gettext("{hours} h {minutes} min").format(hours=hours, minutes=f"{minutes:02d}")
    if minutes:
        # Translators: a duration in minutes, shortened: 12 min.
        return gettext("{minutes} min").format(minutes=minutes)
    # Translators: a duration in seconds, shortened: 40 s.
    return gettext("{seconds} s").format(seconds=seconds)


def people_text(count: int) -> str:
    """How many people a recording had, in the active language."""
    if not count:
        # Translators: a recording nobody was present in.
        return gettext("nobody present")
    return ngettext("{count} person", "{count} people", count).format(count=count)


def page_items(recordings: Iterable[Recording]) -> list[dict[str, object]]:
    """Recordings as the room page and the lobby list them: the recording, its player, a
    picture of its board at the end, when it started (a UTC datetime; the page shows it in
    the viewer's time zone), how long it lasted, how many people were there, and the titles
    of its phases (kept on the recording by playback when it ended)."""
    listed = list(recordings)
    counts = dict(
        RecordingPresence.objects.filter(recording__in=listed)
        .values("recording_id")
        .annotate(people=Count("identity", distinct=True))
        .values_list("recording_id", "people")
        .order_by()
    )
    moment = now_ms()
    items: list[dict[str, object]] = []
    for recording in listed:
        arguments = [recording.room.slug, recording.pk]
        items.append(
            {
                "recording": recording,
                "player": reverse("recording_player", args=arguments),
                "picture": f"{reverse('recording_board', args=arguments)}?width={THUMBNAIL_WIDTH}",
                "started": datetime.fromtimestamp(recording.started_ms / 1000, UTC),
                "duration": duration_text((recording.ended_ms or moment) - recording.started_ms),
                "people": people_text(counts.get(recording.pk, 0)),
                "phases": recording.phases or [],
                "running": recording.ended_ms is None,
            }
        )
    return items


def is_recording(room: Room) -> bool:
    """Whether a recording of `room` runs now (people opening its page are told first)."""
    return room.recordings.filter(ended_ms__isnull=True).exists()


def room_recordings(room: Room) -> list[dict[str, object]]:
    """The newest recordings of a room, for its page."""
    return page_items(room.recordings.select_related("room")[:ROOM_PAGE_RECORDINGS])


def recent_recordings(user_id: int) -> list[dict[str, object]]:
    """The newest recordings of the rooms a person belongs to, for the lobby."""
    rooms = Membership.objects.filter(user_id=user_id).values("room_id")
    newest = Recording.objects.filter(room_id__in=rooms).select_related("room")
    return page_items(newest[:LOBBY_RECORDINGS])


def _no_recording() -> JsonResponse:
    return JsonResponse({"error": gettext("There is no such recording in this room.")}, status=404)


@require_safe
def recordings(request: HttpRequest, slug: str) -> JsonResponse:
    """The room's recordings, newest first, for its members (or with `?token=`)."""
    try:
        access = resolve_access(request.user, slug, request.GET.get("token"))
    except Denied as denied:
        return json_denied(denied)
    room = access.room
    return JsonResponse(summaries(room, room.recordings.all()), safe=False)


def _facilitated(request: HttpRequest, slug: str) -> Access | JsonResponse:
    """A facilitator's access to room `slug`, or the JSON refusal."""
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        return json_denied(denied)
    if not access.can_facilitate:
        return JsonResponse(
            {"error": gettext("Only facilitators can rename or delete recordings.")}, status=403
        )
    return access


def _show_in_room(slug: str, recording: Recording, by: str) -> None:
    """Once the change commits, have the room document show the recording as it is now
    (`recording_changed`). Not inside the transaction: the room store is not part of it, and
    what the change sets off may read the database, which must not touch this thread's
    connection while a transaction holds it."""
    changed = copy(recording)  # keeps its id when the recording is deleted
    transaction.on_commit(
        partial(recording_changed.send, sender=Recording, slug=slug, recording=changed, by=by),
        robust=True,
    )


@require_POST
def rename_recording(request: HttpRequest, slug: str, recording_id: int) -> JsonResponse:
    """A facilitator renames a recording (form field `title`); answers it as listed."""
    access = _facilitated(request, slug)
    if isinstance(access, JsonResponse):
        return access
    title = clean_title(request.POST.get("title"))
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update().filter(pk=recording_id, room=access.room).first()
        )
        if recording is None:
            return _no_recording()
        if not title:
            return JsonResponse({"error": gettext("Give the recording a title.")}, status=400)
        recording.title = title
        recording.save(update_fields=["title"])
        if recording.ended_ms is None:
            _show_in_room(slug, recording, access.identity.id)
    [summary] = summaries(access.room, [recording])
    return JsonResponse(summary)


@require_POST
def delete_recording(request: HttpRequest, slug: str, recording_id: int) -> JsonResponse:
    """A facilitator deletes a recording (the documents' logs stay: they are the room's
    history); a running one is stopped first, for everyone."""
    access = _facilitated(request, slug)
    if isinstance(access, JsonResponse):
        return access
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update().filter(pk=recording_id, room=access.room).first()
        )
        if recording is None:
            return _no_recording()
        if recording.ended_ms is None:
            recording.ended_ms = now_ms()
            recording.save(update_fields=["ended_ms"])
            _show_in_room(slug, recording, access.identity.id)
        recording.delete()
    return JsonResponse({"deleted": str(recording_id)})
