"""Pages: lobby, room, invites, accounts."""

from __future__ import annotations

import json
import secrets
import time

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from rooms.activity import feed
from rooms.directory import listings, public_rooms
from rooms.forms import GuestForm, InviteForm, LoginForm, RoomForm, SignupForm
from rooms.invites import InviteProblem, check_invite, join_through, removed_since
from rooms.manage import invite_link, open_invites, settings_form
from rooms.media import (
    NAME,
    MediaError,
    copy_image,
    image_response,
    media_url,
    parse_media_url,
    store_image,
)
from rooms.models import Invite, Membership, Role, Room, profile_of
from rooms.people import PeopleError, change_role, members, read_change, remove
from rooms.permissions import NOT_A_MEMBER, Denied, resolve_access, room_access
from rooms.recordings import is_recording, recent_recordings, room_recordings
from rooms.responses import json_denied, json_error
from rooms.sessions import sessions_of_member, upcoming, zone_of
from rooms.throttle import (
    GUEST_ADDRESS,
    GUEST_JOINS,
    SIGN_UPS,
    SIGNUP_ADDRESS,
    client_address,
    retry_message,
)

#: Why an invite link did not let someone in, and what they can do about it.
INVITE_PROBLEMS = {
    InviteProblem.INVALID: _(
        "This link is not a valid invite: it may be cut short or mistyped, or its room was "
        "deleted. Copy the whole link again, or ask the facilitator for a new one."
    ),
    InviteProblem.EXPIRED: _(
        "This invite expired. Invites work for a limited number of days: ask the facilitator "
        "who sent it for a new one."
    ),
    InviteProblem.REVOKED: _(
        "A facilitator revoked this invite, so it lets nobody in any more. If you were meant "
        "to join, ask them for a new one."
    ),
    InviteProblem.USED_UP: _(
        "As many people as this invite admits have joined already. Ask the facilitator for a "
        "new one."
    ),
}
REMOVED = _(
    "A facilitator removed you from this room, so this invite link no longer lets you in. "
    "Ask for a new one."
)


def safe_next(request: HttpRequest) -> str:
    """The `next` URL of a request when it stays on this site (same host, and HTTPS when the
    request came by HTTPS); "" otherwise. Every view that follows `next` reads it here."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


class SafeNextMixin(auth_views.RedirectURLMixin):
    """Django's account views, following `next` only through `safe_next`."""

    request: HttpRequest

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        return safe_next(request or self.request)


