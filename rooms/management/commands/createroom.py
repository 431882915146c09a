"""`manage.py createroom SLUG --title T --kind lab|coworking [--owner USERNAME]`."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rooms.models import Membership, Role, Room


class Command(BaseCommand):
    help = "Create a room; the owner (if given) becomes its facilitator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--title", required=True)
        parser.add_argument("--kind", choices=Room.Kind.values, default=Room.Kind.COWORKING)
        parser.add_argument("--owner", help="username of the facilitator")
        parser.add_argument(
            "--anonymous", action="store_true", help="hide who wrote what on the board"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner"]:
            owner = User.objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No user named {options['owner']!r}.")
        if Room.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"A room {options['slug']!r} exists already.")
        room = Room(
            slug=options["slug"],
            title=options["title"],
            kind=options["kind"],
            anonymous=options["anonymous"],
        )
        room.created_by = owner
        try:
            room.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        room.save()
        if owner is not None:
            Membership.objects.create(room=room, user=owner, role=Role.FACILITATOR)
        self.stdout.write(f"Created {room.get_kind_display().lower()} {room.slug!r}.")
