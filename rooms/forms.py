"""Forms: sign up, log in, create a room, join as a guest, create an invite."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.utils.text import slugify

from rooms.models import Role, Room
from rooms.permissions import GUEST_PREFIX, NAME_MAX_LENGTH, normalise_name
from rooms.throttle import LOGIN_ACCOUNT, LOGIN_ADDRESS, client_address, retry_message


def clean_display_name(raw: str) -> str:
    """A display name normalised as every identity is, or a form error when nothing is left."""
    name = normalise_name(raw)
    if not name:
        raise forms.ValidationError("Enter the name others will see.")
    return name


class SignupForm(UserCreationForm):
    first_name = forms.CharField(
        label="Display name", max_length=NAME_MAX_LENGTH, help_text="What others see in rooms."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")

    def clean_username(self) -> str:
        username: str = super().clean_username()
        if username.lower().startswith(GUEST_PREFIX):
            raise forms.ValidationError(f"Usernames starting with “{GUEST_PREFIX}” are taken.")
        return username

    def clean_first_name(self) -> str:
        return clean_display_name(self.cleaned_data["first_name"])


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing further tries (even right ones) after too many failures
    for the account or from the address."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request is not None else ""
        wait = max(LOGIN_ACCOUNT.wait(username), LOGIN_ADDRESS.wait(address))
        if wait:
            raise forms.ValidationError(retry_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LOGIN_ACCOUNT.hit(username)
            LOGIN_ADDRESS.hit(address)
            raise
        LOGIN_ACCOUNT.reset(username)
        return cleaned


class RoomForm(forms.ModelForm):
    slug = forms.CharField(
        required=False,
        max_length=50,
        help_text="The room's address; made from the title when left empty.",
    )

    class Meta:
        model = Room
        fields = ("title", "slug", "kind", "anonymous", "record_labs")
        labels = {"anonymous": "Anonymous board", "record_labs": "Record every session"}

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:40]
        slug = re.sub(r"-+", "-", slug).strip("-") or "room"
        if not self.cleaned_data.get("slug"):
            while Room.objects.filter(slug=slug).exists():
                slug = f"{slug[:40]}-{secrets.token_hex(2)}"
        return slug


class GuestForm(forms.Form):
    display_name = forms.CharField(
        label="Your name", max_length=NAME_MAX_LENGTH, help_text="Shown with “(guest)”."
    )

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=365,
        required=False,
        initial=settings.INVITE_DAYS,
    )
    max_uses = forms.IntegerField(
        label="Most people who may join",
        min_value=1,
        required=False,
        help_text="Empty for any number.",
    )
