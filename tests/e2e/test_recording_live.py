"""A session recorded on two live server processes, then played back: every moment holds
exactly what was written up to it, a stock Yjs client reads it as pycrdt does, it answers
the same after compaction trims the log, a worker restart and a Redis restart, and only the
room's people (members, or holders of an invite token) get it."""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrdt
import pytest
import redis

from boards.models import DocumentKeyframe
from boards.store.redis import RedisRoomStore
from tests.conftest import LiveCluster, start_cluster
from tests.e2e.test_cluster import client, room_state
from tests.e2e.test_node_client import run_node
from tests.support.servers import RedisServer
from tests.support.yclient import YClient, add_note, board_notes

pytestmark = pytest.mark.redis

SLUG = "replayed"
#: Low, so that compaction writes keyframes (and trims the log) while the session records.
COMPACT_AFTER = 6
#: Board changes each of the two writers makes, and chat messages each sends.
BOARD_CHANGES = 45
CHAT_MESSAGES = 4
#: A note written before the recording started: there at every moment of it.
BEFORE = {"before": "before"}


@dataclass(frozen=True)
class Change:
    """One change a test client made: the mark it leaves in the document (a note's id, a
    mark appended to a note's text, a chat message's text), the note it belongs to, and
    when it was sent and when the client on the other process saw it (server ms): the
    server stored it between the two."""

    mark: str
    note: str
    sent_ms: int
    seen_ms: int


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Session:
    """The recorded session, and what its test clients wrote in it."""

    cluster: LiveCluster
    folder: Path
    redis_url: str
    token: str  # a participant's invite token
    recording: int
    started_ms: int
    board: list[Change]
    chat: list[Change]
    live_board: dict[str, Any]  # the board the clients had when the recording stopped

    def url(self, tail: str, server: int = 0, token: str | None = "", **query: object) -> str:
        """A playback endpoint of the recording (`tail` after `/recordings/<id>`), with the
        participant's token unless `token` says another (None: without one)."""
        if token is not None:
            query["token"] = token or self.token
        base = f"{self.cluster.servers[server].http_url}/r/{SLUG}/recordings/{self.recording}"
        return f"{base}{tail}?{urllib.parse.urlencode(query)}"


def now_ms() -> int:
    return math.floor(time.time() * 1000)


def seen_ms() -> int:
    return math.ceil(time.time() * 1000)


def board_marks(doc: pycrdt.Doc) -> set[str]:
    """Every change a board holds: its notes' ids and the marks appended to their texts."""
    marks: set[str] = set()
    for key, note in board_notes(doc).items():
        marks.add(key)
        marks.update(str(note["text"]).split("|")[1:])
    return marks


def board_texts(doc: pycrdt.Doc) -> dict[str, str]:
    return {key: str(note["text"]) for key, note in board_notes(doc).items()}


def chat_texts(doc: pycrdt.Doc) -> set[str]:
    return {str(m["text"]) for m in doc.get("messages", type=pycrdt.Array).to_py() or []}


def doc_of(update: bytes) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    doc.apply_update(update)
    return doc


#: The root type each document of a room keeps its content in.
ROOTS: dict[str, tuple[str, type[pycrdt.Map] | type[pycrdt.Array]]] = {
    "board": ("objects", pycrdt.Map),
    "chat": ("messages", pycrdt.Array),
    "room": ("room", pycrdt.Map),
}


def content(kind: str, update: bytes) -> Any:
    """The content of a room's document of `kind` (one Yjs update), as plain values."""
    root, root_type = ROOTS[kind]
    return doc_of(update).get(root, type=root_type).to_py()


def holding(
    doc: pycrdt.Doc, marks: Callable[[pycrdt.Doc], set[str]], mark: str
) -> Callable[[], bool]:
    """Whether `doc` holds the change `mark` (a predicate for `YClient.wait_for`)."""
    return lambda: mark in marks(doc)


