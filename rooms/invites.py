"""Signed invite tokens: each names an `Invite` row and the role it grants."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import signing

from rooms.models import Invite, Role, Room

SALT = "rooms.invite"


def create_invite(
    room: Room, role: Role | str, created_by: User | None = None
) -> tuple[Invite, str]:
    """Create an invite and return it with its token."""
    invite = Invite.objects.create(room=room, role=Role(role), created_by=created_by)
    return invite, invite_token(invite)


def invite_token(invite: Invite) -> str:
    return signing.dumps({"i": invite.pk, "r": invite.role}, salt=SALT, compress=True)


def load_invite(token: str) -> Invite | None:
    """The live invite a token names, or None for a forged, revoked or mismatched one."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        return None
    invite = Invite.objects.select_related("room").filter(pk=payload["i"]).first()
    if invite is None or invite.revoked or invite.role != payload.get("r"):
        return None
    return invite