class LoginView(SafeNextMixin, auth_views.LoginView):
    """Log in, with failed attempts throttled per account and per address."""

    authentication_form = LoginForm


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    """Log out (POST), then go to `next` or the log-in page."""


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a request that `login_required` let through."""
    assert isinstance(request.user, User)
    return request.user


def lobby(request: HttpRequest) -> HttpResponse:
    """Your rooms and their recent recordings, and a form to open a new one (you become
    its facilitator); the front door for visitors who are not signed in."""
    if not request.user.is_authenticated:
        return landing(request)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            room = form.save(commit=False)
            room.created_by = signed_in(request)
            room.save()
            Membership.objects.create(room=room, user=signed_in(request), role=Role.FACILITATOR)
        return redirect("room", room.slug)
    return lobby_page(request, form)


def landing(request: HttpRequest) -> HttpResponse:
    """The front door: what the service is and who it is for, how to sign up or log in, and
    the public rooms people are in now."""
    live = [listing for listing in listings(None, public_rooms()) if listing.people]
    return render(request, "landing.html", {"live": live})


def lobby_page(
    request: HttpRequest, form: RoomForm | None = None, import_error: str = "", status: int = 200
) -> HttpResponse:
    """The home page of the signed-in person: rooms with people in them now (public ones and
    theirs), their next sessions and calendar feed, their rooms, recent recordings, what the
    people they work with did, the form that creates a room (`form`, bound when it was sent)
    and the one that imports a recording (with why an import was refused, `import_error`)."""
    user = signed_in(request)
    memberships = Membership.objects.filter(user=user).select_related("room")
    rooms = {room.pk: room for room in public_rooms()}
    rooms.update((membership.room_id, membership.room) for membership in memberships)
    token = profile_of(user).calendar_token
    context = {
        "live": [listing for listing in listings(user, rooms.values()) if listing.people],
        "sessions": upcoming(sessions_of_member(user)),
        "zone": zone_of(user).key,
        "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[token])),
        "memberships": memberships,
        "activities": feed(user),
        "recordings": recent_recordings(user.pk),
        "form": form or RoomForm(),
        "import_error": import_error,
    }
    return render(request, "lobby.html", context, status=status)


@login_required
def room(request: HttpRequest, slug: str) -> HttpResponse:
    """The live room: a lab's board, chat and presence, and the room's recordings, or a
    co-working room's desks, focus rhythm and chat. While the room records, the page first
    says so, and connects only once the person chooses to enter."""
    found = get_object_or_404(Room, slug=slug)
    access = room_access(request.user, found)
    if access is None:
        raise PermissionDenied(NOT_A_MEMBER)
    config = {
        "slug": found.slug,
        "title": found.title,
        "kind": found.kind,
        "anonymous": found.anonymous,
        "role": access.role.value,
        "canEdit": access.can_write_board,
        "user": {"id": access.identity.id, "name": access.identity.name},
        "wsPath": "/ws/rooms",
        "serverTime": int(time.time() * 1000),
    }
    context = {
        "room": found,
        "role": access.role.value,
        "can_edit": access.can_write_board,
        "is_facilitator": access.can_invite,
        "can_manage_people": access.can_manage_people,
        "config": config,
        "invite_form": InviteForm() if access.can_invite else None,
        "invites": [
            {"invite": invite, "url": invite_link(request, invite)}
            for invite in (open_invites(found) if access.can_invite else [])
        ],
        "settings_form": settings_form(found) if access.can_change_settings else None,
        "recordings": room_recordings(found),
        "recording_now": is_recording(found),
    }
    # A co-working room is a place of its own: desks and a focus rhythm, not a lab's board.
    page = "coworking.html" if found.kind == Room.Kind.COWORKING else "room.html"
    return render(request, page, context)


def invite_refused(request: HttpRequest, problem: InviteProblem | str) -> HttpResponse:
    """The page saying why an invite link did not work (`problem`: an `InviteProblem`, or
    "removed") and what to do."""
    message = REMOVED if problem == "removed" else INVITE_PROBLEMS[InviteProblem(problem)]
    context = {"problem": str(problem), "message": str(message)}
    return render(request, "invite_invalid.html", context, status=410)


def refusal_after_join(invite: Invite, token: str, user: User) -> InviteProblem | str:
    """Why `join_through` refused `user`: they were removed from the room since the invite was
    made, or the invite stopped being usable meanwhile (then as it is now)."""
    if removed_since(invite, user):
        return "removed"
    found = check_invite(token)
    return found if isinstance(found, InviteProblem) else InviteProblem.USED_UP


def accept_invite(request: HttpRequest, token: str) -> HttpResponse:
    """Join a room through an invite: signed-in people join at once, guests give a name."""
    invite = check_invite(token)
    if isinstance(invite, InviteProblem):
        return invite_refused(request, invite)
    if request.user.is_authenticated:
        if not join_through(invite, signed_in(request)):
            return invite_refused(request, refusal_after_join(invite, token, signed_in(request)))
        return redirect("room", invite.room.slug)
    form = GuestForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        wait = GUEST_ADDRESS.wait(address)
        if wait:
            form.add_error(None, retry_message(wait, GUEST_JOINS))
        elif form.is_valid():
            GUEST_ADDRESS.hit(address)
            with transaction.atomic():
                guest = User.objects.create_user(
                    username=f"guest-{secrets.token_hex(6)}",
                    first_name=form.cleaned_data["display_name"],
                )
                if not join_through(invite, guest):
                    transaction.set_rollback(True)
                    return invite_refused(request, refusal_after_join(invite, token, guest))
            login(request, guest, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("room", invite.room.slug)
    context = {"room": invite.room, "role": invite.get_role_display(), "form": form}
    return render(request, "invite.html", context)


@require_POST
def upload_media(request: HttpRequest, slug: str) -> JsonResponse:
    """Someone who can edit the board uploads an image (multipart field `file`)."""
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        return json_denied(denied)
    if not access.can_write_board:
        return json_error(gettext("Only people who can edit the board can upload images."), 403)
    upload = request.FILES.get("file")
    if upload is None:
        return json_error(gettext("Choose an image to upload."), 400)
    try:
        media = store_image(access.room, signed_in(request), upload)
    except MediaError as error:
        return json_error(error.message, error.status)
    return JsonResponse(
        {"src": media_url(media), "width": media.width, "height": media.height}, status=201
    )


@require_POST
def copy_media(request: HttpRequest, slug: str) -> JsonResponse:
    """Copy an image of another room into this one (JSON body `{"src": media URL}`), so that
    boards pasted or imported across rooms keep their images. Needs access to both rooms."""
    try:
        access = resolve_access(request.user, slug)
        body = json.loads(request.body)
    except Denied as denied:
        return json_denied(denied)
    except ValueError:
        return json_error('Send JSON: {"src": "/r/<room>/media/<name>"}.', 400)
    src = body.get("src") if isinstance(body, dict) else None
    found = parse_media_url(src) if isinstance(src, str) else None
    if found is None:
        return json_error(gettext("That is not an image of a room here."), 400)
    if not access.can_write_board:
        return json_error(gettext("Only people who can edit the board can add images."), 403)
    try:
        source_room = resolve_access(request.user, found[0]).room
    except Denied:
        return json_error(gettext("You cannot see the room that image comes from."), 403)
    source = get_object_or_404(source_room.media, name=found[1])
    copy = (
        source
        if source_room == access.room
        else copy_image(source, access.room, signed_in(request))
    )
    return JsonResponse({"src": media_url(copy), "width": copy.width, "height": copy.height})


@require_safe
def people(request: HttpRequest, slug: str) -> JsonResponse:
    """The room's members with their roles, in the order they joined, for any member."""
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        return json_denied(denied)
    return JsonResponse([person.as_json() for person in members(access.room)], safe=False)


