"""The y-websocket wire protocol, read strictly, and what one connection's frames mean.

Everything here is pure: no sockets, no store, no clock of its own. `SyncSession` turns each
frame into effects (send this, append that, publish awareness) that `boards.connection`
carries out. Outgoing messages use pycrdt's own encoders; incoming frames are read with a
bounds-checked reader, because pycrdt's `Decoder` trusts length prefixes, and every Yjs
update is tried on a throwaway `pycrdt.Doc` before anything is stored.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import pycrdt
from pycrdt import create_awareness_message, create_update_message, write_message, write_var_uint

MAX_AWARENESS_CLIENTS = 64
MAX_AWARENESS_STATE_BYTES = 16 * 1024
EMPTY_UPDATE = b"\x00\x00"


class MessageType(IntEnum):
    """The first varuint of every binary frame."""

    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3
    APP = 100  # server -> client JSON replies to commands (e.g. a refused chat message)


class SyncStep(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


class CloseCode(IntEnum):
    """Websocket close codes; 44xx are permanent (clients do not retry), 45xx transient."""

    MALFORMED = 4400
    UNAUTHENTICATED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    TOO_LARGE = 4413
    RATE_LIMITED = 4429
    INTERNAL = 4500


class ProtocolError(Exception):
    """A frame this connection must be closed for."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def malformed(reason: str) -> ProtocolError:
    return ProtocolError(CloseCode.MALFORMED, reason)


class Reader:
    """A bounds-checked reader of lib0 varuints and length-prefixed byte strings."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        value, shift = 0, 0
        while True:
            if self.pos >= len(self.data):
                raise malformed("truncated integer")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 49:  # JavaScript numbers stay exact up to 2**53
                raise malformed("integer too large")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        if length > len(self.data) - self.pos:
            raise malformed("length prefix beyond the frame")
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise malformed("invalid UTF-8") from exc

    def done(self) -> bool:
        return self.pos == len(self.data)


def _reraise_control_flow(exc: BaseException) -> None:
    """Re-raise control-flow exceptions; pycrdt errors (ValueError, RuntimeError, and Rust
    panics, which arrive as PanicException, a BaseException) become protocol errors."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | asyncio.CancelledError | GeneratorExit):
        raise exc


def check_update(update: bytes) -> None:
    """Raise ProtocolError unless `update` is a well-formed Yjs (v1) update."""
    try:
        pycrdt.Doc().apply_update(update)
    except BaseException as exc:
        _reraise_control_flow(exc)
        raise malformed("invalid Yjs update") from exc


def check_state_vector(state_vector: bytes) -> None:
    """Raise ProtocolError unless `state_vector` is a well-formed Yjs state vector."""
    reader = Reader(state_vector)
    count = reader.var_uint()
    if count > len(state_vector):
        raise malformed("state vector length beyond the frame")
    for _ in range(count):
        reader.var_uint()
        reader.var_uint()
    if not reader.done():
        raise malformed("trailing bytes after state vector")


@dataclass(frozen=True)
class AwarenessEntry:
    """One client's presence in an awareness update; `state` None means it left."""

    client_id: int
    clock: int
    state: dict[str, Any] | None


def decode_awareness(payload: bytes) -> list[AwarenessEntry]:
    """Read an awareness update (y-protocols format) strictly."""
    reader = Reader(payload)
    count = reader.var_uint()
    if count > MAX_AWARENESS_CLIENTS:
        raise malformed("too many clients in one awareness update")
    entries = []
    for _ in range(count):
        client_id, clock = reader.var_uint(), reader.var_uint()
        raw = reader.var_string()
        if len(raw) > MAX_AWARENESS_STATE_BYTES:
            raise malformed("awareness state too large")
        try:
            state = json.loads(raw) if raw else None
        except ValueError as exc:
            raise malformed("awareness state is not JSON") from exc
        if state is not None and not isinstance(state, dict):
            raise malformed("awareness state is not an object")
        entries.append(AwarenessEntry(client_id, clock, state))
    if not reader.done():
        raise malformed("trailing bytes after awareness update")
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    """Write an awareness update (y-protocols format)."""
    parts = [write_var_uint(len(entries))]
    for entry in entries:
        state = json.dumps(entry.state, separators=(",", ":")).encode()
        parts += [
            write_var_uint(entry.client_id),
            write_var_uint(entry.clock),
            write_message(state),
        ]
    return b"".join(parts)


def sync_step1_message(state_vector: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncStep.STEP1]) + write_message(state_vector)


def sync_step2_message(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncStep.STEP2]) + write_message(update)


def update_message(update: bytes) -> bytes:
    return create_update_message(update)


def awareness_message(payload: bytes) -> bytes:
    return create_awareness_message(payload)


