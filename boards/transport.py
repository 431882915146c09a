"""Reading and writing a socket straight through Daphne's websocket protocol, and how far
behind its reader is.

`FrameReader` takes whole binary frames (the y-websocket protocol sends nothing else) off
the wire itself and hands each message to Daphne as autobahn would, with no trip through
autobahn's frame state machine, which costs several times more per small message than the
message's own work; anything else (text, control, fragmented, compressed, oversized or
malformed frames, a frame split across reads) goes to autobahn as it is.

A message for many sockets is framed once (`Frame`, an autobahn `PreparedMessage` made on
first use) and written to each socket directly, instead of a trip per socket through
Channels' send chain and Daphne's reply coroutine. On a plain TCP socket with nothing queued
the frame goes to the kernel in one `send` call; Twisted's own write path (which arms and
disarms the socket's writability in the event loop for every message) takes only what the
kernel does not, or sockets with TLS or compression. Daphne writes into the socket's
Twisted transport at once, which buffers without limit when the peer does not read; the
writer reads how many bytes the transport still holds (Twisted's `FileDescriptor` keeps them
in `dataBuffer` from `offset` on, plus `_tempDataLen` bytes not yet joined to it).
"""

from __future__ import annotations

from typing import Any

from autobahn.websocket.protocol import PreparedMessage, WebSocketProtocol
from twisted.internet import tcp

#: The first byte of a whole binary frame: FIN, no extension bits, opcode 2.
WHOLE_BINARY = 0x82
MASKED = 0x80


class Frame:
    """One binary message, framed at most once however many sockets it goes to."""

    __slots__ = ("_prepared", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._prepared: PreparedMessage | None = None

    @property
    def prepared(self) -> PreparedMessage:
        if self._prepared is None:
            self._prepared = PreparedMessage(self.data, True, False, False)
        return self._prepared


class FrameReader(WebSocketProtocol):
    """`dataReceived` for an open socket of Daphne's websocket protocol (mixed into its
    class ahead of it): whole masked binary frames, at the start of what arrives, are read
    here; the rest, and everything once autobahn holds part of a frame, goes to autobahn."""

    def dataReceived(self, data: bytes) -> None:
        if (
            self.data
            or self.current_frame is not None
            or self.inside_message
            or self.state != WebSocketProtocol.STATE_OPEN
            or self._perMessageCompress is not None
            or self.logOctets
            or self.logFrames
        ):
            super().dataReceived(data)  # type: ignore[misc]
            return
        limit = min(self.maxFramePayloadSize or 65535, self.maxMessagePayloadSize or 65535)
        at, end = 0, len(data)
        while end - at >= 6 and data[at] == WHOLE_BINARY and data[at + 1] & MASKED:
            length = data[at + 1] & 0x7F
            start = at + 6
            if length == 126:  # a 16-bit length follows (autobahn refuses one under 126)
                if end - at < 8:
                    break
                length = int.from_bytes(data[at + 2 : at + 4])
                start = at + 8
                if length < 126:
                    break
            elif length == 127:  # a 64-bit length: a frame this reader leaves to autobahn
                break
            if length > limit or start + length > end:
                break
            stop = start + length
            mask = data[start - 4 : start]
            masked = int.from_bytes(data[start:stop])
            key = int.from_bytes((mask * (length // 4 + 1))[:length])
            at = stop
            self._onMessage((masked ^ key).to_bytes(length), True)
            if self.state != WebSocketProtocol.STATE_OPEN:
                break
        if at < end:
            super().dataReceived(data[at:])  # type: ignore[misc]


class SocketWriter:
    """Writes frames to one Daphne websocket; `over` once its transport holds more than
    `limit` bytes (its reader has stopped)."""

    def __init__(self, protocol: Any, limit: int) -> None:
        self.protocol = protocol
        self.transport = protocol.transport
        self.limit = limit
        plain = isinstance(self.transport, tcp.Connection) and not self.transport.TLS
        self._socket = self.transport.socket if plain else None

    def write(self, frame: Frame) -> None:
        """Send `frame` if the socket is still open (a closing one takes nothing more)."""
        protocol = self.protocol
        if protocol.state != WebSocketProtocol.STATE_OPEN:
            return
        if (
            self._socket is None
            or protocol._perMessageCompress is not None
            or protocol.send_queue
            or self.queued
            or self.transport.disconnecting
        ):
            protocol.sendPreparedMessage(frame.prepared)
            return
        data = frame.prepared.payloadHybi
        try:
            sent = self._socket.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:  # the connection is gone: Twisted's path notices and closes it
            sent = 0
        if sent < len(data):
            self.transport.write(data[sent:])

    @property
    def queued(self) -> int:
        transport = self.transport
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    @property
    def over(self) -> bool:
        return self.queued > self.limit

    @classmethod
    def of(cls, asgi_send: Any, limit: int) -> SocketWriter | None:
        """The writer of the socket behind a Daphne ASGI `send`; None under other servers."""
        protocol = daphne_protocol(asgi_send)
        transport = getattr(protocol, "transport", None)
        if protocol is None or not all(
            hasattr(transport, a) for a in ("dataBuffer", "offset", "_tempDataLen")
        ):
            return None
        return cls(protocol, limit)


def daphne_protocol(asgi_send: Any) -> WebSocketProtocol | None:
    """The websocket protocol behind a Daphne ASGI `send` (a partial over it, which Channels'
    session middleware wraps); None under other servers, such as Channels' in-process test
    communicator."""
    for _ in range(4):  # unwrap InstanceSessionWrapper.send -> its real_send
        asgi_send = getattr(getattr(asgi_send, "__self__", None), "real_send", asgi_send)
    protocol = next(iter(getattr(asgi_send, "args", ())), None)
    return protocol if isinstance(protocol, WebSocketProtocol) else None
