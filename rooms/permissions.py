"""Who may do what: the one place that maps roles to abilities and resolves access."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from rooms.invites import load_invite, removed_since
from rooms.models import Membership, Removal, Role, Room

WRITER_ROLES = frozenset({Role.FACILITATOR, Role.PARTICIPANT})
NAME_MAX_LENGTH = 60
#: Usernames of accounts made for guests who joined through an invite; sign-up refuses them.
GUEST_PREFIX = "guest-"
#: Follows a guest account's name wherever it is shown or kept (chat messages, presence,
#: recordings): part of the name, the same in every language.
GUEST_MARK = "(guest)"
#: The name of someone in a room through an invite link alone (no account). Kept as it is,
#: in English, wherever names are stored (presence, documents, recordings); pages show it in
#: their reader's language (`rooms.profiles.shown_name`).
# Translators: the name shown for someone in a room through an invite link, without an account.
GUEST_NAME = gettext_noop("Guest")
#: Control and format characters (bidi overrides, zero-width joiners and spaces), surrogates.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


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
    def can_facilitate(self) -> bool:
        """Run the lab: timer, lock, agenda, votes; edit the board while it is locked."""
        return self.role == Role.FACILITATOR

    @property
    def can_chat(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def can_invite(self) -> bool:
        return self.role == Role.FACILITATOR

    @property
    def can_manage_people(self) -> bool:
        """Change members' roles and remove members (the People panel)."""
        return self.role == Role.FACILITATOR

    @property
    def can_change_settings(self) -> bool:
        """Change the room's title and listing, and schedule or cancel its sessions."""
        return self.role == Role.FACILITATOR


def one_line(text: str) -> str:
    """Text on one line as people may see it: no control or format characters, whitespace
    collapsed to single spaces."""
    visible = (
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in HIDDEN_CATEGORIES
    )
    return " ".join("".join(visible).split())


def normalise_name(raw: str, limit: int = NAME_MAX_LENGTH) -> str:
    """A display name (or a title) as people may see it: NFKC, `one_line`, at most `limit`
    characters. Empty when nothing visible is left."""
    return one_line(unicodedata.normalize("NFKC", raw))[:limit].strip()


def is_guest(user: AbstractBaseUser) -> bool:
    """Whether the account was made for a guest joining through an invite."""
    return user.get_username().startswith(GUEST_PREFIX) and not user.has_usable_password()


def display_name(user: AbstractBaseUser) -> str:
    """The name other people see for a user: normalised, guests marked as such."""
    full = getattr(user, "get_full_name", lambda: "")()
    name = normalise_name(str(full)) or normalise_name(user.get_username())
    return f"{name} {GUEST_MARK}" if is_guest(user) else name


def user_identity(user: AbstractBaseUser) -> Identity:
    return Identity(id=f"u{user.pk}", name=display_name(user))


def room_identity(user: AbstractBaseUser, room: Room) -> Identity:
    """The user's identity in a room: when another member shows the same name, a short
    suffix from the user's id tells them apart (in chat, presence and cursors alike)."""
    identity = user_identity(user)
    others = User.objects.filter(memberships__room=room).exclude(pk=user.pk)
    if any(display_name(other).casefold() == identity.name.casefold() for other in others):
        return Identity(identity.id, f"{identity.name} #{user.pk}")
    return identity


def room_access(
    user: AbstractBaseUser | AnonymousUser, room: Room, token: str | None = None
) -> Access | None:
    """Resolve what `user` (or the holder of an invite `token`) may do in `room`.

    A member's own role wins; an invite token alone grants its role to a script or Yjs
    client without a session, and to a signed-in person unless they were removed from the
    room after it was made. Returns None when there is no right to be in the room.
    """
    if user.is_authenticated:
        membership = Membership.objects.filter(room=room, user_id=user.pk).first()
        if membership is not None:
            return Access(room, Role(membership.role), room_identity(user, room))
    if token:
        invite = load_invite(token)
        if invite is not None and invite.room_id == room.pk:
            if user.is_authenticated:
                if removed_since(invite, user):
                    return None
                return Access(room, Role(invite.role), room_identity(user, room))
            return Access(room, Role(invite.role), Identity(f"i{invite.pk}", GUEST_NAME))
    return None


#: Why a signed-in person who is not a member of a room cannot open it.
NOT_A_MEMBER = _("You are not a member of this room.")


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


#: The role a person gets by dropping into a public co-working room from the directory.
DROP_IN_ROLE = Role.PARTICIPANT
#: Why someone may not drop into a room (`drop_in_refusal`), in the active language.
NOT_LISTED = _("This room is not open to drop in.")
GUESTS_NEED_INVITES = _("Guest accounts join rooms through invite links. Sign up to drop in.")
REMOVED_NEED_INVITES = _("A facilitator removed you from this room: ask them for a new invite.")
LABS_NEED_INVITES = _("Ask the facilitator for an invite: labs are joined by invite.")


def drop_in_refusal(
    user: AbstractBaseUser | None, room: Room, removed_from: Collection[int]
) -> str:
    """Why signed-in `user` (None: a visitor, once they sign in), not a member, may not drop
    into `room`, in the active language ("" when they may, as `DROP_IN_ROLE`). Only public
    co-working rooms take people who drop in; guest accounts and people removed from the
    room (`removed_from`: ids of such rooms) need an invite. Public labs are listed but
    joined by invite."""
    if not room.public:
        return str(NOT_LISTED)
    if user is not None and is_guest(user):
        return str(GUESTS_NEED_INVITES)
    if room.pk in removed_from:
        return str(REMOVED_NEED_INVITES)
    if room.kind != Room.Kind.COWORKING:
        return str(LABS_NEED_INVITES)
    return ""


def rooms_removed_from(user: AbstractBaseUser) -> frozenset[int]:
    """Ids of the rooms a facilitator removed `user` from."""
    return frozenset(Removal.objects.filter(user_id=user.pk).values_list("room_id", flat=True))


def may_see_schedule(user: AbstractBaseUser | AnonymousUser, room: Room) -> bool:
    """Whether `user` may see a room's scheduled sessions: anyone signed in for a public room,
    else its members."""
    if not user.is_authenticated:
        return False
    return room.public or Membership.objects.filter(room=room, user_id=user.pk).exists()
