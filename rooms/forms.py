"""Forms: sign up, log in, change one's password, create a room and change its settings, join
as a guest, create an invite, schedule a session, filter the directory."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rooms.models import Role, Room
from rooms.permissions import GUEST_PREFIX, NAME_MAX_LENGTH, normalise_name
from rooms.throttle import LOGIN_ACCOUNT, LOGIN_ADDRESS, client_address, retry_message
from rooms.vocabulary import DISCIPLINES, LANGUAGES, RHYTHMS


def clean_display_name(raw: str) -> str:
    """A display name normalised as every identity is, or a form error when nothing is left."""
    name = normalise_name(raw)
    if not name:
        raise forms.ValidationError(gettext("Enter the name others will see."))
    return name


#: Django's words on passwords and usernames, in this project's catalogs too (Django's own lack
#: some in Croatian and Portuguese).
PASSWORD_MISMATCH = _("The two password fields didn’t match.")
USERNAME_RULE = _("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.")
USERNAME_INVALID = _(
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
    "characters."
)


class SignupForm(UserCreationForm):
    error_messages = {**UserCreationForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}
    first_name = forms.CharField(
        label=_("Display name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What others see in rooms."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")
        help_texts = {"username": USERNAME_RULE}
        error_messages = {"username": {"invalid": USERNAME_INVALID}}

    def clean_username(self) -> str:
        username: str = super().clean_username()
        if username.lower().startswith(GUEST_PREFIX):
            raise forms.ValidationError(
                gettext("Usernames starting with “{prefix}” are taken.").format(prefix=GUEST_PREFIX)
            )
        return username

    def clean_first_name(self) -> str:
        return clean_display_name(self.cleaned_data["first_name"])


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing further tries (even right ones) after too many failures
    for the account or from the address."""

    error_messages = {
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Note that both fields may be "
            "case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }

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


class PasswordForm(PasswordChangeForm):
    """Django's form to change one's password, its refusals in this project's catalogs."""

    error_messages = {
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _(
            "Your old password was entered incorrectly. Please enter it again."
        ),
    }


class RoomSettingsForm(forms.ModelForm):
    """What a facilitator may change of a room: its title, its board's anonymity, how it is
    listed, and (a lab's) whether every session is recorded."""

    language = forms.ChoiceField(
        # Translators: the room's language, when none is chosen.
        choices=[("", _("Not set")), *LANGUAGES],
        required=False,
        label=_("Language"),
        help_text=_("The language the room is held in."),
    )
    disciplines = forms.MultipleChoiceField(
        choices=DISCIPLINES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Disciplines"),
    )

    class Meta:
        model = Room
        fields: tuple[str, ...] = (
            "title",
            "anonymous",
            "record_labs",
            "public",
            "language",
            "disciplines",
        )
        labels = {
            # Translators: the title of a room.
            "title": _("Title"),
            # Translators: what a room is: a co-working room or an ideation lab.
            "kind": _("Kind"),
            "anonymous": _("Anonymous board"),
            "record_labs": _("Record every session"),
            "public": _("List it in the directory"),
        }
        help_texts = {
            "public": _(
                "Anyone signed in finds it under Rooms; co-working rooms take people "
                "who drop in, labs still need an invite."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind == Room.Kind.COWORKING:
            del self.fields["record_labs"]  # a co-working room has no lab sessions to record

    def clean_title(self) -> str:
        title = normalise_name(self.cleaned_data["title"], limit=120)
        if not title:
            raise forms.ValidationError(gettext("Give the room a title."))
        return title


class RoomForm(RoomSettingsForm):
    slug = forms.CharField(
        required=False,
        max_length=50,
        # Translators: the room's address (the last part of its URL).
        label=_("Slug"),
        help_text=_("The room's address; made from the title when left empty."),
    )

    class Meta(RoomSettingsForm.Meta):
        fields = (
            "title",
            "slug",
            "kind",
            "anonymous",
            "record_labs",
            "public",
            "language",
            "disciplines",
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:40]
        slug = re.sub(r"-+", "-", slug).strip("-") or "room"
        if not self.cleaned_data.get("slug"):
            while Room.objects.filter(slug=slug).exists():
                slug = f"{slug[:40]}-{secrets.token_hex(2)}"
        return slug


class GuestForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        # Translators: “(guest)” as pages show it after a guest's name (“{name} (guest)”).
        help_text=_("Shown with “(guest)”."),
    )

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])


class InviteForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=365,
        required=False,
        initial=settings.INVITE_DAYS,
    )
    max_uses = forms.IntegerField(
        label=_("Most people who may join"),
        min_value=1,
        required=False,
        help_text=_("Empty for any number."),
    )


#: The rhythms a session is scheduled with: "50/10" and so on, or "custom".
CUSTOM_RHYTHM = "custom"
RHYTHM_CHOICES = [
    *(
        (
            f"{work}/{rest}",
            format_lazy(_("{work} min focus / {rest} min break"), work=work, rest=rest),
        )
        for work, rest in RHYTHMS
    ),
    # Translators: a focus rhythm of one's own minutes (of focus and of break).
    (CUSTOM_RHYTHM, _("Custom")),
]


class SessionForm(forms.Form):
    """A session to schedule: its start is read in the facilitator's time zone `zone`."""

    # Translators: the title of a scheduled session.
    title = forms.CharField(label=_("Title"), max_length=120)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=480, initial=60
    )
    rhythm = forms.ChoiceField(label=_("Focus rhythm"), choices=RHYTHM_CHOICES, initial="50/10")
    work_minutes = forms.IntegerField(
        label=_("Custom focus minutes"), min_value=5, max_value=240, required=False
    )
    break_minutes = forms.IntegerField(
        label=_("Custom break minutes"), min_value=1, max_value=60, required=False
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].help_text = gettext("In your time zone, {zone}.").format(zone=zone.key)

    def clean_title(self) -> str:
        title = normalise_name(self.cleaned_data["title"], limit=120)
        if not title:
            raise forms.ValidationError(gettext("Give the session a title."))
        return title

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start, rhythm = cleaned.get("date"), cleaned.get("time"), cleaned.get("rhythm")
        if day is not None and start is not None:
            starts_at = datetime.combine(day, start, tzinfo=self.zone)
            if starts_at < timezone.now():
                self.add_error("time", gettext("That time has passed: choose a time to come."))
            cleaned["starts_at"] = starts_at
        if rhythm == CUSTOM_RHYTHM:
            for name in ("work_minutes", "break_minutes"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, gettext("Give the minutes of a custom rhythm."))
        elif rhythm:
            work, rest = rhythm.split("/")
            cleaned["work_minutes"], cleaned["break_minutes"] = int(work), int(rest)
        return cleaned


class DirectoryFilter(forms.Form):
    """The directory's filters (a GET form): kind, language, discipline."""

    kind = forms.ChoiceField(
        # Translators: what a room is: a co-working room or an ideation lab.
        label=_("Kind"),
        choices=[("", _("Any kind")), *Room.Kind.choices],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *LANGUAGES], required=False
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"), choices=[("", _("Any discipline")), *DISCIPLINES], required=False
    )
