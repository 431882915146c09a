"""Forms of a person's profile and account: what they show, their showcase, their name,
language and time zone, and the confirmation that deletes their account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator

from rooms.forms import clean_display_name
from rooms.languages import LanguageSelect
from rooms.media import MediaError, inspect_image
from rooms.models import Profile, Work
from rooms.permissions import NAME_MAX_LENGTH
from rooms.vocabulary import DISCIPLINES, LANGUAGES, time_zones

MAX_LINKS = 5
SHOWCASE_SIZE = 6
IMAGE_TYPES = "image/png,image/jpeg,image/webp"
LINK = URLValidator(schemes=["http", "https"])


def checked_image(upload: UploadedFile | None) -> UploadedFile | None:
    """`upload` if it is an image the site takes (as board images are checked), else a form
    error with the reason."""
    if upload is None:
        return None
    try:
        inspect_image(upload)
    except MediaError as error:
        raise ValidationError(error.message) from error
    return upload


def clean_link(value: str) -> str:
    """An http(s) URL of at most 500 characters, or a form error that quotes it."""
    try:
        LINK(value)
    except ValidationError as error:
        raise ValidationError(
            f"“{value[:80]}” is not a web address (http:// or https://)."
        ) from error
    if len(value) > 500:
        raise ValidationError("Each link may have at most 500 characters.")
    return value


class ProfileForm(forms.ModelForm):
    """What the profile page shows, and who may see it."""

    disciplines = forms.MultipleChoiceField(
        choices=DISCIPLINES, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label="Languages you speak",
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One web address a line, up to {MAX_LINKS}: your portfolio, shop, music.",
    )
    avatar = forms.FileField(
        label="Profile picture",
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text="A PNG, JPEG or WebP image; it is cropped to a square.",
    )
    remove_avatar = forms.BooleanField(label="Remove my profile picture", required=False)

    class Meta:
        model = Profile
        fields = ("disciplines", "city", "country", "languages", "bio", "links", "visibility")
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 600}),
            "visibility": forms.RadioSelect,
        }
        labels = {"bio": "About you", "visibility": "Who may see your profile"}
        help_texts = {"bio": "Up to 600 characters."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["links"] = "\n".join(self.instance.links)
        if not self.instance.avatar:
            del self.fields["remove_avatar"]

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(f"Add at most {MAX_LINKS} links.")
        return [clean_link(link) for link in links]

    def clean_avatar(self) -> UploadedFile | None:
        return checked_image(self.cleaned_data.get("avatar"))


class WorkForm(forms.ModelForm):
    """A new work of the showcase: a picture, a title and where to see more."""

    link = forms.CharField(label="Link (optional)", required=False, max_length=500)
    image = forms.FileField(
        label="Picture",
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text="A PNG, JPEG or WebP image; large ones are shrunk to 1200 pixels.",
    )

    class Meta:
        model = Work
        fields = ("title", "link")

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_link(self) -> str:
        link: str = self.cleaned_data["link"]
        return clean_link(link) if link else ""

    def clean_image(self) -> UploadedFile | None:
        return checked_image(self.cleaned_data.get("image"))

    def clean(self) -> dict[str, Any]:
        if self.profile.works.count() >= SHOWCASE_SIZE:
            raise ValidationError(
                f"Your showcase is full: it holds {SHOWCASE_SIZE} works. Remove one first."
            )
        return super().clean() or {}


class NameForm(forms.ModelForm):
    """The name other people see."""

    first_name = forms.CharField(
        label="Display name",
        max_length=NAME_MAX_LENGTH,
        help_text="What others see in rooms and on your profile.",
    )

    class Meta:
        model = User
        fields = ("first_name",)

    def clean_first_name(self) -> str:
        return clean_display_name(self.cleaned_data["first_name"])


class SettingsForm(forms.ModelForm):
    """The language pages are shown in, and the time zone times are shown in."""

    language = forms.ChoiceField(
        choices=[("", "The one my browser asks for"), *settings.LANGUAGES],
        required=False,
        widget=LanguageSelect,
        help_text="Pages are shown in it wherever you sign in.",
    )
    time_zone = forms.ChoiceField(
        choices=[(zone, zone.replace("_", " ")) for zone in time_zones()],
        help_text="Times on your pages are shown in it.",
    )

    class Meta:
        model = Profile
        fields = ("language", "time_zone")


class DeleteAccountForm(forms.Form):
    """Deleting an account needs its password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.")
        return password
