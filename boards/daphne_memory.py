"""What Daphne, Twisted and autobahn keep for each websocket, cut to what an open socket needs.

An idle socket's memory is mostly theirs, not this application's. These adaptations are
checked by `tests/boards/test_daphne_memory.py`, which fails when the library code they rely
on changes:

- `SocketInbox` stands in for the `asyncio.Queue` that Daphne makes per connection for the
  messages it hands to the application: the same `put_nowait` and `get`, without the four
  deques (about 3 KB) a queue allocates up front. `install` makes Daphne use it for
  websockets, by replacing `daphne.server.Server.create_application` with the same code.
- `slim_open_socket`, once a socket is open, releases the HTTP upgrade request: its
  `HTTPChannel` stays registered as the transport's producer, which keeps the channel, the
  request and its headers alive as long as the socket, although a channel whose request is
  still being handled (as an upgraded one always is) does nothing when paused, resumed or
  stopped; autobahn unregisters it anyway when it drops the connection.
- It drops what only the opening handshake reads (the request as parsed, the response sent;
  of Daphne's `request`, only the path it logs on close is kept), and moves into a class per
  factory what every connection of that factory holds alike: the options autobahn copies
  from its factory and the close bookkeeping, which an open socket leaves untouched until it
  closes. An attribute is taken off the instance only while it is the very object the class
  holds, so every read gives what it gave before; the first write puts it back on the
  instance. The instance dict (about 107 attributes, 3.3 KB) is rebuilt at its new size.
- The class it moves an open socket into reads whole binary frames itself
  (`boards.transport.FrameReader`).
- It gives autobahn a `SendQueue` for the deque it keeps for chopped or synchronous writes,
  which Daphne never asks for.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Any

from autobahn.websocket.protocol import WebSocketProtocol
from twisted.web.http import HTTPChannel

from boards.transport import FrameReader

#: Attributes of Daphne's websocket protocol read only while the connection opens.
HANDSHAKE_ONLY = (
    "http_request_data",
    "http_status_line",
    "http_headers",
    "http_request_uri",
    "http_request_path",
    "http_request_params",
    "http_request_host",
    "websocket_origin",
    "websocket_protocols",
    "websocket_extensions",
    "_wskey",
    "http_response_data",
    "_raw_query_string",
    "clean_headers",
    "root_path",
    "protocol_to_accept",
    "application_deferred",
)

#: What autobahn sets on every connection and an open one keeps until it closes.
OPEN_STATE: dict[str, object] = {
    "connected": 1,
    "state": WebSocketProtocol.STATE_OPEN,
    "websocket_version": 13,
    "websocket_protocol_in_use": None,
    "_perMessageCompress": None,
    "trackedTimings": None,
    "wasMaxFramePayloadSizeExceeded": False,
    "wasMaxMessagePayloadSizeExceeded": False,
    "closedByMe": False,
    "failedByMe": False,
    "droppedByMe": False,
    "wasClean": False,
    "wasNotCleanReason": None,
    "wasServerConnectionDropTimeout": False,
    "wasOpenHandshakeTimeout": False,
    "wasCloseHandshakeTimeout": False,
    "wasServingFlashSocketPolicyFile": False,
    "localCloseCode": None,
    "localCloseReason": None,
    "remoteCloseCode": None,
    "remoteCloseReason": None,
    "openHandshakeTimeoutCall": None,
    "closeHandshakeTimeoutCall": None,
}


class SocketInbox:
    """The messages for one websocket's application: `asyncio.Queue`'s `put_nowait` and
    `get` (unbounded, first in first out; a cancelled `get` takes nothing), holding a deque
    only while messages wait."""

    __slots__ = ("_getters", "_messages")

    def __init__(self) -> None:
        self._messages: deque[Any] | None = None
        self._getters: list[asyncio.Future[None]] = []

    def put_nowait(self, message: Any) -> None:
        if self._messages is None:
            self._messages = deque()
        self._messages.append(message)
        self._wake_one()

    async def get(self) -> Any:
        while not self._messages:
            getter = asyncio.get_running_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                if getter in self._getters:
                    self._getters.remove(getter)
                if self._messages and not getter.cancelled():
                    self._wake_one()
                raise
        messages = self._messages
        message = messages.popleft()
        if not messages:
            self._messages = None
        return message

    def _wake_one(self) -> None:
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                return


class SendQueue:
    """What autobahn asks of its send queue (`append`, `popleft`, `len`), holding a deque
    only while something waits in it."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: deque[Any] | None = None

    def __len__(self) -> int:
        return 0 if self._items is None else len(self._items)

    def append(self, item: Any) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)

    def popleft(self) -> Any:
        if self._items is None:
            raise IndexError("pop from an empty send queue")
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item


