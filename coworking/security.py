"""The Content-Security-Policy header, which Django 5.2 does not set by itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Sends `CONTENT_SECURITY_POLICY` (directive -> sources) on every response.

    `connect-src` also gets this host's websocket origin (`wss:` on HTTPS, else `ws:`):
    CSP3 browsers count it under 'self', older ones need it named.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
