"""Chat commands: validated by `rooms.chat`, stamped with author and time, written by the
server into the room's chat document, from which they reach everyone through normal sync."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import pycrdt
from django.conf import settings

from boards.connection import DocumentConnection, write_as_server
from boards.protocol import RateLimiter, RunCommand, app_message
from rooms.chat import ChatRejected, clean_chat_text
from rooms.permissions import Access


def _refusal(error: ChatRejected) -> bytes:
    return app_message({"type": "chat.error", "code": error.code, "message": error.message})


@dataclass
class ChatCommands:
    """Handles one connection's chat commands."""

    access: Access
    limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(
            rate=settings.CHAT_RATE[0] / settings.CHAT_RATE[1], burst=settings.CHAT_RATE[0]
        )
    )

    async def __call__(self, connection: DocumentConnection, command: RunCommand) -> None:
        try:
            message = self._message(command)
        except ChatRejected as error:
            await connection.send(_refusal(error))
            return
        identity = self.access.identity

        def append(doc: pycrdt.Doc) -> None:
            doc.get("messages", type=pycrdt.Array).append(message)

        await write_as_server(connection.hub, connection.doc_name, identity.id, append)

    def _message(self, command: RunCommand) -> dict[str, object]:
        if command.name != "chat.send":
            raise ChatRejected("bad_command", f"Unknown command {command.name[:40]!r}.")
        if not self.access.can_chat:
            raise ChatRejected("forbidden", "Observers can read the chat but not write.")
        text = clean_chat_text(command.data.get("text"), settings.CHAT_MAX_LENGTH)
        if not self.limiter.allow(time.monotonic()):
            raise ChatRejected("rate_limited", "Slow down a little: too many messages.")
        return {
            "id": uuid.uuid4().hex,
            "authorId": self.access.identity.id,
            "author": self.access.identity.name,
            "text": text,
            "ts": int(time.time() * 1000),
        }
