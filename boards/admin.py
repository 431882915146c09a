from django.contrib import admin

from boards.models import DocumentKeyframe, DocumentUpdate


@admin.register(DocumentUpdate)
class DocumentUpdateAdmin(admin.ModelAdmin):
    list_display = ("doc", "entry_id", "author")
    search_fields = ("doc", "author")
    readonly_fields = ("doc", "ms", "seq", "author", "payload")


@admin.register(DocumentKeyframe)
class DocumentKeyframeAdmin(admin.ModelAdmin):
    list_display = ("doc", "upto", "created_at")
    search_fields = ("doc",)
