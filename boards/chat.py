"""Chat commands: validated by `rooms.chat`, stamped with author and time, written by the
server into the room's chat document, from which they reach everyone through normal sync."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pycrdt
from django.conf import settings

from boards.connection import DocumentConnection, write_as_server
from boards.protocol import RunCommand, app_message
from rooms.chat import ChatRejected, clean_chat_text
from rooms.permissions import Access


def _refusal(error: ChatRejected) -> bytes:
    return app_message({"type": "chat.error", "code": error.code, "message": error.message})


def keep_newest(messages: pycrdt.Array, keep: int) -> None:
    """Delete the oldest messages beyond the newest `keep`."""
    excess = len(messages) - keep
    if excess > 0:
        del messages[0:excess]


@dataclass
class ChatCommands:
    """Handles one connection's chat commands.

    The rate limit (`settings.CHAT_RATE`: messages per seconds) is a quota in the room store,
    per room and person, so it holds across all of a person's sockets and server processes.
    """

    access: Access

    async def __call__(self, connection: DocumentConnection, command: RunCommand) -> None:
        try:
            message = self._message(connection, command)
            await self._spend(connection)
        except ChatRejected as error:
            await connection.send(_refusal(error))
            return
        keep = settings.CHAT_KEEP_MESSAGES

        def append(doc: pycrdt.Doc) -> None:
            messages = doc.get("messages", type=pycrdt.Array)
            messages.append(message)
            keep_newest(messages, keep)

        await write_as_server(connection.hub, connection.doc_name, self.access.identity.id, append)

    async def _spend(self, connection: DocumentConnection) -> None:
        count, seconds = settings.CHAT_RATE
        key = f"{connection.doc_name}/rate/{self.access.identity.id}"
        if not await connection.hub.store.spend(key, 1, int(count), int(seconds * 1000)):
            raise ChatRejected("rate_limited", "Slow down a little: too many messages.")

    def _message(self, connection: DocumentConnection, command: RunCommand) -> dict[str, object]:
        if command.name != "chat.send":
            raise ChatRejected("bad_command", f"Unknown command {command.name[:40]!r}.")
        if not self.access.can_chat:
            raise ChatRejected("forbidden", "Observers can read the chat but not write.")
        text = clean_chat_text(command.data.get("text"), settings.CHAT_MAX_LENGTH)
        message: dict[str, object] = {
            "id": uuid.uuid4().hex,
            "authorId": self.access.identity.id,
            "author": self.access.identity.name,
            "text": text,
            "ts": int(time.time() * 1000),
        }
        thread = command.data.get("thread")
        if thread is not None:
            message["thread"] = self._thread(connection, thread)
        return message

    def _thread(self, connection: DocumentConnection, thread: object) -> str:
        """A breakout group's thread the sender may write in: their own group's, or any
        group's for a facilitator."""
        breakouts = connection.hub.values(connection.room_doc, "room").get("breakouts") or {}
        for group in breakouts.get("groups") or []:
            if group.get("id") == thread:
                mine = self.access.identity.id in (group.get("members") or [])
                if not (mine or self.access.can_facilitate):
                    raise ChatRejected("forbidden", "That thread belongs to another group.")
                return str(thread)
        raise ChatRejected("closed", "That breakout group has ended.")
