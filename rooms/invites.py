"""Invites: signed tokens naming an `Invite` row, and joining or leaving a room through one."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, User
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rooms.events import announce_access_changed
from rooms.models import Invite, Membership, Removal, Role, Room

SALT = "rooms.invite"


def create_invite(
    room: Room,
    role: Role | str,
    created_by: User | None = None,
    days: int | None = None,
    max_uses: int | None = None,
) -> tuple[Invite, str]:
    """Create an invite and return it with its token. It expires after `days` (default
    `INVITE_DAYS`) and admits at most `max_uses` people (default: any number)."""
    invite = Invite(room=room, role=Role(role), created_by=created_by, max_uses=max_uses)
    if days is not None:
        invite.expires_at = timezone.now() + timedelta(days=days)
    invite.save()
    return invite, invite_token(invite)


def invite_token(invite: Invite) -> str:
    return signing.dumps({"i": invite.pk, "r": invite.role}, salt=SALT, compress=True)


class InviteProblem(StrEnum):
    """Why an invite token does not let anyone in."""

    INVALID = "invalid"  # forged, mangled, or naming no invite (its room was deleted)
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


def check_invite(token: str) -> Invite | InviteProblem:
    """The usable invite a token names, or why there is none."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return InviteProblem.INVALID
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        return InviteProblem.INVALID
    invite = Invite.objects.select_related("room").filter(pk=payload["i"]).first()
    if invite is None or invite.role != payload.get("r"):
        return InviteProblem.INVALID
    if invite.revoked:
        return InviteProblem.REVOKED
    if invite.expires_at <= timezone.now():
        return InviteProblem.EXPIRED
    if not invite.is_usable:
        return InviteProblem.USED_UP
    return invite


def load_invite(token: str) -> Invite | None:
    """The usable invite a token names, or None for a forged, mismatched, revoked, expired or
    used-up one."""
    found = check_invite(token)
    return found if isinstance(found, Invite) else None


def removed_since(invite: Invite, user: AbstractBaseUser) -> bool:
    """Whether a facilitator removed `user` from the invite's room after the invite was
    made: such an invite no longer lets them in (a newer one does)."""
    return Removal.objects.filter(
        room_id=invite.room_id, user_id=user.pk, removed_at__gte=invite.created_at
    ).exists()


def join_through(invite: Invite, user: User) -> bool:
    """Make `user` a member with the invite's role, unless they already are one.

    Counts a use only when a membership is made, atomically against `max_uses`; returns
    False (and changes nothing) when the invite stopped being usable meanwhile, or when
    `user` was removed from the room after it was made. Call it inside a transaction to
    undo work done before it on refusal.
    """
    with transaction.atomic():
        if Membership.objects.filter(room_id=invite.room_id, user=user).exists():
            return True
        if removed_since(invite, user):
            return False
        claimed = (
            Invite.objects.filter(pk=invite.pk, revoked=False, expires_at__gt=timezone.now())
            .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
            .update(uses=F("uses") + 1)
        )
        if not claimed:
            return False
        Membership.objects.create(
            room_id=invite.room_id, user=user, role=invite.role, invite=invite
        )
        return True


def revoke_invite(invite: Invite) -> int:
    """Revoke an invite and remove everyone who joined through it and has not become a
    facilitator since; their open sockets are told at once and closed. Returns how many
    memberships were removed."""
    with transaction.atomic():
        Invite.objects.filter(pk=invite.pk).update(revoked=True)
        invite.revoked = True
        removed, _ = (
            Membership.objects.filter(invite=invite).exclude(role=Role.FACILITATOR).delete()
        )
        announce_access_changed(invite.room.slug)
    return removed
