"""Who is in which room right now, as faces for the directory and the home page.

The people come from the live presence of the rooms' documents, which the boards app reads
from the room store; it hands its reader over with `read_presence_with` when it starts, so
rooms never import the boards' internals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.contrib.auth.models import User

from rooms.models import Profile
from rooms.permissions import GUEST_NAME, display_name
from rooms.profiles import image_url, initials, shown_name
from rooms.recordings import Person

#: Reads the people present in each room of a list of slugs: {slug: people}.
PresenceReader = Callable[[Sequence[str]], Awaitable[Mapping[str, frozenset[Person]]]]

_readers: list[PresenceReader] = []


def read_presence_with(reader: PresenceReader) -> None:
    """Use `reader` for live presence from now on."""
    _readers[:] = [reader]


def present_in(slugs: Sequence[str]) -> Mapping[str, frozenset[Person]]:
    """The people in each of the rooms `slugs` now (rooms nobody is in may be left out).
    Call it from sync code: a view, or a test."""
    if not slugs or not _readers:
        return {}
    return async_to_sync(_readers[0])(slugs)


@dataclass(frozen=True)
class Face:
    """Someone present, as a small round picture: their avatar, or their initials."""

    name: str
    avatar: str | None

    @property
    def initials(self) -> str:
        return initials(self.name)


def faces(present: Mapping[str, frozenset[Person]]) -> dict[str, list[Face]]:
    """The faces of the people in each room, by name; one database query for all rooms.
    Accounts show their current name and avatar; invite holders the name they are shown by."""
    user_ids = {
        int(identity[1:])
        for people in present.values()
        for identity, _ in people
        if identity[:1] == "u" and identity[1:].isdigit()
    }
    users = {f"u{user.pk}": user for user in User.objects.filter(pk__in=user_ids)}
    avatars = {
        f"u{user_id}": image_url(avatar)
        for user_id, avatar in Profile.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "avatar"
        )
    }

    def face(identity: str, name: str) -> Face:
        user = users.get(identity)
        if user is None:
            return Face(shown_name(name or GUEST_NAME), None)
        return Face(shown_name(display_name(user)), avatars.get(identity))

    return {
        slug: sorted((face(*person) for person in people), key=lambda f: f.name.casefold())
        for slug, people in present.items()
    }