async def write_board(writer: YClient, other: YClient, name: str) -> list[Change]:
    """Small board changes, one at a time: a new note, or a mark appended to the writer's
    newest note (every third change); each seen by the client on the other process."""
    objects = writer.doc.get("objects", type=pycrdt.Map)
    changes: list[Change] = []
    note = ""
    for i in range(BOARD_CHANGES):
        sent = now_ms()
        if i % 3 == 2:
            mark = f"{name}{i}"
            text = objects[note]["text"]
            text.insert(len(text), f"|{mark}")
        else:
            note = mark = f"{name}-{i}"
            add_note(writer.doc, note, note, x=20.0 * i)
        await other.wait_for(holding(other.doc, board_marks, mark))
        changes.append(Change(mark, note, sent, seen_ms()))
        await asyncio.sleep(0.05)
    return changes


async def write_chat(writer: YClient, other: YClient, name: str) -> list[Change]:
    """Chat messages spread over the session (within the chat's rate limit)."""
    changes: list[Change] = []
    for i in range(CHAT_MESSAGES):
        text, sent = f"chat {name}{i}", now_ms()
        await writer.command({"type": "chat.send", "text": text})
        await other.wait_for(holding(other.doc, chat_texts, text))
        changes.append(Change(text, "", sent, seen_ms()))
        await asyncio.sleep(1.3)
    return changes


async def record(cluster: LiveCluster, host: str, ada: str, ben: str) -> dict[str, Any]:
    """A facilitator on process 0 records while Ada (process 0) and Ben (process 1) edit the
    board and chat; a note comes before the recording and one after it."""
    control = await client(cluster, 0, SLUG, "room", host).join()
    ada_board = await client(cluster, 0, SLUG, "board", ada).join()
    ben_board = await client(cluster, 1, SLUG, "board", ben).join()
    ada_chat = await client(cluster, 0, SLUG, "chat", ada).join()
    ben_chat = await client(cluster, 1, SLUG, "chat", ben).join()
    add_note(ada_board.doc, "before", "before")
    await ben_board.wait_for(lambda: "before" in board_marks(ben_board.doc))
    await control.command({"type": "recording.start", "title": "Live recording"})
    await control.wait_for(lambda: bool(room_state(control).get("recording")))
    shown = room_state(control)["recording"]
    board_a, board_b, chat_a, chat_b = await asyncio.gather(
        write_board(ada_board, ben_board, "a"),
        write_board(ben_board, ada_board, "b"),
        write_chat(ada_chat, ben_chat, "a"),
        write_chat(ben_chat, ada_chat, "b"),
    )
    live_board = board_notes(ada_board.doc)
    assert live_board == board_notes(ben_board.doc)
    await control.command({"type": "recording.stop"})
    await control.wait_for(lambda: room_state(control).get("recording") is None)
    add_note(ben_board.doc, "after", "after")
    await ada_board.wait_for(lambda: "after" in board_marks(ada_board.doc))
    for peer in (control, ada_board, ben_board, ada_chat, ben_chat):
        await peer.close()
    return {
        "recording": int(shown["id"]),
        "started_ms": int(shown["startedAt"]),
        "board": board_a + board_b,
        "chat": chat_a + chat_b,
        "live_board": live_board,
    }


@pytest.fixture(scope="module")
def session(
    tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer
) -> Iterator[Session]:
    """One recorded session on two server processes (compacting every `COMPACT_AFTER`
    entries) for the whole module; its tests read it, the last one restarts things."""
    store = redis.Redis.from_url(redis_server.url)
    store.flushall()
    store.close()
    folder = tmp_path_factory.mktemp("recording")
    cluster = start_cluster(folder, redis_server.url, 2, COMPACT_AFTER=str(COMPACT_AFTER))
    try:
        cluster.room(SLUG)
        host, ada, ben = (
            cluster.token(SLUG, role) for role in ("facilitator", "participant", "participant")
        )
        recorded = asyncio.run(record(cluster, host, ada, ben))
        yield Session(cluster, folder, redis_server.url, ada, **recorded)
    finally:
        for server in cluster.servers:
            server.stop()


