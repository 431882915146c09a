"""Membership and invite changes reach open sockets at once; deleted rooms leave nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

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


#: Sent with `slug` when a room is deleted, inside the deleting transaction, so that apps
#: which keep things for a room (boards: its documents) forget them with it.
room_deleted = Signal()


#: Sent with `slug`, `recording` and `by` (who changed it, an identity id) when a running
#: recording is renamed or stopped outside a room command (through HTTP), once the change
#: has committed, so that the room document shows it as it is now.
recording_changed = Signal()


@receiver(post_delete, sender=Room)
def room_removed(sender: type, instance: Room, **kwargs: Any) -> None:
    """A deleted room leaves nothing behind that a new room of the same slug would inherit."""
    room_deleted.send(sender=Room, slug=instance.slug)


#: Sent with `identity` (a person's id, "u<pk>") and `slugs` (the rooms they are in) just
#: before their account is deleted, so that apps which keep their name in a room's documents
#: (boards: chat messages and board objects) show them as a former member from then on.
account_deleting = Signal()

#: Sent with `identity` and `slugs` when a person downloads their data; each receiver returns
#: a dict of what it keeps of them (boards: `{"chatMessages": [...]}`), merged into the file.
personal_data = Signal()
