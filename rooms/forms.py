"""Forms: sign up, create a room, join as a guest, create an invite."""

from __future__ import annotations

import re
import secrets

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.text import slugify

from rooms.models import Role, Room


class SignupForm(UserCreationForm):
    first_name = forms.CharField(
        label="Display name", max_length=60, help_text="What others see in rooms."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")


class RoomForm(forms.ModelForm):
    slug = forms.CharField(
        required=False,
        max_length=50,
        help_text="The room's address; made from the title when left empty.",
    )

    class Meta:
        model = Room
        fields = ("title", "slug", "kind", "anonymous")
        labels = {"anonymous": "Anonymous board"}

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:40]
        slug = re.sub(r"-+", "-", slug).strip("-") or "room"
        if not self.cleaned_data.get("slug"):
            while Room.objects.filter(slug=slug).exists():
                slug = f"{slug[:40]}-{secrets.token_hex(2)}"
        return slug


class GuestForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=60)

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Enter the name others will see.")
        return name


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
