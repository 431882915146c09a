"""HTTP security headers, HTTPS settings from the environment, and sockets without an Origin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from asgiref.sync import iscoroutinefunction, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.core.handlers.asgi import ASGIHandler
from django.test import AsyncClient, Client
from django.utils.module_loading import import_string

from asgi import application
from boards.hub import Hub, install_hub
from boards.protocol import CloseCode, sync_step1_message
from boards.store.memory import MemoryRoomStore
from rooms.invites import create_invite
from rooms.models import Membership, Role, Room
from tests.support.servers import ROOT


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/r/lab/"])
def test_every_page_carries_a_strict_policy(path: str) -> None:
    user = User.objects.create_user("ada", first_name="Ada")
    room = Room.objects.create(slug="lab", title="Lab", kind="lab")
    Membership.objects.create(room=room, user=user, role=Role.FACILITATOR)
    client = Client()
    client.force_login(user)
    response = client.get(path, secure=True)
    assert response.status_code == 200
    directives = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["Content-Security-Policy"].split("; ")
    }
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'", "data:", "wss://testserver"]
    assert directives["img-src"] == ["'self'", "data:", "blob:"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in str(directives) and "unsafe-eval" not in str(directives)
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    page = response.content.decode()
    assert " style=" not in page and "<script>" not in page


def deployment_settings(**environ: str) -> dict[str, object]:
    """Settings as a fresh process reads them from `environ`."""
    names = [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    ]
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    unset = {"HTTPS", "TRUST_X_FORWARDED_PROTO", *names}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DJANGO_SETTINGS_MODULE="coworking.settings", SECRET_KEY="x", **environ)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.django_db(transaction=True)
async def test_the_served_middleware_chain_is_async_with_the_policy_and_static_files() -> None:
    """Every middleware can run async, so Daphne's requests do not each run the whole chain
    in a thread of their own; the policy and static files come as they do through WSGI."""
    handler = ASGIHandler()
    assert iscoroutinefunction(vars(handler)["_middleware_chain"])
    for path in settings.MIDDLEWARE:
        assert getattr(import_string(path), "async_capable", False), path
    client = AsyncClient()
    page = await client.get("/accounts/login/", secure=True)
    assert page.status_code == 200 and "wss://testserver" in page["Content-Security-Policy"]
    script = await client.get("/static/frontend/room.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert "Content-Security-Policy" in script.headers
    assert (await client.get("/static/nothing-here.js")).status_code == 404


def test_static_files_and_the_policy_come_through_a_sync_chain_too() -> None:
    script = Client().get("/static/frontend/room.js")
    assert script.status_code == 200 and "Content-Security-Policy" in script.headers
    assert Client().get("/static/nothing-here.js").status_code == 404


def test_https_settings_come_from_the_environment() -> None:
    plain = deployment_settings()
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    https = deployment_settings(HTTPS="1", TRUST_X_FORWARDED_PROTO="1")
    assert https == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    tuned = deployment_settings(
        HTTPS="1", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="60", SECURE_HSTS_PRELOAD="1"
    )
    assert tuned["SECURE_SSL_REDIRECT"] is False and tuned["SECURE_HSTS_SECONDS"] == 60
    assert tuned["SECURE_HSTS_PRELOAD"] is True


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    live = Hub(MemoryRoomStore(), compact=False)
    install_hub(live)
    yield live
    await live.close()


@pytest.mark.django_db(transaction=True)
async def test_scripts_without_an_origin_need_a_token_not_a_cookie(hub: Hub) -> None:
    def setup() -> tuple[str, bytes]:
        room = Room.objects.create(slug="lab", title="Lab", kind="lab")
        user = User.objects.create_user("ada")
        Membership.objects.create(room=room, user=user, role=Role.PARTICIPANT)
        browser = Client()
        browser.force_login(user)
        _, token = create_invite(room, Role.OBSERVER)
        return token, f"sessionid={browser.cookies['sessionid'].value}".encode()

    token, cookie = await sync_to_async(setup)()
    script = WebsocketCommunicator(application, f"/ws/rooms/lab/board?token={token}")
    connected, _ = await script.connect(timeout=5)
    assert connected
    await script.send_to(bytes_data=sync_step1_message(b"\x00"))
    reply = await script.receive_output(timeout=5)
    assert reply["type"] == "websocket.send"
    await script.disconnect()

    riding = WebsocketCommunicator(
        application, "/ws/rooms/lab/board", headers=[(b"cookie", cookie)]
    )
    connected, _ = await riding.connect(timeout=5)
    assert connected
    assert await riding.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": CloseCode.UNAUTHENTICATED,
    }
