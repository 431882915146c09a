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

    def handle(self, *args: Any, **options: Any) -> None:
        room = Room.objects.filter(slug=options["slug"]).first()
        if room is None:
            raise CommandError(f"No room {options['slug']!r}.")
        _, token = create_invite(room, options["role"])
        if options["token_only"]:
            self.stdout.write(token)
            return
        self.stdout.write(options["base_url"].rstrip("/") + reverse("accept_invite", args=[token]))
