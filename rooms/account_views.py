"""The account page: your name, password, language and time zone, your focus log, the
download of all your data, and deleting your account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from rooms.focus_summary import recent_stays, totals, weekly_minutes, zone_of
from rooms.forms import PasswordForm
from rooms.languages import remember_language
from rooms.models import profile_of
from rooms.permissions import is_guest
from rooms.personal_data import blocking_rooms, delete_account, export
from rooms.profile_forms import DeleteAccountForm, NameForm, SettingsForm
from rooms.views import signed_in

#: The account page's forms, by the `form` field each one posts: (heading, button, what
#: the page says once it is saved).
SECTIONS = {
    "name": (_("Your name"), _("Save name"), _("Your display name is saved.")),
    "settings": (
        _("Language and time zone"),
        # Translators: the button that saves the language and time zone.
        _("Save"),
        _("Your language and time zone are saved."),
    ),
    "password": (_("Password"), _("Change password"), _("Your password is changed.")),
}


def _forms(request: HttpRequest, posted: str | None = None) -> dict[str, BaseForm]:
    """The account page's forms; the one named `posted` bound to the request's data."""
    user, profile = signed_in(request), profile_of(signed_in(request))

    def data(name: str) -> QueryDict | None:
        return request.POST if name == posted else None

    forms: dict[str, BaseForm] = {
        "name": NameForm(data("name"), instance=user),
        "settings": SettingsForm(data("settings"), instance=profile),
    }
    if not is_guest(user):
        forms["password"] = PasswordForm(user, data("password"))
        forms["delete"] = DeleteAccountForm(user, data("delete"))
    return forms


def _page(request: HttpRequest, forms: dict[str, BaseForm], status: int = 200) -> HttpResponse:
    user = signed_in(request)
    zone = zone_of(profile_of(user).time_zone)
    weeks = weekly_minutes(user, zone)
    context = {
        "forms": forms,
        "sections": [
            {"key": key, "heading": heading, "button": button, "form": forms[key]}
            for key, (heading, button, _) in SECTIONS.items()
            if key in forms
        ],
        "guest": is_guest(user),
        "stays": recent_stays(user, zone),
        "weeks": weeks,
        "chart_width": len(weeks) * 40,
        "totals": totals(user),
        "zone": zone.key,
        "now": timezone.localtime(timezone.now(), zone),
        "blocking": blocking_rooms(user),
    }
    return render(request, "account.html", context, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Show the account page; a POST saves the form it names (`form`)."""
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = _forms(request, posted)
    form = forms.get(posted or "")
    if posted not in SECTIONS or form is None:
        return _page(request, forms, status=200 if posted is None else 400)
    if not form.is_valid():
        return _page(request, forms, status=400)
    form.save()  # type: ignore[attr-defined]
    if posted == "password":
        update_session_auth_hash(request, form.user)  # type: ignore[attr-defined]
    messages.success(request, str(SECTIONS[posted][2]))
    response = redirect("account")
    if posted == "settings":
        # This browser keeps the choice after its person signs out; "" gives it back its own.
        remember_language(response, form.cleaned_data["language"])
    return response


@login_required
@require_safe
def account_data(request: HttpRequest) -> HttpResponse:
    """All your data as a JSON file to download."""
    data = export(signed_in(request), request.build_absolute_uri)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"coworking-{signed_in(request).get_username()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    """Delete your account, after your password, unless you alone run a room of others."""
    forms = _forms(request, "delete")
    form = forms.get("delete")
    if form is None or not form.is_valid():
        return _page(request, forms, status=400)
    blocking = blocking_rooms(signed_in(request))
    if blocking:
        titles = ", ".join(f"“{room.title}”" for room in blocking)
        refusal = gettext("Make someone else a facilitator of {rooms} first.").format(rooms=titles)
        form.add_error(None, refusal)
        return _page(request, forms, status=409)
    user = signed_in(request)
    logout(request)
    delete_account(user)
    messages.success(request, gettext("Your account is deleted. Thank you for working with us."))
    return redirect("login")
