from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = _("Boards and documents")

    def ready(self) -> None:
        from boards.archive import forget_room_documents
        from boards.former_members import chat_messages_of, forget_author
        from boards.live import present_in_rooms
        from boards.room_commands import show_recording
        from rooms.live import read_presence_with
        from rooms.signals import account_deleting, personal_data, recording_changed, room_deleted

        room_deleted.connect(forget_room_documents, dispatch_uid="boards.forget_room_documents")
        recording_changed.connect(show_recording, dispatch_uid="boards.show_recording")
        account_deleting.connect(forget_author, dispatch_uid="boards.forget_author")
        personal_data.connect(chat_messages_of, dispatch_uid="boards.chat_messages_of")
        read_presence_with(present_in_rooms)
