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

from boards.lib0 import Malformed, Reader
from boards.structure import Limits, ParsedUpdate, Rejected, json_depth, parse_update

MAX_AWARENESS_CLIENTS = 256  # stock clients relay everyone's states: a whole room's worth
MAX_AWARENESS_STATE_BYTES = 4 * 1024
MAX_AWARENESS_DEPTH = 16
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
    TOO_MANY_CONNECTIONS = 4430
    UNAVAILABLE = 4410
    INTERNAL = 4500
    BUSY = 4503
    HANDSHAKE_TIMEOUT = 4508
    TOO_SLOW = 4509


class ProtocolError(Exception):
    """A frame this connection must be closed for."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def malformed(reason: str) -> ProtocolError:
    return ProtocolError(CloseCode.MALFORMED, reason)


def reraise_control_flow(exc: BaseException) -> None:
    """Re-raise control-flow exceptions; pycrdt errors (ValueError, RuntimeError, and Rust
    panics, which arrive as PanicException, a BaseException) become protocol errors."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | asyncio.CancelledError | GeneratorExit):
        raise exc


def check_update(update: bytes) -> None:
    """Raise ProtocolError unless pycrdt decodes `update` (already read by `parse_update`,
    so no nesting in it can overflow the engine's stack). Decoding is what applying it to
    a fresh document would do before anything else, at a twentieth of the cost."""
    try:
        pycrdt.get_state(update)
    except BaseException as exc:
        reraise_control_flow(exc)
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
    """One client's presence in an awareness update; `state` None means it left. `raw` is
    the state as JSON, made once: presence is relayed far more often than it changes."""

    client_id: int
    clock: int
    state: dict[str, Any] | None
    raw: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.raw:
            raw = json.dumps(self.state, separators=(",", ":")).encode()
            object.__setattr__(self, "raw", raw)


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
        if json_depth(raw) > MAX_AWARENESS_DEPTH:
            raise malformed("awareness state nested too deep")
        try:
            state = json.loads(raw) if raw else None
        except ValueError as exc:
            raise malformed("awareness state is not JSON") from exc
        if state is not None and not isinstance(state, dict):
            raise malformed("awareness state is not an object")
        entries.append(AwarenessEntry(client_id, clock, state, raw.encode() if raw else b""))
    if not reader.done():
        raise malformed("trailing bytes after awareness update")
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    """Write an awareness update (y-protocols format)."""
    parts = [write_var_uint(len(entries))]
    for entry in entries:
        parts += [
            write_var_uint(entry.client_id),
            write_var_uint(entry.clock),
            write_message(entry.raw),
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


def refusal_messages(kind: str | None, code: str, message: str) -> list[Effect]:
    """What a refused update is answered with: y-websocket's permission-denied message,
    which stock clients log, and, on documents whose clients read them, a type-100 reply
    `{"type": "<kind>.error", "code", "message"}` the bundled client shows."""
    replies: list[Effect] = [Send(permission_denied_message(message))]
    if kind is not None:
        replies.append(
            Send(app_message({"type": f"{kind}.error", "code": code, "message": message}))
        )
    return replies


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
    """Store a client's update, if the document's structure and the author's quota admit it
    (the connection checks both: they depend on the document and the store)."""

    update: bytes
    parsed: ParsedUpdate = field(compare=False)
    reply_to_step1: bool = False


@dataclass(frozen=True)
class PublishAwareness:
    """Presence from this connection; the hub keeps only entries of client ids it owns."""

    entries: list[AwarenessEntry]


@dataclass(frozen=True)
class SendAwarenessStates:
    """Reply with every known presence state of the document."""


@dataclass(frozen=True)
class RunCommand:
    name: str
    data: dict[str, Any]


Effect = Send | AnswerStep1 | Append | PublishAwareness | SendAwarenessStates | RunCommand


@dataclass(slots=True)
class RateLimiter:
    """A token bucket: `rate` units a second on average, bursts up to `burst`."""

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


@dataclass(slots=True)
class SyncSession:
    """Decides what one connection's frames mean for one document.

    `writable` is the connection's right to change the document (from `rooms.permissions`;
    false for observers and for documents the server writes alone); it is checked before
    an update's content is read at all. `identity` is stamped into the connection's
    awareness states, so nobody can pose as someone else. `limiter` counts frames,
    `byte_limiter` bytes; `refusals` names the type-100 replies its clients read.
    """

    writable: bool
    identity: dict[str, str]
    max_frame_bytes: int
    limiter: RateLimiter
    byte_limiter: RateLimiter | None = None
    limits: Limits = field(default_factory=Limits)
    takes_commands: bool = False
    refusals: str | None = None
    synced: bool = False

    def _admit(self, size: int, now: float) -> None:
        if size > self.max_frame_bytes:
            raise ProtocolError(CloseCode.TOO_LARGE, f"frame over {self.max_frame_bytes} bytes")
        if not self.limiter.allow(now):
            raise ProtocolError(CloseCode.RATE_LIMITED, "too many frames")
        if self.byte_limiter is not None and not self.byte_limiter.allow(now, size):
            raise ProtocolError(CloseCode.RATE_LIMITED, "too many bytes")

    def receive_text(self, text: str, now: float) -> list[Effect]:
        """A JSON command frame, such as `{"type": "chat.send", "text": "..."}`."""
        self._admit(len(text.encode()), now)
        if not self.takes_commands:
            raise malformed("this document takes no text frames")
        if json_depth(text) > self.limits.max_value_depth:
            raise malformed("command nested too deep")
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
        try:
            return self._dispatch(Reader(data))
        except Malformed as exc:
            raise malformed(str(exc)) from exc

    def _dispatch(self, reader: Reader) -> list[Effect]:
        kind = reader.var_uint()
        if kind == MessageType.SYNC:
            return self._sync(reader)
        if kind == MessageType.AWARENESS:
            payload = reader.var_bytes()
            if not reader.done():
                raise malformed("trailing bytes after awareness message")
            return [PublishAwareness(self._stamped(decode_awareness(payload)))]
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
            self.synced = True
            return [AnswerStep1(payload)]
        if step not in (SyncStep.STEP2, SyncStep.UPDATE):
            raise malformed(f"unknown sync step {step}")
        if payload == EMPTY_UPDATE:
            return []
        if not self.writable:
            return refusal_messages(self.refusals, "read_only", READ_ONLY)
        try:
            parsed = parse_update(payload, self.limits)
        except Rejected as rejected:
            return refusal_messages(self.refusals, rejected.code, rejected.message)
        return [Append(payload, parsed, reply_to_step1=step == SyncStep.STEP2)]

    def _stamped(self, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """Entries with `user.id` and `user.name` set to this connection's identity."""
        stamped = []
        for entry in entries:
            state = entry.state
            if state is not None:
                user = state.get("user")
                state = {
                    **state,
                    "user": {**(user if isinstance(user, dict) else {}), **self.identity},
                }
            stamped.append(AwarenessEntry(entry.client_id, entry.clock, state))
        return stamped


READ_ONLY = "read-only: this change was not saved"
