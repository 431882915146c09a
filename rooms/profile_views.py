"""Profile pages: a person's page and card, their images, and editing their own profile
and showcase."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from rooms.activity import record
from rooms.media import MediaError, stored_image_response
from rooms.models import Activity, Membership, Profile, Room, Work, profile_of
from rooms.permissions import display_name, is_guest
from rooms.profile_forms import SHOWCASE_SIZE, ProfileForm, WorkForm
from rooms.profile_images import delete_images, path_of, store_avatar, store_work_image
from rooms.profiles import can_see_profile, card, image_url, initials, place
from rooms.responses import json_error
from rooms.views import signed_in
from rooms.vocabulary import DISCIPLINES, LANGUAGES, labels

#: A person's id in presence lists: "u<user pk>".
IDENTITY = re.compile(r"u([1-9][0-9]{0,17})")
NOT_FOUND = _("There is no such profile, or you may not see it.")


def visible_owner(viewer: AbstractBaseUser | AnonymousUser, user: User | None) -> User:
    """`user` when `viewer` may see their profile; Http404 otherwise (guests have none), so
    that whether a hidden profile exists is not told."""
    if user is None or is_guest(user) or not can_see_profile(viewer, user):
        raise Http404(NOT_FOUND)
    return user


def shared_rooms(viewer: User, user: User) -> list[Room]:
    """The rooms both `viewer` and `user` are members of."""
    theirs = Membership.objects.filter(user=user).values("room_id")
    return list(Room.objects.filter(memberships__user=viewer, pk__in=theirs).order_by("title"))


@login_required
@require_safe
def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A person's profile page, for those who may see it."""
    owner = visible_owner(request.user, User.objects.filter(username=username).first())
    found = Profile.objects.filter(user=owner).first()
    name = display_name(owner)
    own = owner.pk == request.user.pk
    context = {
        "owner": owner,
        "name": name,
        "initials": initials(name),
        "own": own,
        "profile": found,
        "avatar": image_url(found.avatar) if found else None,
        "disciplines": labels(DISCIPLINES, found.disciplines) if found else [],
        "languages": labels(LANGUAGES, found.languages) if found else [],
        "place": place(found),
        "links": [
            {"url": link, "text": link.split("://", 1)[1].rstrip("/")}
            for link in (found.links if found else [])
            if link.startswith(("https://", "http://"))
        ],
        "works": [
            {"work": work, "image": image_url(work.image)}
            for work in (found.works.all() if found else [])
        ],
        "shared_rooms": [] if own else shared_rooms(signed_in(request), owner),
    }
    return render(request, "profile.html", context)


@require_safe
def profile_card(request: HttpRequest, identity: str) -> JsonResponse:
    """`card(user)` of the person `u<pk>` as JSON, for those who may see their profile."""
    match = IDENTITY.fullmatch(identity)
    user = User.objects.filter(pk=int(match[1])).first() if match else None
    try:
        owner = visible_owner(request.user, user)
    except Http404:
        return json_error(str(NOT_FOUND), 404)
    response = JsonResponse(card(owner))
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@require_safe
def profile_media(request: HttpRequest, name: str) -> HttpResponseBase:
    """A profile's picture or a work's image, for people who may see the profile."""
    path = path_of(name)
    if path is None:
        raise Http404("No such image.")
    owner = User.objects.filter(Q(profile__avatar=path) | Q(profile__works__image=path)).first()
    visible_owner(request.user, owner)
    return stored_image_response(path, name, "image/webp")


def _edit_page(
    request: HttpRequest,
    profile_form: ProfileForm | None = None,
    work_form: WorkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    found = profile_of(signed_in(request))
    works = list(found.works.all())
    context = {
        "profile": found,
        "avatar": image_url(found.avatar),
        "form": profile_form or ProfileForm(instance=found),
        "work_form": work_form or WorkForm(profile=found),
        "works": [{"work": work, "image": image_url(work.image)} for work in works],
        "showcase_full": len(works) >= SHOWCASE_SIZE,
        "showcase_size": SHOWCASE_SIZE,
    }
    return render(request, "profile_edit.html", context, status=status)


def _no_guests(user: User) -> None:
    if is_guest(user):
        raise Http404("Guest accounts have no profile.")


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    """Edit your profile (POST saves it, a new picture included)."""
    user = signed_in(request)
    _no_guests(user)
    if request.method != "POST":
        return _edit_page(request)
    found = profile_of(user)
    before = found.avatar
    form = ProfileForm(request.POST, request.FILES, instance=found)
    if form.is_valid():
        upload = form.cleaned_data.get("avatar")
        try:
            avatar = store_avatar(upload) if upload else None
        except MediaError as error:
            form.add_error("avatar", error.message)
        else:
            saved = form.save(commit=False)
            if avatar:
                saved.avatar = avatar
            elif form.cleaned_data.get("remove_avatar"):
                saved.avatar = ""
            saved.save()
            if saved.avatar != before:
                transaction.on_commit(lambda: delete_images(before))
            messages.success(request, gettext("Your profile is saved."))
            return redirect("edit_profile")
    return _edit_page(request, profile_form=form, status=400)


@login_required
@require_POST
def add_work(request: HttpRequest) -> HttpResponse:
    """Add a work to your showcase (at most `SHOWCASE_SIZE`, counted under a row lock)."""
    user = signed_in(request)
    _no_guests(user)
    profile_of(user)
    with transaction.atomic():
        found = Profile.objects.select_for_update().get(user=user)
        form = WorkForm(request.POST, request.FILES, profile=found)
        if form.is_valid():
            try:
                image = store_work_image(form.cleaned_data["image"])
            except MediaError as error:
                form.add_error("image", error.message)
            else:
                work = form.save(commit=False)
                work.profile, work.image = found, image
                last = found.works.aggregate(last=Max("position"))["last"]
                work.position = 0 if last is None else last + 1
                work.save()
                record(user.pk, Activity.Verb.WORK, text=work.title)
                added = gettext("“{title}” is in your showcase.").format(title=work.title)
                messages.success(request, added)
                return redirect("edit_profile")
    return _edit_page(request, work_form=form, status=400)


def _own_work(request: HttpRequest, work_id: int) -> Work:
    return get_object_or_404(Work, pk=work_id, profile__user=signed_in(request))


@login_required
@require_POST
def remove_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Remove a work from your showcase, with its image."""
    work = _own_work(request, work_id)
    work.delete()
    transaction.on_commit(lambda: delete_images(work.image))
    removed = gettext("“{title}” was removed from your showcase.").format(title=work.title)
    messages.success(request, removed)
    return redirect("edit_profile")


@login_required
@require_POST
def move_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Move a work one place up or down (`direction`) in your showcase."""
    work = _own_work(request, work_id)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        # Translators: how to move a work of the showcase: one place up or down.
        return HttpResponse(gettext("Say up or down."), status=400)
    with transaction.atomic():
        works = list(Work.objects.select_for_update().filter(profile_id=work.profile_id))
        index = next(n for n, each in enumerate(works) if each.pk == work.pk)
        other = index + step
        if 0 <= other < len(works):
            works[index], works[other] = works[other], works[index]
        for position, each in enumerate(works):
            if each.position != position:
                each.position = position
                each.save(update_fields=["position"])
    return redirect("edit_profile")
