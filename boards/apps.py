from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Boards and documents"

    def ready(self) -> None:
        from boards.archive import forget_room_documents
        from boards.live import present_in_rooms
        from boards.room_commands import show_recording
        from rooms.live import read_presence_with
        from rooms.signals import recording_changed, room_deleted

        room_deleted.connect(forget_room_documents, dispatch_uid="boards.forget_room_documents")
        recording_changed.connect(show_recording, dispatch_uid="boards.show_recording")
        read_presence_with(present_in_rooms)
