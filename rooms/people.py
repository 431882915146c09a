"""The people of a room: its members and their roles, which facilitators change or end.

Open sockets follow every change when it commits: saving or deleting a membership
announces it to the room (`rooms.signals`), and each socket re-checks its access.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from rooms.models import Membership, Removal, Role, Room
from rooms.permissions import room_identity, user_identity

#: A member's identity id: `u<user id>`.
MEMBER_ID = re.compile(r"u([1-9][0-9]{0,17})")
ROLE_CHOICES = "observer, participant or facilitator"


@dataclass(frozen=True)
class Person:
    """A member as the room names them, with their role."""

    id: str
    name: str
    role: Role

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role.value}


class PeopleError(Exception):
    """A change to a room's people that is refused: `message` says why to the person who
    asked, `status` is the HTTP status it is answered with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def members(room: Room) -> list[Person]:
    """Everyone in `room`, in the order they joined, named as the room shows them (two who
    share a name each carry their account id, as `room_identity` does)."""
    memberships = list(room.memberships.select_related("user"))
    identities = [user_identity(membership.user) for membership in memberships]
    names = Counter(identity.name.casefold() for identity in identities)
    return [
        Person(
            identity.id,
            identity.name
            if names[identity.name.casefold()] == 1
            else f"{identity.name} #{membership.user_id}",
            Role(membership.role),
        )
        for membership, identity in zip(memberships, identities, strict=True)
    ]


def read_change(body: object) -> Role | None:
    """The change a request body asks for: `{"role": <role>}` gives that role, and
    `{"remove": true}` gives None (remove the person); anything else is a PeopleError."""
    if isinstance(body, dict) and body.keys() == {"remove"} and body["remove"] is True:
        return None
    if isinstance(body, dict) and body.keys() == {"role"}:
        if isinstance(body["role"], str) and body["role"] in Role.values:
            return Role(body["role"])
        raise PeopleError(f"A role is one of {ROLE_CHOICES}.", 400)
    raise PeopleError(f'Send {{"role": {ROLE_CHOICES}}} or {{"remove": true}}.', 400)


def change_role(room: Room, person_id: str, role: Role) -> Person:
    """Give the member `person_id` another role; the room always keeps a facilitator."""
    with transaction.atomic():
        membership = _locked_membership(room, person_id)
        if role != Role.FACILITATOR:
            _keep_a_facilitator(room, membership)
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    identity = room_identity(membership.user, room)
    return Person(identity.id, identity.name, role)


def remove(room: Room, person_id: str, by: User) -> None:
    """Remove the member `person_id` from the room: their membership ends, their open
    sockets are closed, and the invites made until now no longer let them back in."""
    with transaction.atomic():
        membership = _locked_membership(room, person_id)
        _keep_a_facilitator(room, membership)
        membership.delete()
        Removal.objects.update_or_create(
            room=room,
            user_id=membership.user_id,
            defaults={"removed_by": by, "removed_at": timezone.now()},
        )


def _locked_membership(room: Room, person_id: str) -> Membership:
    """The membership `person_id` names, read after taking the room's turn: changes to one
    room's people run one at a time (the room's row is locked; SQLite transactions start
    IMMEDIATE), so two facilitators demoting each other at once cannot leave it with none."""
    Room.objects.select_for_update().get(pk=room.pk)
    match = MEMBER_ID.fullmatch(person_id)
    membership = (
        Membership.objects.select_related("user").filter(room=room, user_id=int(match[1])).first()
        if match
        else None
    )
    if membership is None:
        raise PeopleError(gettext("Nobody with that id is in this room."), 404)
    return membership


def _keep_a_facilitator(room: Room, membership: Membership) -> None:
    """Refuse to take the room's last facilitator away."""
    others = room.memberships.filter(role=Role.FACILITATOR).exclude(pk=membership.pk)
    if membership.role == Role.FACILITATOR and not others.exists():
        raise PeopleError(
            gettext("A room needs a facilitator: make someone else a facilitator first."), 409
        )
