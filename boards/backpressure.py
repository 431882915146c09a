"""How far behind one socket's reader is: a bound on what the server buffers for it.

Daphne writes every outgoing message into the socket's Twisted transport at once, which
buffers without limit when the peer does not read. A `SendBacklog` reads how many bytes the
transport still holds (Twisted's `FileDescriptor` keeps them in `dataBuffer` from `offset`
on, plus `_tempDataLen` bytes not yet joined to it).
"""

from __future__ import annotations

from typing import Any


class SendBacklog:
    """The bytes a socket's transport holds; `over` once past `limit`."""

    def __init__(self, transport: Any, limit: int) -> None:
        self.transport = transport
        self.limit = limit

    @property
    def queued(self) -> int:
        transport = self.transport
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    @property
    def over(self) -> bool:
        return self.queued > self.limit

    @classmethod
    def watch(cls, asgi_send: Any, limit: int) -> SendBacklog | None:
        """Watch the socket behind a Daphne ASGI `send` (a partial over its protocol, which
        Channels' session middleware wraps); None under other servers, such as Channels'
        in-process test communicator."""
        for _ in range(4):  # unwrap InstanceSessionWrapper.send -> its real_send
            asgi_send = getattr(getattr(asgi_send, "__self__", None), "real_send", asgi_send)
        protocol = next(iter(getattr(asgi_send, "args", ())), None)
        transport = getattr(protocol, "transport", None)
        if not all(hasattr(transport, a) for a in ("dataBuffer", "offset", "_tempDataLen")):
            return None
        return cls(transport, limit)
