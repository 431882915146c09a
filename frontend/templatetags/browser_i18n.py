"""`{% browser_catalog %}`: the browser's messages in the page's language, for `i18n.js`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale

register = template.Library()

#: What JSON in a page must not say as it is: `</script>` or an HTML comment could end or
#: change the element (the escapes of Django's `json_script`).
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
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
    the active language and, for someone signed in, the time zone pages are made in (their
    profile's: `rooms.languages.ProfileLanguageMiddleware`); a guest's browser uses its own."""
    request = context.get("request")
    user = getattr(request, "user", None)
    data: dict[str, Any] = {"messages": catalog_messages(to_locale(get_language() or "en"))}
    if user is not None and user.is_authenticated:
        data["timeZone"] = timezone.get_current_timezone_name()
    # Letters as they are, not `\uXXXX`: an Arabic or Greek catalog is a third of the size.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html(
        '<script id="i18n-catalog" type="application/json">{}</script>', mark_safe(text)
    )
