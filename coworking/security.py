"""The Content-Security-Policy header, which Django 5.2 does not set by itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coworking.middleware import SyncAndAsync


class ContentSecurityPolicyMiddleware(SyncAndAsync):
    """Sends `CONTENT_SECURITY_POLICY` (directive -> sources) on every response.

    `connect-src` also gets this host's websocket origin (`wss:` on HTTPS, else `ws:`):
    CSP3 browsers count it under 'self', older ones need it named.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.follow(get_response)

    def handle(self, request: HttpRequest) -> HttpResponse:
        return secured(request, self.get_response(request))

    async def handle_async(self, request: HttpRequest) -> HttpResponse:
        return secured(request, await self.get_response(request))


def secured(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response` with the policy, unless it has one of its own."""
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = policy(request)
    return response


def policy(request: HttpRequest) -> str:
    """The policy for a request, as a header value."""
    websocket = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    directives: dict[str, list[str]] = {
        name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY.items()
    }
    directives.setdefault("connect-src", ["'self'"]).append(websocket)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())
