"""A stock Node Yjs client (yjs + y-websocket) against two server processes on one Redis."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import signing

from rooms.invites import SALT
from tests.conftest import LiveCluster
from tests.support.servers import ROOT
from tests.support.yclient import YClient, board_notes

pytestmark = [
    pytest.mark.node,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("node") is None, reason="needs Node"),
]

SCRIPT = Path(__file__).parent / "node" / "sync_board.mjs"
NODE_MODULES = ROOT / "frontend" / "node_modules"


def run_node(folder: Path, **config: Any) -> dict[str, Any]:
    """Run the Node client with `config`; return the JSON it prints.

    ESM resolves bare specifiers next to the script, so the script runs from `folder`, beside
    a link to the frontend's node_modules (`--preserve-symlinks-main` keeps it there).
    """
    script, modules = folder / SCRIPT.name, folder / "node_modules"
    if not script.exists():
        script.symlink_to(SCRIPT)
        modules.symlink_to(NODE_MODULES, target_is_directory=True)
    done = subprocess.run(
        ["node", "--preserve-symlinks-main", str(script), json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def stored_board(cluster: LiveCluster, index: int, slug: str, token: str) -> dict[str, Any]:
    """The board's objects as server `index` hands them to a fresh (Python) client."""
    server = cluster.servers[index]
    reader = YClient(f"{server.ws_url}/{slug}/board?token={token}", origin=server.http_url)
    await reader.join()
    try:
        return board_notes(reader.doc)
    finally:
        await reader.close()


def invite_id(cluster: LiveCluster, token: str) -> int:
    return int(signing.loads(token, key=cluster.env["SECRET_KEY"], salt=SALT)["i"])


async def node_in_new_room(
    cluster: LiveCluster, folder: Path, slug: str, mode: str, create: bool = True, **config: Any
) -> tuple[dict[str, Any], str]:
    """Create room `slug` (unless `create` is false) and run the Node client in `mode`
    against every server process."""
    if create:
        cluster.room(slug)
    token = cluster.token(slug)
    urls = [server.ws_url for server in cluster.servers]
    result = await asyncio.to_thread(
        run_node, folder, mode=mode, urls=urls, room=slug, token=token, **config
    )
    return result, token


async def test_notes_written_on_one_server_reach_a_client_on_the_other(
    cluster: LiveCluster, tmp_path: Path
) -> None:
    result, token = await node_in_new_room(cluster, tmp_path, "node-board", "board", notes=12)

    written = result["written"]
    assert len(written) == 12
    assert written["note-0"]["text"] == "edited note 0"
    assert result["seen"] == written
    assert result["late"] == written
    assert result["closes"] == []
    for index in range(len(cluster.servers)):
        assert await stored_board(cluster, index, "node-board", token) == written


async def test_chat_command_comes_back_stamped_by_the_server(
    cluster: LiveCluster, tmp_path: Path
) -> None:
    result, token = await node_in_new_room(cluster, tmp_path, "node-chat", "chat")

    message = result["sent"]
    assert message == result["watched"]
    assert message["text"] == result["text"]
    assert message["authorId"] == f"i{invite_id(cluster, token)}"
    assert message["author"] == "Guest"
    assert isinstance(message["id"], str) and message["id"]
    assert isinstance(message["ts"], int | float) and message["ts"] > 0
    assert result["closes"] == []


async def test_a_stock_client_reads_the_room_document_as_plain_json(
    cluster: LiveCluster, tmp_path: Path
) -> None:
    cluster.room("node-room")
    host_token = cluster.token("node-room", "facilitator")
    result, _ = await node_in_new_room(
        cluster, tmp_path, "node-room", "room", hostToken=host_token, create=False
    )
    state = result["room"]
    assert result["plain"] is True, "no nested Yjs types in the room map"
    assert state["locked"] is True, "the facilitator's lock, not the participant's unlock"
    timer = state["timer"]
    assert timer["running"] is True and timer["durationMs"] == 120_000
    assert timer["endsAt"] > 1_700_000_000_000
    focus = state["focus"]
    assert focus["workMinutes"] == 25 and focus["breakMinutes"] == 5
    assert focus["startedAt"] > 1_700_000_000_000
    desks = sorted(state["people"].values(), key=lambda desk: desk["goal"])
    assert [(desk["goal"], desk["status"], desk["done"]) for desk in desks] == [
        ("Host the room", "focus", None),
        ("Write the score", "focus", None),
    ], "the rhythm brought both into focus; the participant's own start was refused"
    assert all(key.startswith("i") for key in state["people"]), "guests, by invite token"
    assert result["closes"] == []
