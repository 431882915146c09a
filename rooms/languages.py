"""Which language and time zone a page is shown in.

Django's LocaleMiddleware picks the language of the picker's cookie, else of the browser's
Accept-Language; after it, `ProfileLanguageMiddleware` puts a signed-in person's own choice
(their profile's language, when set) above both, and their time zone in force. The picker
(`set_language`) and the account page keep the profile and the cookie in step, so a choice
follows a person to their other devices and stays on this one after they sign out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.views import i18n

from coworking.middleware import SyncAndAsync
from rooms.models import Profile


def page_language(code: str) -> str:
    """`code` if pages can be shown in it, else "" (the browser's language)."""
    return code if code in dict(settings.LANGUAGES) else ""


def remember_language(response: HttpResponseBase, code: str) -> None:
    """Keep `code` in the language cookie of `response`, or drop the cookie for ""."""
    if not page_language(code):
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request: HttpRequest) -> HttpResponseBase:
    """The language picker: Django's `set_language` (the cookie, then back to `next`), which
    keeps a signed-in person's choice in their profile too."""
    response = i18n.set_language(request)
    code = page_language(request.POST.get("language", ""))
    if request.method == "POST" and code and isinstance(request.user, AbstractBaseUser):
        Profile.objects.update_or_create(user_id=request.user.pk, defaults={"language": code})
    return response


class ProfileLanguageMiddleware(SyncAndAsync):
    """Shows a signed-in person's pages in their profile's language and time zone.

    Comes after LocaleMiddleware, whose choice (cookie, Accept-Language) it overrides, and after
    AuthenticationMiddleware, for the person."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.follow(get_response)

    def handle(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        chosen = _choices(user).first() if isinstance(user, AbstractBaseUser) else None
        with timezone.override(_activate(request, chosen)):
            response: HttpResponse = self.get_response(request)
        return response

    async def handle_async(self, request: HttpRequest) -> HttpResponse:
        user = await request.auser()
        chosen = await _choices(user).afirst() if isinstance(user, AbstractBaseUser) else None
        with timezone.override(_activate(request, chosen)):
            response: HttpResponse = await self.get_response(request)
        return response


def _choices(user: AbstractBaseUser) -> QuerySet[Profile, tuple[str, str]]:
    """A signed-in person's (language, time zone), from their profile."""
    return Profile.objects.filter(user_id=user.pk).values_list("language", "time_zone")


def _activate(request: HttpRequest, chosen: tuple[str, str] | None) -> ZoneInfo | None:
    """Activate the language of `chosen` for the request, if pages come in it; its time zone,
    if there is one by its name, for the caller to put in force (None: the default, UTC)."""
    language, zone = chosen or ("", "")
    if page_language(language):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    try:
        return ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


class LanguageSelect(forms.Select):
    """A select of languages whose options each say which language they are in (`lang`), so
    screen readers read each name in its own language."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option
