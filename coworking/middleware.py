"""What every middleware of this project shares: it runs in a sync chain or an async one.

One sync-only middleware makes Django run each request's whole chain in a thread of its own,
with the async views called back on the event loop from there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse


class SyncAndAsync:
    """A middleware for either chain: `handle` serves a sync chain's requests, `handle_async`
    an async chain's (as Django tells by the `get_response` it passes)."""

    sync_capable = True
    async_capable = True
    get_response: Callable[[HttpRequest], Any]

    def follow(self, get_response: Callable[[HttpRequest], Any]) -> None:
        """Take the rest of the chain, and become a coroutine function if it is one."""
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        return self.handle_async(request) if self.is_async else self.handle(request)

    def handle(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    async def handle_async(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError
