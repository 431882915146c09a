"""Recording a session over the room socket: facilitators start and stop it, everyone sees
it in the room document, and a lab that records does so from its first phase to its last.
Who is present is sampled while it records, and written only when it changed."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User

from boards import attendance as attendance_module
from boards.attendance import Attendance
from boards.hub import Hub, install_hub
from boards.protocol import AwarenessEntry, awareness_message, encode_awareness
from boards.store.memory import MemoryRoomStore
from rooms.models import Recording, RecordingPresence, Role, Room
from tests.boards.test_consumer import Peer, command, member, room_map, room_sockets

pytestmark = pytest.mark.django_db(transaction=True)
AGENDA = [
    {"id": "warm-up", "title": "Warm-up", "minutes": 5},
    {"id": "ideas", "title": "Ideas", "minutes": 10},
]


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    live = Hub(MemoryRoomStore(), compact=False)
    install_hub(live)
    yield live
    await live.close()


async def shown_recording(peer: Peer, wanted: bool) -> Any:
    """The room's `recording` once it is (`wanted`) or is not shown."""
    while (room_map(peer).get("recording") is not None) != wanted:
        await peer.pump(frames=1)
    return room_map(peer).get("recording")


async def test_facilitators_start_and_stop_a_recording_that_everyone_sees(hub: Hub) -> None:
    host, guest, watcher = await room_sockets()
    for peer in (guest, watcher):
        refused = await command(peer, {"type": "recording.start", "title": "Mine"})
        assert refused["type"] == "room.error" and refused["code"] == "forbidden"
    assert (await command(guest, {"type": "recording.stop"}))["code"] == "forbidden"

    start = {"type": "recording.start", "title": "  Demo\u200b day\n "}
    await host.socket.send_to(text_data=json.dumps(start))
    shown = await shown_recording(watcher, wanted=True)
    assert set(shown) == {"id", "title", "startedAt"} and shown["title"] == "Demo day"
    recording = await sync_to_async(Recording.objects.get)()
    fay = await sync_to_async(User.objects.get)(username="fay")
    assert shown["id"] == str(recording.pk) and shown["startedAt"] == recording.started_ms
    assert recording.ended_ms is None and recording.started_by_id == fay.pk
    assert not recording.automatic
    again = await command(host, {"type": "recording.start", "title": "Twice"})
    assert again["code"] == "closed"
    assert await sync_to_async(Recording.objects.count)() == 1, "nothing made for a refusal"

    await host.socket.send_to(text_data=json.dumps({"type": "recording.stop"}))
    assert await shown_recording(watcher, wanted=False) is None
    await sync_to_async(recording.refresh_from_db)()
    assert recording.ended_ms is not None and recording.ended_ms >= recording.started_ms
    assert (await command(host, {"type": "recording.stop"}))["code"] == "closed"

    await host.socket.send_to(text_data=json.dumps({"type": "recording.start"}))
    unnamed = await shown_recording(watcher, wanted=True)
    assert re.fullmatch(r"Lab \N{EN DASH} \d{4}-\d{2}-\d{2}", unnamed["title"])


async def test_a_lab_that_records_does_so_from_its_first_phase_to_its_last(hub: Hub) -> None:
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    await sync_to_async(Room.objects.filter(slug="lab").update)(record_labs=True)
    host = await Peer("/ws/rooms/lab/room", facilitator).join()
    await host.socket.send_to(text_data=json.dumps({"type": "agenda.set", "agenda": AGENDA}))
    while not room_map(host).get("agenda"):
        await host.pump(frames=1)
    assert room_map(host).get("recording") is None, "an agenda alone records nothing"

    await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": "warm-up"}))
    first = await shown_recording(host, wanted=True)
    recording = await sync_to_async(Recording.objects.get)()
    assert recording.automatic and first["id"] == str(recording.pk)
    await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": "ideas"}))
    while room_map(host)["phase"] != "ideas":
        await host.pump(frames=1)
    assert room_map(host)["recording"] == first, "the same recording, phase after phase"
    await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": None}))
    await shown_recording(host, wanted=False)
    await sync_to_async(recording.refresh_from_db)()
    assert recording.ended_ms is not None
    assert recording.phases == ["Warm-up", "Ideas"], "kept for the recordings lists"

    # A recording a facilitator started goes on after the agenda; dropping the current
    # phase from the agenda ends an automatic one.
    await host.socket.send_to(text_data=json.dumps({"type": "recording.start"}))
    manual = await shown_recording(host, wanted=True)
    for phase in ("warm-up", None):
        await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": phase}))
        while room_map(host)["phase"] != phase:
            await host.pump(frames=1)
    assert room_map(host)["recording"] == manual
    await host.socket.send_to(text_data=json.dumps({"type": "recording.stop"}))
    await shown_recording(host, wanted=False)
    stopped = await sync_to_async(Recording.objects.get)(pk=manual["id"])
    assert stopped.phases == ["Warm-up"]
    await host.socket.send_to(text_data=json.dumps({"type": "phase.go", "id": "ideas"}))
    await shown_recording(host, wanted=True)
    await host.socket.send_to(text_data=json.dumps({"type": "agenda.set", "agenda": AGENDA[:1]}))
    await shown_recording(host, wanted=False)
    assert room_map(host)["phase"] is None
    counts = await sync_to_async(
        lambda: (Recording.objects.count(), Recording.objects.filter(ended_ms=None).count())
    )()
    assert counts == (3, 0)


