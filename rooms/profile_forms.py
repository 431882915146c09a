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
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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
            gettext("“{link}” is not a web address (http:// or https://).").format(link=value[:80])
        ) from error
    if len(value) > 500:
        raise ValidationError(gettext("Each link may have at most 500 characters."))
    return value


class ProfileForm(forms.ModelForm):
    """What the profile page shows, and who may see it."""

    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines"),
        choices=DISCIPLINES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            _("One web address a line, up to {count}: your portfolio, shop, music."),
            count=MAX_LINKS,
        ),
    )
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=_("A PNG, JPEG or WebP image; it is cropped to a square."),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my profile picture"), required=False)

    class Meta:
        model = Profile
        fields = ("disciplines", "city", "country", "languages", "bio", "links", "visibility")
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 600}),
            "visibility": forms.RadioSelect,
        }
        labels = {
            # Translators: the city a person lives or works in.
            "city": _("City"),
            "country": _("Country"),
            "bio": _("About you"),
            "visibility": _("Who may see your profile"),
        }
        help_texts = {"bio": _("Up to 600 characters.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["links"] = "\n".join(self.instance.links)
        if not self.instance.avatar:
            del self.fields["remove_avatar"]

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(
                ngettext(
                    "Add at most {count} link.", "Add at most {count} links.", MAX_LINKS
                ).format(count=MAX_LINKS)
            )
        return [clean_link(link) for link in links]

    def clean_avatar(self) -> UploadedFile | None:
        return checked_image(self.cleaned_data.get("avatar"))


class WorkForm(forms.ModelForm):
    """A new work of the showcase: a picture, a title and where to see more."""

    link = forms.CharField(label=_("Link (optional)"), required=False, max_length=500)
    image = forms.FileField(
        label=_("Picture"),
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=_("A PNG, JPEG or WebP image; large ones are shrunk to 1200 pixels."),
    )

    class Meta:
        model = Work
        fields = ("title", "link")
        # Translators: the title of a work of a person's showcase.
        labels = {"title": _("Title")}

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
                ngettext(
                    "Your showcase is full: it holds {count} work. Remove one first.",
                    "Your showcase is full: it holds {count} works. Remove one first.",
                    SHOWCASE_SIZE,
                ).format(count=SHOWCASE_SIZE)
            )
        return super().clean() or {}


class NameForm(forms.ModelForm):
    """The name other people see."""

    first_name = forms.CharField(
        label=_("Display name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What others see in rooms and on your profile."),
    )

    class Meta:
        model = User
        fields = ("first_name",)

    def clean_first_name(self) -> str:
        return clean_display_name(self.cleaned_data["first_name"])


class SettingsForm(forms.ModelForm):
    """The language pages are shown in, and the time zone times are shown in."""

    language = forms.ChoiceField(
        label=_("Language"),
        # Translators: the page language chosen when none is: the browser's own.
        choices=[("", _("The one my browser asks for")), *settings.LANGUAGES],
        required=False,
        widget=LanguageSelect,
        help_text=_("Pages are shown in it wherever you sign in."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone.replace("_", " ")) for zone in time_zones()],
        help_text=_("Times on your pages are shown in it."),
    )

    class Meta:
        model = Profile
        fields = ("language", "time_zone")


class DeleteAccountForm(forms.Form):
    """Deleting an account needs its password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(gettext("That is not your password."))
        return password
