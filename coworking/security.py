"""The Content-Security-Policy header, which Django 5.2 does not set by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Sends `CONTENT_SECURITY_POLICY` (directive -> sources) on every response.

    `connect-src` also gets this host's websocket origin (`wss:` on HTTPS, else `ws:`):
    CSP3 browsers count it under 'self', older ones need it named. Async-capable, like every
    middleware here: one sync-only middleware would run every request's whole chain in a
    thread of its own, with the async views called back on the event loop from there.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.is_async:
            return self._secured_async(request)
        return secured(request, self.get_response(request))

    async def _secured_async(self, request: HttpRequest) -> HttpResponse:
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