class FakeHub:
    """The presence of boards and the values of room documents, as a hub keeps them."""

    def __init__(self) -> None:
        self.recording: dict[str, Any] | None = None
        self.people: list[tuple[str, str]] = []

    def presence(self, name: str) -> bytes | None:
        entries = [
            AwarenessEntry(number, 1, {"user": {"id": who, "name": name}, "cursor": None})
            for number, (who, name) in enumerate(self.people, 1)
        ]
        return encode_awareness(entries) if entries else None

    def values(self, name: str, root: str) -> dict[str, Any]:
        return {"recording": self.recording} if name == "lab/room" else {}


@pytest.fixture
async def sampled(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[FakeHub, Attendance]]:
    """A process's attendance of the `lab` board, sampled by hand (`sample`)."""
    monkeypatch.setattr(attendance_module, "SAMPLE_SECONDS", 3600.0)
    source = FakeHub()
    sampler = Attendance(source)
    sampler.watch("lab/board")
    yield source, sampler
    await sampler.close()


def samples(recording: Recording) -> list[tuple[int, str, str]]:
    rows = RecordingPresence.objects.filter(recording=recording).order_by("second", "identity")
    return list(rows.values_list("second", "identity", "name"))


async def test_presence_is_written_only_when_the_people_present_change(
    sampled: tuple[FakeHub, Attendance],
) -> None:
    source, sampler = sampled
    room = await sync_to_async(Room.objects.create)(slug="lab", title="Lab")
    recording = await sync_to_async(Recording.objects.create)(room=room, title="T", started_ms=1)
    source.people = [("u1", "Ada"), ("u1", "Ada"), ("u2", "Bob")]  # Ada in two tabs
    await sampler.sample(100)
    assert await sync_to_async(samples)(recording) == [], "nothing is being recorded"
    source.recording = {"id": str(recording.pk), "title": "T", "startedAt": 1}
    await sampler.sample(101)
    await sampler.sample(102)
    source.people = [("u2", "Bob")]
    await sampler.sample(103)
    await sampler.sample(104)
    expected = [(101, "u1", "Ada"), (101, "u2", "Bob"), (103, "u2", "Bob")]
    assert await sync_to_async(samples)(recording) == expected

    elsewhere = Attendance(source)  # another process: same second, then a later one
    elsewhere.watch("lab/board")
    try:
        await elsewhere.sample(103)
        source.people = [("u2", "Bob"), ("u3", "Cy")]
        await sampler.sample(105)
        await elsewhere.sample(105)
        await elsewhere.sample(106)
    finally:
        await elsewhere.close()
    expected += [(105, "u2", "Bob"), (105, "u3", "Cy")]
    assert await sync_to_async(samples)(recording) == expected

    await sync_to_async(Recording.objects.filter(pk=recording.pk).update)(ended_ms=2)
    source.people = []
    await sampler.sample(107)
    assert await sync_to_async(samples)(recording) == expected, "it has ended"


async def test_whoever_is_on_the_board_while_it_records_is_sampled(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attendance_module, "SAMPLE_SECONDS", 0.05)
    facilitator = await sync_to_async(member)("lab", Role.FACILITATOR, "fay")
    participant = await sync_to_async(member)("lab", Role.PARTICIPANT, "pat")
    host = await Peer("/ws/rooms/lab/room", facilitator).join()
    board = await Peer("/ws/rooms/lab/board", participant).join()
    claims = {"user": {"id": "u999", "name": "Someone else"}, "cursor": None}
    await board.socket.send_to(
        bytes_data=awareness_message(encode_awareness([AwarenessEntry(7, 1, claims)]))
    )
    await host.socket.send_to(text_data=json.dumps({"type": "recording.start"}))
    await shown_recording(host, wanted=True)
    pat = await sync_to_async(User.objects.get)(username="pat")

    def sampled() -> list[tuple[str, str]]:
        return list(RecordingPresence.objects.values_list("identity", "name"))

    async with asyncio.timeout(5):
        while not await sync_to_async(sampled)():  # noqa: ASYNC110  (rows, not an event)
            await asyncio.sleep(0.05)
    await hub.attendance.sample(int(time.time()) + 60)  # a later sample, the same people
    assert await sync_to_async(sampled)() == [(f"u{pat.pk}", "Pat")], "as the server named them"
