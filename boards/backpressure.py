"""How far behind one socket's reader is: a bound on what the server buffers for it.

Daphne writes every outgoing message into the socket's Twisted transport at once, which
buffers without limit when the peer does not read. Registered as the transport's streaming
producer, a `SendBacklog` hears when Twisted's buffer is full (pause) and drained (resume),
and counts the bytes written while paused.
"""

from __future__ import annotations

from typing import Any


class SendBacklog:
    """Bytes queued for a socket beyond Twisted's own buffer; `over` once past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.paused = False
        self.queued = 0

    def pauseProducing(self) -> None:
        self.paused = True

    def resumeProducing(self) -> None:
        self.paused = False
        self.queued = 0

    def stopProducing(self) -> None:
        self.paused = False

    def wrote(self, size: int) -> None:
        if self.paused:
            self.queued += size

    @property
    def over(self) -> bool:
        return self.queued > self.limit

    @classmethod
    def watch(cls, asgi_send: Any, limit: int) -> SendBacklog | None:
        """Watch the socket behind a Daphne ASGI `send` (a partial over its protocol);
        None under other servers, such as Channels' in-process test communicator."""
        protocol: Any = next(iter(getattr(asgi_send, "args", ())), None)
        register = getattr(protocol, "registerProducer", None)
        transport = getattr(protocol, "transport", None)
        if register is None or getattr(transport, "producer", None) is not None:
            return None
        backlog = cls(limit)
        register(backlog, True)
        return backlog
