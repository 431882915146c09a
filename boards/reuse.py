"""Reusing a recorded session: a new lab whose board starts as the recording's board was at a
moment, with the board's images copied into the new room."""

from __future__ import annotations

from functools import partial

import pycrdt
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from boards.connection import write_as_server
from boards.hub import Hub
from boards.playback import Window, state_at
from rooms.forms import RoomForm
from rooms.media import copy_image, media_url, parse_media_url
from rooms.models import MediaFile, Membership, Role, Room
from rooms.permissions import user_identity

#: The longest room title (`Room.title`).
ROOM_TITLE_LENGTH = 120


def clock_text(ms: int) -> str:
    """A time from a recording's start as its player shows it: "12:34", "1:02:03"."""
    seconds = max(0, ms) // 1000
    hours, minutes, seconds = seconds // 3600, seconds % 3600 // 60, seconds % 60
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def lab_title(recording_title: str, at_ms: int) -> str:
    """The title of a lab opened from a recording at `at_ms`, in the active language (the
    opener's): "<recording title> at mm:ss", the recording's title shortened to fit a room
    title."""
    # Translators: the title of a lab opened from a moment of a recording: Ideas at 12:34.
    said = gettext("{title} at {time}")
    room = len(said.format(title="", time=clock_text(at_ms)))
    title = recording_title[: ROOM_TITLE_LENGTH - room].rstrip()
    return said.format(title=title, time=clock_text(at_ms))


def image_sources(state: bytes) -> set[str]:
    """The `src` of every image object of a board state."""
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.apply_update(state)
    return {
        value["src"]
        for value in doc.get("objects", type=pycrdt.Map).values()
        if isinstance(value, pycrdt.Map)
        and value.get("type") == "image"
        and isinstance(value.get("src"), str)
    }


def create_lab(user: User, title: str, anonymous: bool) -> Room:
    """A new lab room made as the lobby makes one (its address from its title), with `user`
    its facilitator. Sync ORM code, inside the caller's transaction."""
    form = RoomForm({"title": title, "kind": Room.Kind.LAB, "anonymous": anonymous})
    room: Room = form.save(commit=False)
    room.created_by = user
    room.save()
    Membership.objects.create(room=room, user=user, role=Role.FACILITATOR)
    return room


def _lab_with_images(
    user: User, title: str, source_slug: str, sources: set[str]
) -> tuple[Room, dict[str, str]]:
    """A new lab for `user` and copies in it of the images among `sources` that belong to
    room `source_slug`: the room, and each copied image's old URL -> its new URL."""
    source = Room.objects.get(slug=source_slug)
    parsed = [parse_media_url(src) for src in sources]
    names = {found[1] for found in parsed if found is not None and found[0] == source_slug}
    with transaction.atomic():
        room = create_lab(user, title, source.anonymous)
        moved = {
            media_url(media): media_url(copy_image(media, room, user))
            for media in MediaFile.objects.select_related("room").filter(
                room=source, name__in=names
            )
        }
    return room, moved


def _drop(room: Room) -> None:
    room.delete()


lab_with_images = database_sync_to_async(_lab_with_images)
drop = database_sync_to_async(_drop)


def _seed(doc: pycrdt.Doc, state: bytes, moved: dict[str, str]) -> None:
    """Make an empty board `state`, its copied images pointing at their copies."""
    doc.apply_update(state)
    for value in doc.get("objects", type=pycrdt.Map).values():
        if isinstance(value, pycrdt.Map) and value.get("src") in moved:
            value["src"] = moved[value["src"]]


async def open_at(hub: Hub, window: Window, title: str, user: User, at_ms: int) -> Room:
    """A new lab room for `user` (its facilitator), titled after the recording and the
    moment, whose board starts as the recording's board was `at_ms` from its start: that
    state, written by the server as the new board's first update, with the images of the
    recording's room copied into the new one."""
    state = await state_at(hub.store, window.doc("board"), window.start_ms + at_ms)
    room, moved = await lab_with_images(
        user, lab_title(title, at_ms), window.slug, image_sources(state)
    )
    try:
        seed = partial(_seed, state=state, moved=moved)
        await write_as_server(hub, f"{room.slug}/board", user_identity(user).id, seed)
    except BaseException:
        await drop(room)  # the new room would lack its board: make none
        raise
    return room
