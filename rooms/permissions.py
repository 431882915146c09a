"""Who may do what: the one place that maps roles to abilities and resolves access."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rooms.invites import load_invite
from rooms.models import Membership, Role, Room

WRITER_ROLES = frozenset({Role.FACILITATOR, Role.PARTICIPANT})


@dataclass(frozen=True)
class Identity:
    """Who is acting: a stable id for authorship and a display name."""

    id: str
    name: str


@dataclass(frozen=True)
class Access:
    """A resolved right to be in a room, with the role it carries."""

    room: Room
    role: Role
    identity: Identity

    @property
    def can_write_board(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def can_chat(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def can_invite(self) -> bool:
        return self.role == Role.FACILITATOR


def display_name(user: AbstractBaseUser) -> str:
    """The name other people see for a signed-in user."""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or user.get_username())


def user_identity(user: AbstractBaseUser) -> Identity:
    return Identity(id=f"u{user.pk}", name=display_name(user))


def room_access(
    user: AbstractBaseUser | AnonymousUser, room: Room, token: str | None = None
) -> Access | None:
    """Resolve what `user` (or the holder of an invite `token`) may do in `room`.

    A member's own role wins; an invite token alone grants its role to a script or Yjs
    client without a session. Returns None when there is no right to be in the room.
    """
    if user.is_authenticated:
        membership = Membership.objects.filter(room=room, user_id=user.pk).first()
        if membership is not None:
            return Access(room, Role(membership.role), user_identity(user))
    if token:
        invite = load_invite(token)
        if invite is not None and invite.room_id == room.pk:
            if user.is_authenticated:
                return Access(room, Role(invite.role), user_identity(user))
            return Access(room, Role(invite.role), Identity(f"i{invite.pk}", "Guest"))
    return None


class Denied(Exception):
    """No right to be in a room: `reason` is one of "not_found", "unauthenticated", "forbidden"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolve_access(
    user: AbstractBaseUser | AnonymousUser, slug: str, token: str | None = None
) -> Access:
    """The access `user` or `token` has to the room `slug`, or Denied."""
    room = Room.objects.filter(slug=slug).first()
    if room is None:
        raise Denied("not_found")
    access = room_access(user, room, token)
    if access is None:
        raise Denied("forbidden" if user.is_authenticated or token else "unauthenticated")
    return access