@require_POST
def person(request: HttpRequest, slug: str, person_id: str) -> HttpResponse:
    """A facilitator changes a member's role (`{"role": ...}`, answered with the person) or
    removes them (`{"remove": true}`, answered 204)."""
    try:
        access = resolve_access(request.user, slug)
    except Denied as denied:
        return json_denied(denied)
    if not access.can_manage_people:
        return json_error(gettext("Only facilitators can change roles or remove people."), 403)
    try:
        body = json.loads(request.body)
    except ValueError:
        return json_error('Send JSON: {"role": "observer"} or {"remove": true}.', 400)
    try:
        role = read_change(body)
        if role is None:
            remove(access.room, person_id, signed_in(request))
            return HttpResponse(status=204)
        return JsonResponse(change_role(access.room, person_id, role).as_json())
    except PeopleError as error:
        return json_error(error.message, error.status)


@require_safe
def media(request: HttpRequest, slug: str, name: str) -> HttpResponseBase:
    """An image of a room, for anyone in it (a member, or holding an invite `?token=`)."""
    if not NAME.fullmatch(name):
        raise Http404("No such image.")
    try:
        access = resolve_access(request.user, slug, request.GET.get("token"))
    except Denied as denied:
        return json_denied(denied)
    return image_response(get_object_or_404(access.room.media, name=name))


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and sign in; sign-ups are throttled per address."""
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        wait = SIGNUP_ADDRESS.wait(address)
        if wait:
            form.add_error(None, retry_message(wait, SIGN_UPS))
        else:
            SIGNUP_ADDRESS.hit(address)
            if form.is_valid():
                user = form.save()
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(safe_next(request) or "lobby")
    return render(request, "signup.html", {"form": form, "next": safe_next(request)})
