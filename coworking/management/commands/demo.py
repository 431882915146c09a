"""`manage.py demo`: make sure a demo lab and a public demo co-working room exist, and print
a host's way into each."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from rooms.invites import create_invite
from rooms.models import Role, Room

#: slug -> (title, kind, listed in the directory)
DEMO_ROOMS = {
    "demo": ("Demo ideation lab", Room.Kind.LAB, False),
    "studio-hours": ("Studio hours", Room.Kind.COWORKING, True),
}


class Command(BaseCommand):
    help = "Create the demo lab and co-working room if needed and print a host's invite links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        links = []
        for slug, (title, kind, public) in DEMO_ROOMS.items():
            room, _ = Room.objects.get_or_create(
                slug=slug, defaults={"title": title, "kind": kind, "public": public}
            )
            _, token = create_invite(room, Role.FACILITATOR)
            url = options["base_url"].rstrip("/") + reverse("accept_invite", args=[token])
            links.append(f"  {room.get_kind_display()}, {title}:\n  {url}\n")
        self.stdout.write(
            "\n  Demo rooms ready. Open a link, enter your name, and share the room; the"
            " co-working room is also listed in the directory (/rooms/) for anyone who signs"
            " up.\n\n" + "\n".join(links)
        )
