"""`manage.py invite SLUG --role ROLE`: print an invite URL with its token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from rooms.invites import create_invite
from rooms.models import Role, Room


class Command(BaseCommand):
    help = "Create an invite link to a room for a role and print its URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--role", choices=Role.values, default=Role.PARTICIPANT)
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where the service is reached"
        )
        parser.add_argument("--token-only", action="store_true", help="print only the token")
        parser.add_argument(
            "--days", type=int, help="days until it expires (default: INVITE_DAYS, 7)"
        )
        parser.add_argument("--max-uses", type=int, help="most people who may join through it")

    def handle(self, *args: Any, **options: Any) -> None:
        room = Room.objects.filter(slug=options["slug"]).first()
        if room is None:
            raise CommandError(f"No room {options['slug']!r}.")
        if any(options[name] is not None and options[name] < 1 for name in ("days", "max_uses")):
            raise CommandError("--days and --max-uses must be at least 1.")
        _, token = create_invite(
            room, options["role"], days=options["days"], max_uses=options["max_uses"]
        )
        if options["token_only"]:
            self.stdout.write(token)
            return
        self.stdout.write(options["base_url"].rstrip("/") + reverse("accept_invite", args=[token]))
