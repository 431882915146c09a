"""Room events over the channel layer: tell open sockets that access to a room changed."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def room_group(slug: str) -> str:
    """The channel-layer group of every socket open on a room."""
    return f"room.{slug}"


def announce_access_changed(slug: str) -> None:
    """After the current transaction commits, make every socket of the room re-check access."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            event = {"type": "room.access_changed", "slug": slug}
            async_to_sync(layer.group_send)(room_group(slug), event)

    transaction.on_commit(send)
