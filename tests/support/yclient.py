"""A small Yjs client for tests: pycrdt on one side of a real websocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import pycrdt
import websockets
from pycrdt import Decoder
from websockets.typing import Origin

from boards.protocol import (
    MessageType,
    SyncStep,
    sync_step1_message,
    sync_step2_message,
    update_message,
)


class YClient:
    """Connects to `/ws/rooms/<slug>/<doc>`, syncs a pycrdt Doc and sends its local edits."""

    def __init__(self, url: str, origin: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.origin = origin
        self.headers = headers or {}
        self.doc = pycrdt.Doc()
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.replies: list[dict[str, Any]] = []
        self.denied: list[str] = []
        self.awareness: list[bytes] = []
        self._changed = asyncio.Event()
        self._ws: Any = None
        self._task: asyncio.Task[None] | None = None
        self._remote = False
        self.doc.observe(self._on_local_change)

    async def connect(self) -> YClient:
        self.synced.clear()
        self.closed.clear()
        self._ws = await websockets.connect(
            self.url, origin=Origin(self.origin), additional_headers=self.headers, max_size=None
        )
        self._task = asyncio.create_task(self._read(self._ws))
        await self._ws.send(sync_step1_message(self.doc.get_state()))
        return self

    def _on_local_change(self, event: pycrdt.TransactionEvent) -> None:
        if not self._remote and event.update != b"\x00\x00":
            self._send_soon(update_message(event.update))

    def _send_soon(self, data: bytes) -> None:
        """Send from a sync callback; edits made while offline go out with the next sync."""
        ws = self._ws
        if ws is None or self.closed.is_set():
            return

        async def send() -> None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.send(data)

        asyncio.get_running_loop().create_task(send())

    async def _read(self, ws: Any) -> None:
        try:
            async for frame in ws:
                self._handle(frame if isinstance(frame, bytes) else frame.encode())
                self._changed.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = ws.close_code
            self.closed.set()
            self._changed.set()

    def _handle(self, frame: bytes) -> None:
        decoder = Decoder(frame)
        kind = decoder.read_var_uint()
        if kind == MessageType.SYNC:
            step = decoder.read_var_uint()
            payload = decoder.read_message() or b""
            if step == SyncStep.STEP1:
                self._send_soon(sync_step2_message(self.doc.get_update(payload)))
                return
            self._remote = True
            try:
                self.doc.apply_update(payload)
            finally:
                self._remote = False
            if step == SyncStep.STEP2:
                self.synced.set()
        elif kind == MessageType.AWARENESS:
            self.awareness.append(decoder.read_message() or b"")
        elif kind == MessageType.AUTH:
            decoder.read_var_uint()
            self.denied.append(decoder.read_var_string())
        elif kind == MessageType.APP:
            self.replies.append(json.loads(decoder.read_var_string()))

    async def send_raw(self, data: bytes | str) -> None:
        await self._ws.send(data)

    async def command(self, body: dict[str, Any]) -> None:
        await self._ws.send(json.dumps(body))

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds, re-checking after every frame."""
        async with asyncio.timeout(within):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    async def join(self, attempts: int = 20) -> YClient:
        """Connect and sync, retrying like the stock provider does after a refused attempt."""
        for _ in range(attempts - 1):
            try:
                await (await self.connect()).wait_synced(5)
                return self
            except (OSError, TimeoutError, websockets.WebSocketException):
                await self.close()
                await asyncio.sleep(0.25)
        return await (await self.connect()).wait_synced(5)

    async def wait_synced(self, within: float = 10.0) -> YClient:
        await asyncio.wait_for(self.synced.wait(), within)
        return self

    async def close(self) -> None:
        ws, task, self._ws, self._task = self._ws, self._task, None, None
        if ws is not None:
            await ws.close()
        if task is not None:
            await asyncio.wait_for(task, 5)


def board_notes(doc: pycrdt.Doc) -> dict[str, Any]:
    return doc.get("objects", type=pycrdt.Map).to_py() or {}


def add_note(doc: pycrdt.Doc, note_id: str, text: str, **fields: Any) -> None:
    objects = doc.get("objects", type=pycrdt.Map)
    with doc.transaction():
        objects[note_id] = pycrdt.Map(
            {
                "type": "note",
                "x": 10.0,
                "y": 20.0,
                "w": 200.0,
                "h": 160.0,
                "color": "yellow",
                "text": pycrdt.Text(text),
                "author": "Test",
                "authorId": "t",
                "z": 1.0,
                **fields,
            }
        )
