"""Managing a room from inside it: its invites and its settings, for facilitators.

Each endpoint answers JSON to the in-room panels (asked with `Accept: application/json` or a
JSON body) and keeps answering the plain form posts of older pages with a redirect.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rooms.forms import InviteForm, RoomSettingsForm
from rooms.invites import create_invite, invite_token, revoke_invite
from rooms.models import Invite, Room
from rooms.permissions import Access, Denied, resolve_access
from rooms.responses import json_denied, json_error

INVITERS_ONLY = gettext_lazy("Only facilitators can see, create or revoke invites.")
SETTINGS_ONLY = gettext_lazy("Only the room's facilitators can change its settings.")
INVITE_SHAPE = 'Send JSON: {"role": "participant", "days": 7, "max_uses": 10}.'
SETTINGS_SHAPE = 'Send JSON: {"title": "…", "public": true, …} with the settings to change.'


def wants_json(request: HttpRequest) -> bool:
    """Whether the request comes from a script or panel that reads JSON answers."""
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def facilitating(
    request: HttpRequest,
    slug: str,
    allowed: Callable[[Access], bool],
    refusal: Promise,
    as_json: bool,
) -> Access | HttpResponse:
    """The access of someone `allowed` to do this in room `slug`, or the refusal (a lazy
    sentence, said in the request's language): a JSON error `as_json`, else the log-in page
    for visitors and the 403 page for others."""
    if not request.user.is_authenticated and not as_json:
        return redirect_to_login(request.get_full_path())
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        if as_json:
            return json_denied(denied)
        if denied.reason == "not_found":
            raise Http404("There is no such room.") from None
        raise PermissionDenied(refusal) from None
    if not allowed(access):
        if as_json:
            return json_error(str(refusal), 403)
        raise PermissionDenied(refusal)
    return access


def may_invite(access: Access) -> bool:
    return access.can_invite


def may_change_settings(access: Access) -> bool:
    return access.can_change_settings


def read_body(request: HttpRequest, shape: str) -> dict[str, Any] | JsonResponse:
    """The request's JSON object, or a 400 saying what to send."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return json_error(shape, 400)
    return body if isinstance(body, dict) else json_error(shape, 400)


def form_error(form: InviteForm | RoomSettingsForm) -> JsonResponse:
    """A refused form as JSON: the first problem as `error`, every one by field in `fields`."""
    fields = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
    name, problems = next(iter(fields.items()))
    first = (
        # Translators: a refused form field's label, then what is wrong with its value.
        gettext("{field}: {problem}").format(field=form[name].label, problem=problems[0])
        if name in form.fields
        else problems[0]
    )
    return JsonResponse({"error": first, "fields": fields}, status=400)


def invite_link(request: HttpRequest, invite: Invite) -> str:
    return request.build_absolute_uri(reverse("accept_invite", args=[invite_token(invite)]))


def invite_json(request: HttpRequest, invite: Invite) -> dict[str, Any]:
    """An invite as the invite panel shows it."""
    return {
        "id": invite.pk,
        "role": invite.role,
        "roleLabel": invite.get_role_display(),
        "uses": invite.uses,
        "maxUses": invite.max_uses,
        "expiresAt": invite.expires_at.isoformat(),
        "url": invite_link(request, invite),
        "revokeUrl": reverse("revoke_invite", args=[invite.room.slug, invite.pk]),
    }


def open_invites(room: Room) -> list[Invite]:
    """The room's usable invites, newest first."""
    return [invite for invite in room.invites.filter(revoked=False) if invite.is_usable]


@require_safe
def invites(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator's list of the room's usable invites with their links."""
    access = facilitating(request, slug, may_invite, INVITERS_ONLY, as_json=True)
    if isinstance(access, HttpResponse):
        return access
    found = [invite_json(request, invite) for invite in open_invites(access.room)]
    return JsonResponse(found, safe=False)


@require_POST
def create_invite_link(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator makes an invite link for a role (the form's fields, or the same as JSON);
    JSON is answered with the invite (201)."""
    access = facilitating(request, slug, may_invite, INVITERS_ONLY, wants_json(request))
    if isinstance(access, HttpResponse):
        return access
    as_json = wants_json(request)
    data: Any = request.POST
    if request.content_type == "application/json":
        data = read_body(request, INVITE_SHAPE)
        if isinstance(data, JsonResponse):
            return data
    form = InviteForm(data)
    if not form.is_valid():
        if as_json:
            return form_error(form)
        messages.error(request, gettext("Choose a role, how many days and how many people."))
        return redirect("room", slug)
    chosen = form.cleaned_data
    assert isinstance(request.user, User)
    invite, _ = create_invite(
        access.room,
        chosen["role"],
        request.user,
        days=chosen["days"],
        max_uses=chosen["max_uses"],
    )
    if as_json:
        return JsonResponse(invite_json(request, invite), status=201)
    # The role in lower case, as a word inside the sentence: "Invite link (participant): …".
    role = invite.get_role_display().lower()
    # Translators: {role} is the invite's role in lower case (participant), {link} its URL.
    link = gettext("Invite link ({role}): {link}").format(
        role=role, link=invite_link(request, invite)
    )
    messages.success(request, link)
    return redirect("room", slug)


@require_POST
def revoke_invite_link(request: HttpRequest, slug: str, invite_id: int) -> HttpResponse:
    """A facilitator revokes an invite: it stops working, and the people who joined through
    it (unless facilitators now) leave the room at once. JSON is answered with how many left."""
    access = facilitating(request, slug, may_invite, INVITERS_ONLY, wants_json(request))
    if isinstance(access, HttpResponse):
        return access
    invite = Invite.objects.filter(pk=invite_id, room=access.room).first()
    if invite is None:
        if wants_json(request):
            return json_error(gettext("There is no such invite in this room."), 404)
        raise Http404("There is no such invite in this room.")
    removed = revoke_invite(invite)
    if wants_json(request):
        return JsonResponse({"id": invite.pk, "removed": removed})
    revoked = ngettext(
        "Invite revoked; {count} person who joined through it left the room.",
        "Invite revoked; {count} people who joined through it left the room.",
        removed,
    )
    messages.success(request, revoked.format(count=removed))
    return redirect("room", slug)


def settings_json(form: RoomSettingsForm) -> dict[str, Any]:
    """The room's settings that `form` edits, by field name."""
    return {name: form.initial.get(name) for name in form.fields}


def settings_form(room: Room, data: dict[str, Any] | None = None) -> RoomSettingsForm:
    """The settings form of `room`, for the in-room dialog (its ids apart from other forms on
    the page), bound to `data` over the room's current settings when given."""
    current = RoomSettingsForm(instance=room, auto_id="room-settings-%s")
    if data is None:
        return current
    return RoomSettingsForm(
        {**settings_json(current), **data}, instance=room, auto_id="room-settings-%s"
    )


def json_type(field: forms.Field) -> tuple[type, str]:
    """The JSON type a settings field is sent as, and its name for people."""
    if isinstance(field, forms.BooleanField):
        return bool, "true or false"
    if isinstance(field, forms.MultipleChoiceField):
        return list, "a list of strings"
    return str, "a string"


def mistyped(form: RoomSettingsForm, body: dict[str, Any]) -> str:
    """Why a value of `body` has the wrong JSON type for its field; "" when none has."""
    for name, value in body.items():
        kind, shown = json_type(form.fields[name])
        items = value if isinstance(value, list) else []
        if not isinstance(value, kind) or not all(isinstance(item, str) for item in items):
            return f"Send {name} as {shown}."
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def room_settings_json(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator reads the room's settings, or changes some of them with a JSON object of
    the settings page's fields (those left out keep their values); answered with them all."""
    access = facilitating(request, slug, may_change_settings, SETTINGS_ONLY, as_json=True)
    if isinstance(access, HttpResponse):
        return access
    if request.method != "POST":
        return JsonResponse(settings_json(settings_form(access.room)))
    body = read_body(request, SETTINGS_SHAPE)
    if isinstance(body, JsonResponse):
        return body
    form = settings_form(access.room, body)
    unknown = sorted(set(body) - set(form.fields))
    if unknown:
        return json_error(f"These are not settings of this room: {', '.join(unknown)}.", 400)
    wrong = mistyped(form, body)
    if wrong:
        return json_error(wrong, 400)
    if not form.is_valid():
        return form_error(form)
    form.save()
    return JsonResponse(settings_json(settings_form(access.room)))