def create_application(self: Any, protocol: Any, scope: dict[str, Any]) -> Any:
    """Daphne's `Server.create_application` (4.2), with a `SocketInbox` for websockets."""
    if scope["type"] != "websocket":
        return _daphne_create_application(self, protocol, scope)
    assert "application_instance" not in self.connections[protocol]
    input_queue = SocketInbox()
    scope.setdefault("asgi", {"version": "3.0"})
    application_instance = self.application(
        scope=scope, receive=input_queue.get, send=partial(self.handle_reply, protocol)
    )
    if protocol not in self.connections:
        return None
    self.connections[protocol]["application_instance"] = asyncio.ensure_future(
        application_instance, loop=asyncio.get_event_loop()
    )
    return input_queue


_daphne_create_application: Any = None


def install() -> None:
    """Make the Daphne server of this process give websockets a `SocketInbox`; nothing
    when Daphne does not serve this process (it imports `daphne.server` before the app)."""
    global _daphne_create_application
    server = sys.modules.get("daphne.server")
    if server is None or _daphne_create_application is not None:
        return
    _daphne_create_application = server.Server.create_application
    server.Server.create_application = create_application


@dataclass(frozen=True, slots=True)
class UpgradeRequest:
    """What Daphne reads of a websocket's upgrade request once it is open: the path it logs."""

    path: str


_SHARED: dict[tuple[type, int], type] = {}
_MISSING = object()


def _shared_class(protocol: Any) -> type:
    """The subclass of `type(protocol)` holding, as class attributes, what every open
    connection of its factory holds alike."""
    base, factory = type(protocol), protocol.factory
    cls = _SHARED.get((base, id(factory)))
    if cls is None:
        options = {name: getattr(factory, name) for name in base.CONFIG_ATTRS}
        # A function on a class would be bound to the instance: those stay on the instance.
        shared = {k: v for k, v in options.items() if not hasattr(type(v), "__get__")}
        shared.update(OPEN_STATE, factory=factory, server=factory.server_class)
        names = {"__module__": base.__module__, "__qualname__": base.__qualname__}
        cls = type(base.__name__, (FrameReader, base), {**names, **shared, "_slim": True})
        _SHARED[(base, id(factory))] = cls  # the class holds the factory: its id stays its own
    return cls


def slim_open_socket(protocol: Any) -> None:
    """Cut what Daphne's websocket `protocol` holds to what an open socket needs (see the
    module's docstring); nothing unless it is open and not cut yet."""
    if protocol.state != WebSocketProtocol.STATE_OPEN or getattr(protocol, "_slim", False):
        return
    transport = protocol.transport
    producer = getattr(transport, "producer", None)
    if (
        isinstance(producer, HTTPChannel)
        and producer._handlingRequest
        and producer._requestProducer is None
    ):
        transport.unregisterProducer()
    cls = _shared_class(protocol)
    protocol.__class__ = cls
    attributes = protocol.__dict__
    for name in HANDSHAKE_ONLY:
        attributes.pop(name, None)
    attributes["request"] = UpgradeRequest(protocol.request.path)
    if type(protocol.send_queue) is deque and not protocol.send_queue:
        attributes["send_queue"] = SendQueue()
    for name, value in vars(cls).items():
        if attributes.get(name, _MISSING) is value:
            del attributes[name]
    protocol.__dict__ = dict(attributes)