def http_get(url: str) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return Answer(response.status, headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


async def fetch(url: str) -> Answer:
    return await asyncio.to_thread(http_get, url)


async def fetch_ok(url: str) -> Answer:
    answer = await fetch(url)
    assert answer.status == 200, (url, answer.status, answer.body[:200])
    return answer


async def duration_of(session: Session) -> int:
    detail = (await fetch_ok(session.url(".json"))).json()
    assert detail["endedAt"] is not None
    return int(detail["durationMs"])


async def updates_of(session: Session, doc: str, server: int = 0) -> list[tuple[int, str, bytes]]:
    """Every update of `doc` in the recording: (ms from its start, author, Yjs update)."""
    answer = await fetch_ok(session.url("/updates", server, doc=doc))
    assert "x-recording-next" not in answer.headers
    decoder = pycrdt.Decoder(answer.body)
    return [
        (decoder.read_var_uint(), decoder.read_var_string(), decoder.read_message() or b"")
        for _ in range(decoder.read_var_uint())
    ]


async def state_of(session: Session, doc: str, at: int, server: int = 0) -> Answer:
    return await fetch_ok(session.url("/state", server, doc=doc, at=at))


def stamps(
    base: bytes, updates: Iterable[tuple[int, str, bytes]], marks: Callable[[pycrdt.Doc], set[str]]
) -> dict[str, tuple[int, str]]:
    """When each change entered the document, and who made it, read off the updates in
    order on top of `base` (the document at the start): every update adds at least one."""
    doc = doc_of(base)
    held = marks(doc)
    stamped: dict[str, tuple[int, str]] = {}
    for at, author, update in updates:
        doc.apply_update(update)
        now = marks(doc)
        assert now > held, f"the update at {at} ms adds no change a writer made"
        stamped.update(dict.fromkeys(now - held, (at, author)))
        held = now
    return stamped


def moments(times: Iterable[int], duration: int) -> list[int]:
    """Each change's time, the ms before it and a moment between it and the next; both ends,
    and moments outside the recording (clamped into it)."""
    points = sorted(set(times))
    chosen = {-500, 0, duration, duration + 5000}
    for point, following in zip(points, [*points[1:], duration], strict=True):
        chosen.update({point - 1, point, (point + following) // 2})
    return sorted(chosen)


def board_at(changes: Iterable[Change], times: dict[str, int], at: int) -> dict[str, str]:
    """The notes' texts the writers' changes made by `at` ms from the start."""
    notes = dict(BEFORE)
    for change in changes:  # each writer's changes, in the order it made them
        if times[change.mark] <= at:
            if change.mark == change.note:
                notes[change.note] = change.note
            else:
                notes[change.note] += f"|{change.mark}"
    return notes


def keyframes_between(session: Session, doc: str, start_ms: int, end_ms: int) -> int:
    """Keyframes compaction wrote of `doc` up to entries in the span (the live database)."""
    table = DocumentKeyframe._meta.db_table
    with sqlite3.connect(session.folder / "db.sqlite3") as db:
        query = f"SELECT COUNT(*) FROM {table} WHERE doc = ? AND ms BETWEEN ? AND ?"
        return int(db.execute(query, (f"{SLUG}/{doc}", start_ms, end_ms)).fetchone()[0])


async def oldest_logged_ms(session: Session, doc: str) -> int | None:
    """The server time of the oldest entry the Redis log of `doc` still holds."""
    store = RedisRoomStore(session.redis_url)
    try:
        oldest = await store.read(f"{SLUG}/{doc}", limit=1)
    finally:
        await store.close()
    return oldest[0].time_ms if oldest else None


async def test_every_moment_holds_exactly_what_was_written_up_to_it(session: Session) -> None:
    duration = await duration_of(session)
    start = session.started_ms

    # Compaction wrote keyframes while the session recorded, and trimmed the log into it.
    assert keyframes_between(session, "board", start, start + duration) >= 2
    oldest = await oldest_logged_ms(session, "board")
    assert oldest is not None and oldest > start

    # When each change was stored, by the updates endpoint: between its sending and the
    # other process's client seeing it; each writer's changes under one author of its own.
    board_base = (await state_of(session, "board", 0)).body
    chat_base = (await state_of(session, "chat", 0)).body
    assert board_texts(doc_of(board_base)) == BEFORE
    assert chat_texts(doc_of(chat_base)) == set()
    board = stamps(board_base, await updates_of(session, "board", 1), board_marks)
    chat = stamps(chat_base, await updates_of(session, "chat"), chat_texts)
    assert set(board) == {change.mark for change in session.board}
    assert set(chat) == {change.mark for change in session.chat}
    stamped = {**board, **chat}
    for change in session.board + session.chat:
        assert change.sent_ms - start <= stamped[change.mark][0] <= change.seen_ms - start
    for changes in (session.board, session.chat):
        authors = {
            name: {stamped[c.mark][1] for c in changes if c.mark.removeprefix("chat ")[0] == name}
            for name in "ab"
        }
        assert len(authors["a"]) == len(authors["b"]) == 1 and authors["a"] != authors["b"]
    board_times = {mark: at for mark, (at, _) in board.items()}
    chat_times = {mark: at for mark, (at, _) in chat.items()}

    # Every moment, from either process: exactly the changes stored up to it.
    board_moments = moments(board_times.values(), duration)
    chat_moments = moments(chat_times.values(), duration)
    board_answers = await asyncio.gather(
        *(state_of(session, "board", at, i % 2) for i, at in enumerate(board_moments))
    )
    chat_answers = await asyncio.gather(
        *(state_of(session, "chat", at, i % 2) for i, at in enumerate(chat_moments))
    )
    for at, answer in zip(board_moments, board_answers, strict=True):
        shown = min(max(at, 0), duration)
        assert answer.headers["x-recording-at"] == str(shown)
        wanted = board_at(session.board, board_times, shown)
        assert board_texts(doc_of(answer.body)) == wanted, f"board at {at} ms"
    for at, answer in zip(chat_moments, chat_answers, strict=True):
        shown = min(max(at, 0), duration)
        wanted_chat = {mark for mark, time_ms in chat_times.items() if time_ms <= shown}
        assert chat_texts(doc_of(answer.body)) == wanted_chat, f"chat at {at} ms"

    # The end is the live board as it was when the recording stopped, whole.
    end = await state_of(session, "board", duration)
    assert board_notes(doc_of(end.body)) == session.live_board
    room = doc_of((await state_of(session, "room", duration // 2)).body)
    recording = room.get("room", type=pycrdt.Map).to_py()["recording"]
    assert recording["id"] == str(session.recording) and recording["title"] == "Live recording"


@pytest.mark.node
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
async def test_a_stock_yjs_client_reads_the_recording_as_pycrdt_does(
    session: Session, tmp_path: Path
) -> None:
    duration = await duration_of(session)
    updates = await updates_of(session, "board")
    times = [at for at, _, _ in updates]
    chosen = sorted({0, duration, duration + 1000, *times[::5], *(at - 1 for at in times[2::7])})
    server = session.cluster.servers[1]
    result = await asyncio.to_thread(
        run_node,
        tmp_path,
        mode="playback",
        http=server.http_url,
        room=SLUG,
        token=session.token,
        recording=session.recording,
        moments=chosen,
    )
    pycrdt_reads = await asyncio.gather(*(state_of(session, "board", at) for at in chosen))
    assert [state["moment"] for state in result["states"]] == chosen
    for state, answer in zip(result["states"], pycrdt_reads, strict=True):
        assert state["at"] == min(state["moment"], duration)
        assert state["objects"] == board_notes(doc_of(answer.body)), state["moment"]
    assert result["states"][-1]["objects"] == session.live_board
    # The player's way, the state at the start and then every update, ends there too.
    assert result["times"] == times and result["next"] is None
    assert result["replayed"] == session.live_board


async def test_an_invite_token_opens_the_playback_and_nobody_else(session: Session) -> None:
    cluster = session.cluster
    observer = await asyncio.to_thread(cluster.token, SLUG, "observer")
    await asyncio.to_thread(cluster.room, "elsewhere")
    outsider = await asyncio.to_thread(cluster.token, "elsewhere")
    listing = f"{cluster.servers[1].http_url}/r/{SLUG}/recordings.json"
    tails: list[tuple[str, dict[str, object]]] = [
        (".json", {}),
        ("/state", {"doc": "board", "at": 1000}),
        ("/updates", {"doc": "chat"}),
    ]

    listed = await fetch_ok(f"{listing}?token={urllib.parse.quote(observer)}")
    assert [item["id"] for item in listed.json()] == [str(session.recording)]
    watched = [await fetch_ok(session.url(t, 1, token=observer, **q)) for t, q in tails]
    assert watched[0].json()["id"] == str(session.recording)
    assert watched[1].headers["x-recording-at"] == "1000"
    assert pycrdt.Decoder(watched[2].body).read_var_uint() == len(session.chat)

    refused = [await fetch(f"{listing}?token={urllib.parse.quote(outsider)}"), await fetch(listing)]
    for token in (outsider, None):
        refused += [await fetch(session.url(t, 1, token=token, **q)) for t, q in tails]
    assert [answer.status for answer in refused] == [403] * 8
    assert all("error" in answer.json() for answer in refused)


async def test_a_participant_on_the_other_process_can_neither_start_nor_stop_a_recording(
    session: Session,
) -> None:
    """The rule holds at the server against a raw client: a participant's room socket on the
    process that did not start the recording is refused both commands, and nothing changes."""
    cluster = session.cluster
    host = await asyncio.to_thread(cluster.token, SLUG, "facilitator")
    control = await client(cluster, 0, SLUG, "room", host).join()
    await control.command({"type": "recording.start", "title": "Second take"})
    await control.wait_for(lambda: bool(room_state(control).get("recording")))
    shown = room_state(control)["recording"]
    pat = await client(cluster, 1, SLUG, "room", session.token).join()
    await pat.wait_for(lambda: room_state(pat).get("recording") == shown)
    for command in ({"type": "recording.stop"}, {"type": "recording.start", "title": "Mine"}):
        await pat.command(command)
        await pat.wait_for(lambda: len(pat.replies) > 0)
        assert pat.replies.pop()["code"] == "forbidden"
    await asyncio.sleep(0.3)
    assert room_state(control)["recording"] == shown == room_state(pat)["recording"]
    token = urllib.parse.quote(session.token)
    listing = await fetch_ok(
        f"{cluster.servers[1].http_url}/r/{SLUG}/recordings.json?token={token}"
    )
    assert [r["endedAt"] for r in listing.json() if r["id"] == shown["id"]] == [None]
    await control.command({"type": "recording.stop"})
    await control.wait_for(lambda: room_state(control).get("recording") is None)
    for peer in (control, pat):
        await peer.close()


async def test_the_recording_answers_the_same_after_restarts_and_trimming(
    session: Session, redis_server: RedisServer
) -> None:
    """The last test of the module: it restarts a server process and Redis."""
    cluster, duration = session.cluster, await duration_of(session)
    times = [at for at, _, _ in await updates_of(session, "board")]
    chat_times = [at for at, _, _ in await updates_of(session, "chat")]
    probes = [
        *(
            ("board", at)
            for at in sorted({0, duration, *times[::6], *(t - 1 for t in times[3::9])})
        ),
        *(("chat", at) for at in sorted({0, duration, *chat_times})),
        ("room", duration // 2),
    ]

    async def answers() -> list[Any]:
        """What each probe reads as, the same from both processes."""
        read = []
        for server in (0, 1):
            answered = await asyncio.gather(*(state_of(session, d, at, server) for d, at in probes))
            read.append([content(d, a.body) for (d, _), a in zip(probes, answered, strict=True)])
        assert read[0] == read[1]
        return read[0]

    before = await answers()
    assert before[probes.index(("board", duration))] == session.live_board

    cluster.servers[0].kill()
    cluster.servers[0].start()
    assert await answers() == before, "after a worker restart"

    redis_server.stop(kill=True)
    redis_server.start()
    assert await answers() == before, "after a Redis restart"

    # Later edits until compaction has trimmed every entry of the recording from the log.
    writer = await client(cluster, 1, SLUG, "board", session.token).join()
    ended = session.started_ms + duration
    async with asyncio.timeout(30):
        batch = 0
        while (await oldest_logged_ms(session, "board") or 0) <= ended:
            for i in range(COMPACT_AFTER):
                add_note(writer.doc, f"later-{batch}-{i}", "later")
            batch += 1
            await asyncio.sleep(0.5)  # compaction runs every 2 s; nothing to await from here
    await writer.close()
    assert await answers() == before, "after compaction trimmed the log"
