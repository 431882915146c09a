"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets from browsers (which always send an Origin header) must come from an allowed
host's page and are authenticated by the session cookie or by an invite `?token=`. Scripts
send no Origin: their cookies are ignored, so only a token lets them in.
"""

import gc
import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coworking.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from coworking.routing import websocket_urlpatterns  # noqa: E402


class OriginOrNoCookies:
    """Browser sockets must come from an allowed origin; sockets without an Origin header
    (scripts, other Yjs clients) are let through without their cookies, so a session can
    never be ridden cross-site: they need an invite token."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.browsers = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = scope.get("headers", [])
        if any(name == b"origin" for name, _ in headers):
            return await self.browsers(scope, receive, send)
        without_cookies = [(name, value) for name, value in headers if name != b"cookie"]
        return await self.inner({**scope, "headers": without_cookies}, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginOrNoCookies(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What start-up made lives as long as the process: frozen, it is left out of the collector's
# full passes, which otherwise walk all of Django and its libraries (about 50 ms each, every
# few seconds under load). Young objects are collected less often, so that the short-lived
# ones of busy sockets die before they are promoted.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 20, 100)
