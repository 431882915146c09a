"""`manage.py demo`: make sure a demo lab exists and print a facilitator's way in."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from rooms.invites import create_invite
from rooms.models import Role, Room


class Command(BaseCommand):
    help = "Create the demo lab if needed and print an invite link for a facilitator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        room, _ = Room.objects.get_or_create(
            slug="demo", defaults={"title": "Demo ideation lab", "kind": Room.Kind.LAB}
        )
        _, token = create_invite(room, Role.FACILITATOR)
        link = options["base_url"].rstrip("/") + reverse("accept_invite", args=[token])
        self.stdout.write(
            "\n  Demo lab ready. Open this link, enter your name, and share the room:"
            f"\n\n  {link}\n"
        )
