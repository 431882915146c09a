"""`{% browser_catalog %}`: the browser's messages in the page's language, for `i18n.js`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import get_language, to_locale

from rooms.models import Profile

register = template.Library()

#: Where `node build.mjs` writes each language's catalog of the browser's messages.
CATALOGS = Path(__file__).resolve().parents[1] / "static" / "frontend" / "locale"


@cache
def catalog_messages(locale: str) -> dict[str, Any]:
    """The messages of a language's browser catalog, by locale name (`pt`, `zh_Hans`);
    none for English and for languages without one."""
    path = CATALOGS / f"{locale}.json"
    if not path.is_file():
        return {}
    messages = json.loads(path.read_text(encoding="utf-8")).get("messages")
    return messages if isinstance(messages, dict) else {}


@register.simple_tag(takes_context=True)
def browser_catalog(context: template.Context) -> SafeString:
    """`<script type="application/json" id="i18n-catalog">` with the browser's messages in
    the active language and the signed-in person's time zone (the browser's otherwise)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    data: dict[str, Any] = {"messages": catalog_messages(to_locale(get_language() or "en"))}
    if user is not None and user.is_authenticated:
        zone = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
        if zone:
            data["timeZone"] = zone
    return json_script(data, "i18n-catalog")
