from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rooms.invites import revoke_invite
from rooms.models import Invite, MediaFile, Membership, Room


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "kind", "anonymous", "created_by", "created_at")
    list_filter = ("kind", "anonymous")
    search_fields = ("slug", "title")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "role", "joined_at", "invite")
    list_filter = ("role",)
    search_fields = ("room__slug", "user__username")


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = (
        "room",
        "role",
        "created_by",
        "created_at",
        "expires_at",
        "uses",
        "max_uses",
        "revoked",
    )
    list_filter = ("role", "revoked")
    readonly_fields = ("revoked", "uses")
    actions = ["revoke"]

    @admin.action(description=_("Revoke (removes the people who joined through them)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invite]) -> None:
        removed = sum(revoke_invite(invite) for invite in queryset.select_related("room"))
        self.message_user(request, f"Revoked {queryset.count()}; {removed} people removed.")


@admin.register(MediaFile)
class MediaFileAdmin(admin.ModelAdmin):
    list_display = ("name", "room", "uploader", "content_type", "size", "width", "height")
    list_filter = ("content_type",)
    search_fields = ("room__slug", "name")
    readonly_fields = (
        "room",
        "uploader",
        "name",
        "path",
        "content_type",
        "size",
        "width",
        "height",
    )
