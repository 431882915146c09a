from django.contrib import admin

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
    list_display = ("room", "user", "role", "joined_at")
    list_filter = ("role",)
    search_fields = ("room__slug", "user__username")


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("room", "role", "created_by", "created_at", "uses", "revoked")
    list_filter = ("role", "revoked")
    list_editable = ("revoked",)


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
