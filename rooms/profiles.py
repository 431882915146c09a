"""Profiles as other people see them: who may look at whose, and the card shown from every
presence list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from rooms.models import Membership, Profile
from rooms.permissions import GUEST_MARK, GUEST_NAME, display_name
from rooms.vocabulary import DISCIPLINES, LANGUAGES, labels

#: Where a profile's images are served: `/people/media/<file name>`.
MEDIA_PREFIX = "/people/media/"
#: The name shown for what a deleted account wrote (chat, board objects, recordings). Kept as
#: it is, in English, in the documents and recordings everyone reads; pages show it in their
#: reader's language (`shown_name`).
# Translators: the name shown for what someone whose account was deleted wrote in a room.
FORMER_MEMBER = gettext_noop("Former member")


def shown_name(name: str) -> str:
    """A name as kept in documents, presence or recordings, as a page shows it: the names the
    server gives (`GUEST_NAME`, `FORMER_MEMBER`) and a guest's mark in the active language,
    others as they are (the browser does the same: `frontend/src/names.js`)."""
    if name in (GUEST_NAME, FORMER_MEMBER):
        return gettext(name)
    mark = f" {GUEST_MARK}"
    if name.endswith(mark) and len(name) > len(mark):
        # Translators: a guest's name (someone who joined through an invite without an account)
        return gettext("{name} (guest)").format(name=name.removesuffix(mark))
    return name


def initials(name: str) -> str:
    """Up to two initials of a display name, for someone without a picture: of its first two
    words that begin with a letter (a guest's "(guest)" is not one), or "?"."""
    words = [word for word in name.split() if word[0].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def can_see_profile(viewer: AbstractBaseUser | AnonymousUser, user: AbstractBaseUser) -> bool:
    """Whether `viewer` may look at `user`'s profile: anyone signed in, unless `user` shows
    it only to the people of rooms they share; a person always sees their own."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == user.pk:
        return True
    profile = Profile.objects.filter(user_id=user.pk).only("visibility").first()
    if profile is None or profile.visibility == Profile.Visibility.SIGNED_IN:
        return True
    theirs = Membership.objects.filter(user_id=user.pk).values("room_id")
    return Membership.objects.filter(user_id=viewer.pk, room_id__in=theirs).exists()


def image_url(path: str) -> str | None:
    """The URL a stored profile image (avatar or work) is served at, or None for none."""
    return f"{MEDIA_PREFIX}{path.rsplit('/', 1)[-1]}" if path else None


def place(profile: Profile | None) -> str:
    """ "City, Country" as far as the profile says."""
    if profile is None:
        return ""
    return ", ".join(part for part in (profile.city, profile.country) if part)


def card(user: User) -> dict[str, Any]:
    """What the profile card shows of `user`: id, username, name, avatar URL, disciplines and
    languages (labels), place, a short bio, and the profile page's URL."""
    profile = Profile.objects.filter(user_id=user.pk).first()
    return {
        "id": f"u{user.pk}",
        "username": user.get_username(),
        "name": display_name(user),
        "avatar": image_url(profile.avatar) if profile else None,
        "disciplines": labels(DISCIPLINES, profile.disciplines) if profile else [],
        "languages": labels(LANGUAGES, profile.languages) if profile else [],
        "place": place(profile),
        "bio": profile.bio[:200] if profile else "",
        "url": reverse("profile", args=[user.get_username()]),
    }
