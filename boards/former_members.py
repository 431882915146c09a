"""What a person wrote in rooms, for their data download, and their name taken off it when
their account is deleted: chat messages and board objects then say "Former member", and the
private notes nobody revealed yet are gone (a later reveal would put their name back)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pycrdt
from asgiref.sync import async_to_sync

from boards.connection import DOCUMENT_KINDS, write_as_server
from boards.documents import load_document
from boards.hub import Hub
from boards.reveal import emptied
from boards.store import create_store
from rooms.profiles import FORMER_MEMBER


def chat_messages_of(sender: type, identity: str, slugs: list[str], **kwargs: Any) -> dict:
    """The chat messages `identity` wrote that the chats of rooms `slugs` still hold
    (receives `rooms.signals.personal_data`)."""
    return {"chatMessages": async_to_sync(_chat_messages)(identity, slugs)}


async def _chat_messages(identity: str, slugs: list[str]) -> list[dict[str, Any]]:
    store, found = create_store(), []
    for slug in slugs:
        loaded = await load_document(store, f"{slug}/chat")
        for message in loaded.doc.get("messages", type=pycrdt.Array):
            if isinstance(message, dict) and message.get("authorId") == identity:
                ts = message.get("ts")
                at = datetime.fromtimestamp(ts / 1000, UTC) if isinstance(ts, int | float) else None
                found.append(
                    {
                        "room": slug,
                        "text": message.get("text", ""),
                        "at": at.isoformat() if at else None,
                        "thread": message.get("thread"),
                    }
                )
    return found


def forget_author(sender: type, identity: str, slugs: list[str], **kwargs: Any) -> None:
    """Name `identity` "Former member" in the chat and on the board of rooms `slugs`, and
    empty their private notes there, through the server's own writes, so every reader of the
    documents sees it (receives `rooms.signals.account_deleting`)."""
    async_to_sync(_forget_author)(identity, slugs)


async def _forget_author(identity: str, slugs: list[str]) -> None:
    hub = Hub(create_store(), compact=False)
    try:
        for slug in slugs:
            chat = partial(_rename_messages, identity=identity)
            await write_as_server(hub, f"{slug}/chat", identity, chat)
            board = partial(_rename_objects, identity=identity)
            await write_as_server(hub, f"{slug}/board", identity, board)
            private = DOCUMENT_KINDS["private"].name(slug, "private", identity)
            await write_as_server(hub, private, identity, emptied)
    finally:
        await hub.close()


def _rename_messages(doc: pycrdt.Doc, identity: str) -> None:
    messages = doc.get("messages", type=pycrdt.Array)
    for index, message in enumerate(list(messages)):
        if (
            isinstance(message, dict)
            and message.get("authorId") == identity
            and message.get("author") != FORMER_MEMBER
        ):
            messages[index] = {**message, "author": FORMER_MEMBER}


def _rename_objects(doc: pycrdt.Doc, identity: str) -> None:
    for item in doc.get("objects", type=pycrdt.Map).values():
        if (
            isinstance(item, pycrdt.Map)
            and item.get("authorId") == identity
            and item.get("author") not in (None, "", FORMER_MEMBER)
        ):
            item["author"] = FORMER_MEMBER