def permission_denied_message(reason: str) -> bytes:
    return bytes([MessageType.AUTH, 0]) + write_message(reason.encode())


def app_message(body: dict[str, Any]) -> bytes:
    return write_var_uint(MessageType.APP) + write_message(json.dumps(body).encode())


# Effects: what the connection layer must do for a frame.


@dataclass(frozen=True)
class Send:
    message: bytes


@dataclass(frozen=True)
class AnswerStep1:
    """Reply with sync step 2: what the document has beyond `state_vector`."""

    state_vector: bytes


@dataclass(frozen=True)
class Append:
    update: bytes


@dataclass(frozen=True)
class PublishAwareness:
    payload: bytes


@dataclass(frozen=True)
class SendAwarenessStates:
    """Reply with every known presence state of the document."""


@dataclass(frozen=True)
class RunCommand:
    name: str
    data: dict[str, Any]


Effect = Send | AnswerStep1 | Append | PublishAwareness | SendAwarenessStates | RunCommand


@dataclass
class RateLimiter:
    """A token bucket: `rate` frames a second on average, bursts up to `burst`."""

    rate: float
    burst: float
    tokens: float = -1.0
    stamp: float = 0.0

    def allow(self, now: float, cost: float = 1.0) -> bool:
        if self.tokens < 0:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True


@dataclass
class SyncSession:
    """Decides what one connection's frames mean for one document.

    `writable` is the connection's right to change the document (from `rooms.permissions`;
    false for observers and for documents the server writes alone). `identity` is stamped
    into the connection's awareness states, so nobody can pose as someone else.
    """

    writable: bool
    identity: dict[str, str]
    max_frame_bytes: int
    limiter: RateLimiter
    takes_commands: bool = False
    awareness_clocks: dict[int, int] = field(default_factory=dict)

    def _admit(self, size: int, now: float) -> None:
        if size > self.max_frame_bytes:
            raise ProtocolError(CloseCode.TOO_LARGE, f"frame over {self.max_frame_bytes} bytes")
        if not self.limiter.allow(now):
            raise ProtocolError(CloseCode.RATE_LIMITED, "too many frames")

    def receive_text(self, text: str, now: float) -> list[Effect]:
        """A JSON command frame, such as `{"type": "chat.send", "text": "..."}`."""
        self._admit(len(text.encode()), now)
        if not self.takes_commands:
            raise malformed("this document takes no text frames")
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise malformed("command is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            raise malformed("command must be an object with a string type")
        return [RunCommand(body["type"], body)]

    def receive_bytes(self, data: bytes, now: float) -> list[Effect]:
        """A binary y-websocket frame."""
        self._admit(len(data), now)
        reader = Reader(data)
        kind = reader.var_uint()
        if kind == MessageType.SYNC:
            return self._sync(reader)
        if kind == MessageType.AWARENESS:
            payload = reader.var_bytes()
            if not reader.done():
                raise malformed("trailing bytes after awareness message")
            return self._awareness(payload)
        if kind == MessageType.QUERY_AWARENESS:
            return [SendAwarenessStates()]
        if kind == MessageType.AUTH:
            return []
        raise malformed(f"unknown message type {kind}")

    def _sync(self, reader: Reader) -> list[Effect]:
        step = reader.var_uint()
        payload = reader.var_bytes()
        if not reader.done():
            raise malformed("trailing bytes after sync message")
        if step == SyncStep.STEP1:
            check_state_vector(payload)
            return [AnswerStep1(payload)]
        if step not in (SyncStep.STEP2, SyncStep.UPDATE):
            raise malformed(f"unknown sync step {step}")
        if payload == EMPTY_UPDATE:
            return []
        check_update(payload)
        if not self.writable:
            return [Send(permission_denied_message("read-only: this change was not saved"))]
        return [Append(payload)]

    def _awareness(self, payload: bytes) -> list[Effect]:
        entries = decode_awareness(payload)
        stamped = []
        for entry in entries:
            state = entry.state
            if state is None:
                self.awareness_clocks.pop(entry.client_id, None)
            else:
                self.awareness_clocks[entry.client_id] = entry.clock
                user = state.get("user")
                state = {
                    **state,
                    "user": {**(user if isinstance(user, dict) else {}), **self.identity},
                }
            stamped.append(AwarenessEntry(entry.client_id, entry.clock, state))
        return [PublishAwareness(encode_awareness(stamped))]

    def farewell(self) -> bytes | None:
        """The awareness update that removes this connection's clients when it closes."""
        if not self.awareness_clocks:
            return None
        gone = [AwarenessEntry(c, clock + 1, None) for c, clock in self.awareness_clocks.items()]
        self.awareness_clocks.clear()
        return encode_awareness(gone)
