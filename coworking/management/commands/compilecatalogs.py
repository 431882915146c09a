"""`manage.py compilecatalogs`: compile every translation catalog of this project's apps
(`<app>/locale/<locale>/LC_MESSAGES/*.po`) into the `.mo` file Django reads beside it.

Written in Python (polib), so serving needs no gettext tools; `checkcatalogs` is the strict
check (`msgfmt --check-format`) the test command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand, CommandError

from coworking.management.commands.checkcatalogs import project_locale_dirs


class Command(BaseCommand):
    help = "Compile the translation catalogs of this project's apps into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for folder in project_locale_dirs():
            for catalog in sorted(folder.glob("*/LC_MESSAGES/*.po")):
                compile_catalog(catalog)
                compiled += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"compiled {compiled} catalog(s)")


def compile_catalog(catalog: Path) -> None:
    """Write `catalog`'s `.mo` beside it, unless it is already newer than the catalog."""
    target = catalog.with_suffix(".mo")
    if target.is_file() and target.stat().st_mtime >= catalog.stat().st_mtime:
        return
    try:
        polib.pofile(str(catalog)).save_as_mofile(str(target))
    except (OSError, ValueError) as error:
        raise CommandError(f"{catalog}: {error}") from error
