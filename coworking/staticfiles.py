"""Static files from the application server (WhiteNoise), in a sync or an async chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware

from coworking.middleware import SyncAndAsync


class StaticFilesMiddleware(SyncAndAsync, WhiteNoiseMiddleware):
    """WhiteNoise's middleware, also async: it looks a path up in the table it built at start
    (on disk only with `WHITENOISE_AUTOREFRESH`, in development) and answers from there, or
    hands the request on."""

    def __init__(self, get_response: Callable[[HttpRequest], Any], **kwargs: Any) -> None:
        WhiteNoiseMiddleware.__init__(self, get_response, **kwargs)
        self.follow(get_response)

    def handle(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = WhiteNoiseMiddleware.__call__(self, request)
        return response

    async def handle_async(self, request: HttpRequest) -> HttpResponse:
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return self.serve(static_file, request)
        response: HttpResponse = await self.get_response(request)
        return response
