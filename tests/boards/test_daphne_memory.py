"""`boards.daphne_memory` against the real Daphne, Twisted and autobahn code, in-process: a
socket cut to what an open one needs still echoes, closes cleanly and is logged; and the
library code it copies or relies on is the code it was written against."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import inspect
import random
import re
import struct
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from types import MethodType
from typing import Any

import pytest
from channels.consumer import AsyncConsumer
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

from boards import daphne_memory
from boards.daphne_memory import (
    HANDSHAKE_ONLY,
    OPEN_STATE,
    SendQueue,
    SocketInbox,
    slim_open_socket,
)
from boards.transport import FrameReader

Inbox = SocketInbox | asyncio.Queue[Any]

UPGRADE = (
    b"GET /ws/rooms/demo/board?token=t HTTP/1.1\r\n"
    b"Host: 127.0.0.1:8000\r\n"
    b"Upgrade: websocket\r\n"
    b"Connection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n"
    b"\r\n"
)


class TCPLikeTransport(StringTransport):
    """A test transport that, like Twisted's TCP transports (`FileDescriptor`), takes an
    `unregisterProducer` with no producer registered: autobahn calls it when it drops a
    connection."""

    protocol: Any = None  # set by Daphne when it hands the connection to the websocket

    def unregisterProducer(self) -> None:
        self.producer = None


def sha256(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def client_frame(
    opcode: int, payload: bytes, fin: bool = True, length_bytes: int | None = None
) -> bytes:
    """One frame as a client sends it (masked), its length in the fewest bytes unless
    `length_bytes` (2 or 8) says otherwise; `fin` False for a fragment."""
    mask = b"\x01\x02\x03\x04"
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    if length_bytes is None:
        length_bytes = 0 if len(payload) < 126 else 2 if len(payload) < 65536 else 8
    marker = {0: len(payload), 2: 126, 8: 127}[length_bytes]
    head = bytes([0x80 * fin | opcode, 0x80 | marker])
    head += len(payload).to_bytes(length_bytes) if length_bytes else b""
    return head + mask + masked


def test_the_copied_and_replaced_library_code_is_unchanged() -> None:
    """`create_application` is a copy of Daphne's, `DocumentConsumer.__call__` stands in for
    Channels' `AsyncConsumer.__call__`: when either changes, check the copy and update these."""
    from daphne.server import Server

    original = daphne_memory._daphne_create_application or Server.create_application
    assert sha256(inspect.getsource(original)) == (
        "f1e300b4ecf636c85e1a66250e32af2ebb67728f01919678d43e80c794a79a87"
    )
    assert sha256(inspect.getsource(AsyncConsumer.__call__)) == (
        "e52238720872dbc3f854519bc971aa7eb41553e63c8729081549ce42465ee419"
    )


def test_what_is_dropped_is_read_only_while_the_socket_opens() -> None:
    """Every method of Daphne's websocket protocol (and its bases) that reads an attribute
    `slim_open_socket` drops runs before the socket is open; of `request`, an open socket
    reads only the path."""
    from daphne.ws_protocol import WebSocketProtocol

    opening = {
        "WebSocketProtocol.onConnect",
        "WebSocketProtocol.applicationCreateWorked",
        "WebSocketProtocol.onOpen",
        "WebSocketProtocol.serverReject",
        "WebSocketServerProtocol.processHandshake",
        "WebSocketServerProtocol.succeedHandshake",
    }
    readers = set()
    request_fields = set()
    for cls in WebSocketProtocol.__mro__[:-1]:
        for function in vars(cls).values():
            if not inspect.isfunction(function):
                continue
            source = inspect.getsource(function)
            if any(re.search(rf"self\.{name}\b", source) for name in HANDSHAKE_ONLY):
                readers.add(function.__qualname__)
            if function.__qualname__ not in opening:
                request_fields |= set(re.findall(r"self\.request\.(\w+)", source))
    assert readers <= opening
    assert request_fields <= {"path"}


def test_autobahn_asks_of_its_send_queue_only_what_a_send_queue_does() -> None:
    from daphne.ws_protocol import WebSocketProtocol

    uses = set()
    for cls in WebSocketProtocol.__mro__[:-1]:
        source = inspect.getsource(cls)
        uses |= set(re.findall(r"\S*send_queue\S*", source))
    assert uses == {
        "self.send_queue",  # = deque()
        "len(self.send_queue)",
        "self.send_queue.popleft()",
        "self.send_queue.append((data[i:j],",
        "self.send_queue.append((data,",
    }
    queue = SendQueue()
    assert not queue and len(queue) == 0
    queue.append(1)
    queue.append(2)
    assert len(queue) == 2 and [queue.popleft(), queue.popleft()] == [1, 2]
    assert not queue
    with pytest.raises(IndexError):
        queue.popleft()


