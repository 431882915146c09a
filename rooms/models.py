"""Rooms people meet in, who belongs to them, and the invites that let people in."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?"


class Role(models.TextChoices):
    """What a member may do; the abilities of each role live in `rooms.permissions`."""

    # Translators: a role in a room: the person who runs it.
    FACILITATOR = "facilitator", _("Facilitator")
    # Translators: a role in a room: someone who takes part (writes on the board, chats).
    PARTICIPANT = "participant", _("Participant")
    # Translators: a role in a room: someone who watches but does not take part.
    OBSERVER = "observer", _("Observer")


class Room(models.Model):
    """A co-working room or an ideation lab, with its own board and chat."""

    class Kind(models.TextChoices):
        COWORKING = "coworking", _("Co-working room")
        LAB = "lab", _("Ideation lab")

    slug = models.CharField(
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(
                f"^{SLUG_PATTERN}$",
                _("Use 1-50 lowercase letters, digits and inner hyphens."),
            )
        ],
    )
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COWORKING)
    anonymous = models.BooleanField(
        default=False,
        help_text=_("Hide who wrote what on the board: new objects carry no author name."),
    )
    record_labs = models.BooleanField(
        default=False,
        help_text=_("Record every session of this lab from its first phase to its last."),
    )
    public = models.BooleanField(
        default=False,
        help_text=_("in the directory; anyone signed in may drop in (else invite only)"),
    )
    language = models.CharField(
        max_length=8, blank=True, help_text=_("the language the room is held in (ISO 639-1)")
    )
    disciplines = models.JSONField(
        default=list, blank=True, help_text="codes from `rooms.vocabulary.DISCIPLINES`"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"


class Membership(models.Model):
    """A person's role in one room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    joined_at = models.DateTimeField(auto_now_add=True)
    invite = models.ForeignKey(
        "Invite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        help_text=_("the invite this person joined through; revoking it removes them"),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_membership")]
        ordering = ["room", "joined_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.room.slug} as {self.role}"


class Removal(models.Model):
    """A facilitator removed this person from the room: invites made before `removed_at`
    no longer let them in, so they come back only through a new one."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="removals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_removal")]

    def __str__(self) -> str:
        return f"{self.user} removed from {self.room.slug}"


def invite_expiry() -> datetime:
    """When a new invite stops working unless told otherwise: `INVITE_DAYS` from now."""
    return timezone.now() + timedelta(days=settings.INVITE_DAYS)


class Invite(models.Model):
    """An invite link: its signed token names this row and the role it grants.

    It works until it is revoked, expires, or has been accepted `max_uses` times.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(default=invite_expiry)
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("how many people may join through it; empty for any")
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.role} invite to {self.room.slug}"

    @property
    def is_usable(self) -> bool:
        """Neither revoked, nor expired, nor used up."""
        return (
            not self.revoked
            and self.expires_at > timezone.now()
            and (self.max_uses is None or self.uses < self.max_uses)
        )


class MediaFile(models.Model):
    """An image uploaded for a room's board, stored at `rooms/<slug>/<name>` when uploaded.

    It lives in `rooms`, not `boards`: it belongs to the room and is read and written under
    the room's access rules, while the board document only refers to it by URL.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="media")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=40, unique=True, help_text="<32 hex digits>.<extension>")
    path = models.CharField(max_length=200, help_text="where the file is in the default storage")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(help_text="bytes")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.room.slug}/{self.name}"


class Recording(models.Model):
    """A recorded session: a window of server time over the logs of the room's board, chat
    and room documents (which keep every update with its author and time); it copies none
    of them. `ended_ms` is empty while it records."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="recordings")
    title = models.CharField(max_length=120)
    started_ms = models.BigIntegerField(help_text="server time, ms since the epoch")
    ended_ms = models.BigIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(
        default=False, help_text=_("started by the lab's first phase, stopped after its last")
    )
    phases = models.JSONField(
        null=True,
        blank=True,
        help_text="the titles of the lab's phases it went through, in order; written by "
        "playback when it ends (null until then)",
    )

    class Meta:
        ordering = ["-started_ms"]
        indexes = [models.Index(fields=["room", "-started_ms"], name="recordings_of_room")]

    def __str__(self) -> str:
        return f"{self.title} ({self.room.slug})"


