"""Websocket routes."""

from django.urls import re_path

from boards.consumers import DocumentConsumer
from rooms.models import SLUG_PATTERN

websocket_urlpatterns = [
    re_path(rf"^ws/rooms/(?P<slug>{SLUG_PATTERN})/(?P<doc>[a-z]+)$", DocumentConsumer.as_asgi()),
]
