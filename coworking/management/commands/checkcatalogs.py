"""`manage.py checkcatalogs`: every translation catalog is there, complete, and compiles.

For each `locale/` folder of this project's apps (the browser client's `frontend/locale/`
among them) and of LOCALE_PATHS, each catalog (domain) found in it, `django.po`,
`frontend.po`..., must exist for every language of LANGUAGES but LANGUAGE_CODE (the one the
messages are written in), with no untranslated and no fuzzy entry, and pass `msgfmt
--check-format`. Needs polib (the test extras) and msgfmt (Debian's gettext).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import to_locale


class Command(BaseCommand):
    help = "Check that every language's catalogs exist, are fully translated and compile."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "locale_dirs",
            nargs="*",
            type=Path,
            help="locale folders to check (default: those of this project's apps)",
        )

    def handle(self, *args: Any, locale_dirs: list[Path], **options: Any) -> None:
        if shutil.which("msgfmt") is None:
            raise CommandError("msgfmt is missing: install gettext (apt-get install gettext).")
        folders = locale_dirs or project_locale_dirs()
        languages = [to_locale(code) for code, _ in settings.LANGUAGES]
        languages.remove(to_locale(settings.LANGUAGE_CODE))
        problems: list[str] = []
        checked = 0
        for folder in folders:
            for domain in sorted(domains(folder)):
                for language in languages:
                    catalog = folder / language / "LC_MESSAGES" / f"{domain}.po"
                    problems += catalog_problems(catalog)
                    checked += 1
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the translation catalogs.")
        self.stdout.write(f"{checked} catalog(s) complete in {len(languages)} languages.")


def project_locale_dirs() -> list[Path]:
    """The `locale/` folders of this project's apps (packages beside manage.py), then
    LOCALE_PATHS, those that exist."""
    base = Path(settings.BASE_DIR)
    app_dirs = [
        Path(app.path) / "locale" for app in apps.get_app_configs() if Path(app.path).parent == base
    ]
    found = [*app_dirs, *(Path(path) for path in settings.LOCALE_PATHS)]
    return [folder for folder in found if folder.is_dir()]


def domains(folder: Path) -> set[str]:
    """The catalogs of a locale folder: its templates (`*.pot`) and any language's `*.po`."""
    return {path.stem for path in folder.glob("*.pot")} | {
        path.stem for path in folder.glob("*/LC_MESSAGES/*.po")
    }


def catalog_problems(catalog: Path) -> list[str]:
    """What is wrong with one catalog, a line each naming the file (and the entry)."""
    if not catalog.is_file():
        return [f"{catalog}: missing"]
    try:
        entries = polib.pofile(str(catalog))
    except (OSError, ValueError) as error:
        return [f"{catalog}: unreadable: {error}"]
    # msgfmt leaves out a fuzzy header, and with it the plural forms.
    problems = [f"{catalog}: fuzzy: the header"] if entries.metadata_is_fuzzy else []
    problems += [f"{catalog}: fuzzy: {entry.msgid!r}" for entry in entries.fuzzy_entries()]
    problems += [
        f"{catalog}: untranslated: {entry.msgid!r}" for entry in entries.untranslated_entries()
    ]
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", os.devnull, str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    if compiled.returncode != 0:
        said = "; ".join(compiled.stderr.strip().splitlines())
        problems.append(f"{catalog}: does not compile: {said}")
    return problems