@pytest.mark.parametrize("kind", [SocketInbox, asyncio.Queue])
async def test_the_inbox_hands_out_messages_as_a_queue_does(kind: Callable[[], Inbox]) -> None:
    inbox = kind()
    inbox.put_nowait(1)
    inbox.put_nowait(2)
    assert [await inbox.get(), await inbox.get()] == [1, 2]

    first, second = asyncio.ensure_future(inbox.get()), asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait(3)
    inbox.put_nowait(4)
    async with asyncio.timeout(5):
        assert [await first, await second] == [3, 4]

    cancelled = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    cancelled.cancel()
    inbox.put_nowait(5)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    async with asyncio.timeout(5):
        assert await inbox.get() == 5


async def test_a_woken_getter_cancelled_before_it_runs_passes_its_message_on() -> None:
    inbox = SocketInbox()
    woken, waiting = asyncio.ensure_future(inbox.get()), asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait("only")
    woken.cancel()
    async with asyncio.timeout(5):
        assert await waiting == "only"
    assert inbox._messages is None and inbox._getters == []


class Echo:
    """An ASGI websocket app that accepts, echoes bytes and records what it receives; `sent`
    has what it sent ("accept", or the bytes echoed)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.sent: asyncio.Queue[str | bytes] = asyncio.Queue()
        self.done = asyncio.Event()

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        self.sent.put_nowait("accept")
        while True:
            message = await receive()
            self.received.append(message)
            if message["type"] == "websocket.disconnect":
                self.done.set()
                return
            await send({"type": "websocket.send", "bytes": message["bytes"]})
            self.sent.put_nowait(message["bytes"])


class InProcessDaphne:
    """Daphne's server objects with this module's `create_application`, serving `Echo` on
    Twisted test transports: a real HTTP upgrade through Daphne's request, autobahn's
    handshake and Daphne's protocol, with no reactor running."""

    def __init__(self, **options: Any) -> None:
        from daphne.http_protocol import HTTPFactory
        from daphne.server import Server
        from daphne.ws_protocol import WebSocketFactory

        self.app = Echo()
        self.logged: list[tuple[Any, str, dict[str, Any]]] = []
        server = Server(self.app, endpoints=["tcp:port=0"], action_logger=self.log)
        server.connections = {}
        server.create_application = MethodType(daphne_memory.create_application, server)
        server.http_factory = HTTPFactory(server)
        server.ws_factory = WebSocketFactory(server, server="daphne")
        server.ws_factory.setProtocolOptions(autoPingTimeout=30, allowNullOrigin=True, **options)
        self.server = server

    def log(self, protocol: Any, action: str, details: dict[str, Any]) -> None:
        self.logged.append((protocol, action, details))

    async def open(self) -> tuple[Any, TCPLikeTransport, Any]:
        """An open socket's protocol, its transport, and the upgrade request's channel."""
        channel = self.server.http_factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 1))
        transport = TCPLikeTransport()
        channel.makeConnection(transport)
        channel.dataReceived(UPGRADE)
        async with asyncio.timeout(5):
            assert await self.app.sent.get() == "accept"
        protocol = transport.protocol
        assert protocol.state == protocol.STATE_OPEN
        return protocol, transport, channel._channel


async def test_a_slimmed_socket_still_echoes_closes_cleanly_and_is_logged() -> None:
    daphne = InProcessDaphne()
    protocol, transport, channel = await daphne.open()
    assert isinstance(protocol.application_queue, SocketInbox)
    assert transport.producer is channel

    config = {name: getattr(protocol, name) for name in protocol.CONFIG_ATTRS}
    slim_open_socket(protocol)
    slim_open_socket(protocol)  # a second call changes nothing
    attributes = vars(protocol)
    assert transport.producer is None
    assert not set(HANDSHAKE_ONLY) & set(attributes)
    assert not set(OPEN_STATE) & set(attributes), "autobahn sets other values when it opens"
    functions = {name for name, value in config.items() if inspect.isfunction(value)}
    assert set(config) & set(attributes) == functions  # a function on a class would bind
    assert {name: getattr(protocol, name) for name in config} == config
    assert len(attributes) < 40
    assert protocol.request.path == "/ws/rooms/demo/board"
    assert isinstance(protocol.send_queue, SendQueue)
    released = weakref.ref(channel)
    daphne.server.application_checker()  # Daphne forgets the finished upgrade request
    del channel
    gc.collect()
    assert released() is None

    transport.clear()
    protocol.dataReceived(client_frame(0x2, b"hello"))
    async with asyncio.timeout(5):
        assert await daphne.app.sent.get() == b"hello"
    assert transport.value().endswith(b"hello")
    protocol.sendData(b"queued", sync=True)  # through the send queue
    assert transport.value().endswith(b"queued") and not protocol.send_queue
    protocol.dataReceived(client_frame(0x8, struct.pack("!H", 1000)))
    protocol.connectionLost(Failure(ConnectionDone()))
    async with asyncio.timeout(5):
        await daphne.app.done.wait()
    assert [message["type"] for message in daphne.app.received] == [
        "websocket.receive",
        "websocket.disconnect",
    ]
    assert protocol.wasClean and daphne.app.received[-1]["code"] == 1000
    _, action, details = daphne.logged[-1]
    assert (action, details["path"]) == ("disconnected", "/ws/rooms/demo/board")


