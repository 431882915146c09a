"""The pure protocol layer: strict decoding, permissions at dispatch, rate and size limits."""

from __future__ import annotations

import json

import pycrdt
import pytest
from pycrdt import write_var_uint

from boards.protocol import (
    AnswerStep1,
    Append,
    AwarenessEntry,
    CloseCode,
    ProtocolError,
    PublishAwareness,
    RateLimiter,
    RunCommand,
    Send,
    SendAwarenessStates,
    SyncSession,
    encode_awareness,
    permission_denied_message,
    sync_step1_message,
    sync_step2_message,
    update_message,
)


def a_real_update() -> bytes:
    doc = pycrdt.Doc()
    doc["objects"] = objects = pycrdt.Map()
    objects["n1"] = pycrdt.Map({"type": "note", "x": 1.0})
    return doc.get_update()


def session(writable: bool = True, **kwargs: object) -> SyncSession:
    options: dict = {
        "writable": writable,
        "identity": {"id": "u1", "name": "Ada"},
        "max_frame_bytes": 1024,
        "limiter": RateLimiter(rate=10, burst=10),
    }
    options.update(kwargs)
    return SyncSession(**options)


def test_update_from_a_writer_is_appended() -> None:
    update = a_real_update()
    [effect] = session().receive_bytes(update_message(update), now=0)
    assert isinstance(effect, Append)
    assert (effect.update, effect.reply_to_step1) == (update, False)
    assert [item.key for item in effect.parsed.items if item.root] == ["n1"]
    [effect] = session().receive_bytes(sync_step2_message(update), now=0)
    assert isinstance(effect, Append) and effect.reply_to_step1


BOMB = b"\x01\x01\x01\x00\x08\x01\x07objects\x01" + b"\x75\x01" * 100_000 + b"\x7e\x00"


def test_a_value_nested_past_the_limit_is_refused_without_being_applied() -> None:
    writer = session(max_frame_bytes=1 << 20, refusals="board")
    effects = writer.receive_bytes(update_message(BOMB), now=0)
    assert isinstance(effects[1], Send)
    assert json.loads(effects[1].message[2:])["code"] == "too_deep"


def test_observer_updates_are_refused_before_their_content_is_read() -> None:
    observer = session(writable=False, max_frame_bytes=1 << 20, refusals="board")
    effects = observer.receive_bytes(update_message(BOMB), now=0)
    assert effects[0] == Send(permission_denied_message("read-only: this change was not saved"))
    assert isinstance(effects[1], Send)
    assert json.loads(effects[1].message[2:]) == {  # type 100, then the JSON's length (1 byte)
        "type": "board.error",
        "code": "read_only",
        "message": "read-only: this change was not saved",
    }


def test_observer_update_is_dropped_and_answered_with_permission_denied() -> None:
    effects = session(writable=False).receive_bytes(update_message(a_real_update()), now=0)
    assert effects == [Send(permission_denied_message("read-only: this change was not saved"))]


def test_empty_update_is_ignored_even_for_observers() -> None:
    assert session(writable=False).receive_bytes(sync_step2_message(b"\x00\x00"), now=0) == []


def test_step1_asks_for_an_answer() -> None:
    state_vector = pycrdt.Doc().get_state()
    assert session().receive_bytes(sync_step1_message(state_vector), now=0) == [
        AnswerStep1(state_vector)
    ]


def test_query_awareness() -> None:
    assert session().receive_bytes(bytes([3]), now=0) == [SendAwarenessStates()]


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x09",
        b"\x00\x07\x00",
        b"\x00\x02\x05ab",  # length prefix beyond the frame
        b"\x00\x02" + write_var_uint(2**40) + b"x",  # a length claiming a terabyte
        b"\x00\x02\x03\xff\xff\xff",  # garbage update
        b"\x00\x00\x02\x05\x01",  # state vector claiming entries it lacks
        b"\x01\x02\x01\x00",  # truncated awareness
        b"\x00" + b"\xff" * 20,  # endless integer
        update_message(a_real_update()) + b"\x00",  # trailing bytes
    ],
)
def test_malformed_frames_raise_a_protocol_error(frame: bytes) -> None:
    with pytest.raises(ProtocolError) as raised:
        session().receive_bytes(frame, now=0)
    assert raised.value.code == CloseCode.MALFORMED


def test_update_claiming_billions_of_structs_is_refused_without_harm() -> None:
    claim = write_var_uint(1) + write_var_uint(2**40) + write_var_uint(1) + write_var_uint(0)
    with pytest.raises(ProtocolError):
        session().receive_bytes(update_message(claim + b"\x00"), now=0)


def test_oversized_frame() -> None:
    with pytest.raises(ProtocolError) as raised:
        session(max_frame_bytes=10).receive_bytes(update_message(a_real_update()), now=0)
    assert raised.value.code == CloseCode.TOO_LARGE


def test_rate_limit_closes_a_flooding_connection_and_refills_with_time() -> None:
    flooded = session(limiter=RateLimiter(rate=2, burst=3))
    frame = bytes([3])
    for _ in range(3):
        flooded.receive_bytes(frame, now=0)
    with pytest.raises(ProtocolError) as raised:
        flooded.receive_bytes(frame, now=0)
    assert raised.value.code == CloseCode.RATE_LIMITED
    assert flooded.receive_bytes(frame, now=1.0) == [SendAwarenessStates()]


def test_awareness_is_stamped_with_the_real_identity() -> None:
    forged = encode_awareness([AwarenessEntry(7, 3, {"user": {"name": "Mallory", "id": "u9"}})])
    [effect] = session().receive_bytes(bytes([1]) + write_var_uint(len(forged)) + forged, now=0)
    assert isinstance(effect, PublishAwareness)
    [entry] = effect.entries
    assert entry.state == {"user": {"name": "Ada", "id": "u1"}}


def test_bytes_are_rate_limited_as_well_as_frames() -> None:
    limited = session(max_frame_bytes=1 << 20, byte_limiter=RateLimiter(1000, 1000))
    padded_auth = bytes([2]) + b"\x00" * 600  # an auth message, ignored, but 601 bytes
    limited.receive_bytes(padded_auth, now=0)
    with pytest.raises(ProtocolError) as raised:
        limited.receive_bytes(padded_auth, now=0)
    assert raised.value.code == CloseCode.RATE_LIMITED


def test_deeply_nested_awareness_state_is_malformed() -> None:
    raw = ("[" * 3000 + "]" * 3000).encode()
    payload = b"\x01\x07\x01" + write_var_uint(len(raw)) + raw
    with pytest.raises(ProtocolError) as raised:
        session(max_frame_bytes=1 << 20).receive_bytes(
            bytes([1]) + write_var_uint(len(payload)) + payload, now=0
        )
    assert raised.value.code == CloseCode.MALFORMED


def test_text_commands_only_where_the_document_takes_them() -> None:
    chat = session(writable=False, takes_commands=True)
    assert chat.receive_text('{"type": "chat.send", "text": "hi"}', now=0) == [
        RunCommand("chat.send", {"type": "chat.send", "text": "hi"})
    ]
    for bad in ["not json", "[1, 2]", '{"type": 3}']:
        with pytest.raises(ProtocolError):
            chat.receive_text(bad, now=0)
    with pytest.raises(ProtocolError):
        session().receive_text('{"type": "chat.send"}', now=0)