class RecordingPresence(models.Model):
    """Who was in the room at one second of a recording: a row per person whenever the
    people present changed (sampled at most once a second)."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="presence")
    second = models.BigIntegerField(help_text="server time, seconds since the epoch")
    identity = models.CharField(max_length=80)
    name = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "second", "identity"], name="one_presence_sample"
            )
        ]
        ordering = ["recording", "second"]

    def __str__(self) -> str:
        return f"{self.name} at {self.second} in {self.recording_id}"


def calendar_token() -> str:
    """The secret in a person's calendar feed URL."""
    return secrets.token_urlsafe(24)


class Profile(models.Model):
    """What a person shows of themselves, and their own settings (language, time zone)."""

    class Visibility(models.TextChoices):
        SIGNED_IN = "signed_in", _("Everyone signed in")
        SHARED_ROOMS = "shared_rooms", _("People in rooms I am in")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    avatar = models.CharField(
        max_length=200, blank=True, help_text="the resized avatar's path in the default storage"
    )
    disciplines = models.JSONField(
        default=list, blank=True, help_text="codes from `rooms.vocabulary.DISCIPLINES`"
    )
    city = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=80, blank=True)
    languages = models.JSONField(
        default=list, blank=True, help_text="codes from `rooms.vocabulary.LANGUAGES`"
    )
    bio = models.TextField(max_length=600, blank=True)
    links = models.JSONField(default=list, blank=True, help_text="up to five http(s) URLs")
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.SIGNED_IN
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text=_("the language pages are shown in; empty: the browser's"),
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    calendar_token = models.CharField(max_length=64, unique=True, default=calendar_token)

    def __str__(self) -> str:
        return f"profile of {self.user}"


class Work(models.Model):
    """One work of a person's showcase (at most `SHOWCASE_SIZE`)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="works")
    title = models.CharField(max_length=120)
    link = models.URLField(blank=True, max_length=500)
    image = models.CharField(max_length=200, help_text="the image's path in the default storage")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["profile", "position", "created_at"]

    def __str__(self) -> str:
        return self.title


class ScheduledSession(models.Model):
    """A session on a room's calendar: when it starts, how long it lasts, its focus rhythm."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(help_text=_("how long it lasts"))
    work_minutes = models.PositiveSmallIntegerField(default=50)
    break_minutes = models.PositiveSmallIntegerField(default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["room", "starts_at"], name="sessions_of_room")]

    def __str__(self) -> str:
        return f"{self.title} ({self.room.slug}, {self.starts_at:%Y-%m-%d %H:%M})"


class FocusEntry(models.Model):
    """A person's stay at a desk of a co-working room: from the goal they stated to when
    they left, with the minutes they spent in focus and whether they got it done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focus_entries"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="focus_entries"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    goal = models.CharField(max_length=280, blank=True)
    done = models.BooleanField(null=True, blank=True)
    focus_ms = models.BigIntegerField(default=0, help_text="time in focus status, ms")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="focus_of_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.room_id} from {self.started_at:%Y-%m-%d %H:%M}"


class Activity(models.Model):
    """A public event for the home page's feed of what people you have worked with do."""

    class Verb(models.TextChoices):
        # Translators: the kinds of events of the home page's activity feed, as the
        # administration lists them ("Ana dropped into Studio Hours").
        DROPPED_IN = "dropped_in", _("dropped into")
        # Translators: an activity feed event: someone checked off their goal as done.
        GOAL_DONE = "goal_done", _("got done")
        # Translators: an activity feed event: someone scheduled a session.
        SESSION = "session", _("scheduled")
        # Translators: an activity feed event: someone recorded a session.
        RECORDING = "recording", _("recorded")
        # Translators: an activity feed event: someone added a work to their showcase.
        WORK = "work", _("added a work")
        # Translators: an activity feed event: someone joined a room.
        JOINED = "joined", _("joined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    verb = models.CharField(max_length=16, choices=Verb.choices)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    text = models.CharField(max_length=280, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["-at"], name="activity_by_time")]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.user} {self.verb} {self.text}"


def profile_of(user: AbstractBaseUser) -> Profile:
    """The profile of `user`, made empty the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user_id=user.pk)
    return profile