#: Frames of every kind a client may send, and what each way of failing looks like.
EVERY_KIND = [
    client_frame(0x2, b"one"),
    client_frame(0x2, b""),
    client_frame(0x2, bytes(125)),
    client_frame(0x2, bytes(range(256)) * 2),  # a 16-bit length
    client_frame(0x1, "héllo".encode()),
    client_frame(0x9, b"ping"),
    client_frame(0x2, b"frag", fin=False) + client_frame(0x0, b"ment"),
    client_frame(0x2, b"two"),
]
ENDINGS = {
    "over the frame limit": client_frame(0x2, bytes(2000)),
    "a 64-bit length": client_frame(0x2, bytes(300), length_bytes=8),
    "a long form for a short length": client_frame(0x2, b"short", length_bytes=2),
    "unmasked": bytes([0x82, 3]) + b"abc",
    "a reserved opcode": client_frame(0x3, b"x"),
    "a closing handshake": client_frame(0x8, struct.pack("!H", 1000)),
}


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("chunking", ["whole", "bytes", "random"])
async def test_the_frame_reader_hands_on_what_autobahn_would(ending: str, chunking: str) -> None:
    """A slimmed socket reads whole binary frames itself: for any stream, cut anywhere, its
    application gets the same messages, and the client the same replies (a pong, a close),
    as from autobahn alone."""
    stream = b"".join([*EVERY_KIND, ENDINGS[ending], client_frame(0x2, b"never")])
    cuts = {
        "whole": [],
        "bytes": list(range(1, len(stream))),
        "random": sorted(random.Random(7).sample(range(1, len(stream)), 40)),
    }[chunking]
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    outcomes = []
    to_autobahn: list[bytes] = []

    def through(autobahn: Callable[[bytes], None], data: bytes) -> None:
        to_autobahn.append(data)
        autobahn(data)

    for slim in (False, True):
        daphne = InProcessDaphne(maxFramePayloadSize=1000)
        protocol, transport, _ = await daphne.open()
        if slim:
            slim_open_socket(protocol)
            assert isinstance(protocol, FrameReader)
            protocol._dataReceived = partial(through, protocol._dataReceived)  # type: ignore[method-assign]
        transport.clear()
        for chunk in chunks:  # no turn of the loop: the application takes none of them yet
            protocol.dataReceived(chunk)
        inbox = protocol.application_queue
        messages, inbox._messages = list(inbox._messages or []), None
        outcomes.append((messages, transport.value(), protocol.state, transport.disconnecting))
    assert outcomes[1] == outcomes[0]
    if chunking == "whole":  # the reader took the binary frames up to the text frame
        assert len(b"".join(to_autobahn)) == len(stream) - len(b"".join(EVERY_KIND[:4]))
    messages = outcomes[0][0]
    assert [m.get("bytes", m.get("text")) for m in messages[:7]] == [
        b"one",
        b"",
        bytes(125),
        bytes(range(256)) * 2,
        "héllo",
        b"fragment",
        b"two",
    ]


async def test_what_differs_from_the_shared_class_stays_on_the_instance() -> None:
    """Options changed after a factory's class was made, and state an open socket already
    changed, are read from the instance as before."""
    daphne = InProcessDaphne()
    first, _, _ = await daphne.open()
    slim_open_socket(first)
    daphne.server.ws_factory.setProtocolOptions(autoPingTimeout=60)
    second, _, _ = await daphne.open()
    second.remoteCloseCode = 4000
    slim_open_socket(second)
    assert type(second) is type(first)
    assert (first.autoPingTimeout, second.autoPingTimeout) == (30, 60)
    assert (first.remoteCloseCode, second.remoteCloseCode) == (None, 4000)
    assert {"autoPingTimeout", "remoteCloseCode"} <= set(vars(second))
