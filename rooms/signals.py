"""Membership and invite changes reach open sockets at once."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rooms.events import announce_access_changed
from rooms.models import Invite, MediaFile, Membership, Room


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=Invite)
def access_changed(sender: type, instance: Membership | Invite, **kwargs: Any) -> None:
    slug = Room.objects.filter(pk=instance.room_id).values_list("slug", flat=True).first()
    if slug is not None:
        announce_access_changed(slug)


@receiver(post_delete, sender=MediaFile)
def media_deleted(sender: type, instance: MediaFile, **kwargs: Any) -> None:
    """A deleted image (or a deleted room's images) leaves no file behind."""
    transaction.on_commit(lambda: default_storage.delete(instance.path))
