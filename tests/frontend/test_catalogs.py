"""The catalogs hold every message the sources mark: `makemessages` run afresh over each app
finds nothing the committed catalogs lack (the browser's messages are checked the same way by
`frontend/test/untranslated.test.mjs`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["rooms", "boards", "frontend"]
SKIP = shutil.ignore_patterns("locale", "static", "node_modules", "__pycache__", "src", "test")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
@pytest.mark.parametrize("app", APPS)
def test_every_marked_message_is_in_the_catalogs(app: str, tmp_path: Path) -> None:
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=SKIP)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "pt", "-v0"],
        cwd=copy,
        check=True,
    )
    wanted = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/pt/LC_MESSAGES/django.po"))
    }
    for catalog in sorted((ROOT / app / "locale").glob("*/LC_MESSAGES/django.po")):
        have = {(e.msgctxt, e.msgid) for e in polib.pofile(str(catalog)) if not e.obsolete}
        assert sorted(wanted - have, key=str) == [], f"{catalog}: run scripts/messages"
