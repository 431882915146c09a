"""HTTP routes."""

from django.contrib import admin
from django.urls import path

from boards import playback_views
from rooms import (
    account_views,
    desks,
    directory,
    manage,
    player,
    profile_views,
    recordings,
    sessions,
    views,
)
from rooms.languages import set_language

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("r/<slug:slug>/", views.room, name="room"),
    path("r/<slug:slug>/settings/", sessions.room_settings, name="room_settings"),
    path("r/<slug:slug>/drop-in/", directory.drop_in, name="drop_in"),
    path("r/<slug:slug>/sessions/", sessions.create_session, name="create_session"),
    path(
        "r/<slug:slug>/sessions/<int:session_id>/delete/",
        sessions.delete_session,
        name="delete_session",
    ),
    path("r/<slug:slug>/sessions/<int:session_id>.ics", sessions.session_ics, name="session_ics"),
    path("rooms/", directory.directory, name="directory"),
    path("calendar/<str:token>.ics", sessions.calendar_feed, name="calendar_feed"),
    path("calendar/new-link/", sessions.new_calendar_link, name="new_calendar_link"),
    path("r/<slug:slug>/settings.json", manage.room_settings_json, name="room_settings_json"),
    path("r/<slug:slug>/invites.json", manage.invites, name="invites"),
    path("r/<slug:slug>/invites/", manage.create_invite_link, name="create_invite"),
    path(
        "r/<slug:slug>/invites/<int:invite_id>/revoke/",
        manage.revoke_invite_link,
        name="revoke_invite",
    ),
    path("r/<slug:slug>/people.json", views.people, name="people"),
    path("r/<slug:slug>/desks.json", desks.desks, name="desks"),
    path("r/<slug:slug>/people/<str:person_id>/", views.person, name="person"),
    path("r/<slug:slug>/media/", views.upload_media, name="upload_media"),
    path("r/<slug:slug>/media/copy/", views.copy_media, name="copy_media"),
    path("r/<slug:slug>/media/<str:name>", views.media, name="media"),
    path("r/<slug:slug>/recordings.json", recordings.recordings, name="recordings"),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/rename/",
        recordings.rename_recording,
        name="rename_recording",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/delete/",
        recordings.delete_recording,
        name="delete_recording",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/",
        player.recording_player,
        name="recording_player",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>.json",
        playback_views.recording_detail,
        name="recording_detail",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/state",
        playback_views.recording_state,
        name="recording_state",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/states",
        playback_views.recording_states,
        name="recording_states",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/updates",
        playback_views.recording_updates,
        name="recording_updates",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/board.png",
        playback_views.recording_board_picture,
        name="recording_board",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/open/",
        playback_views.open_recording,
        name="open_recording",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/restore/",
        playback_views.restore_recording,
        name="restore_recording",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/summary.md",
        playback_views.recording_summary_markdown,
        name="recording_summary",
    ),
    path(
        "r/<slug:slug>/recordings/<int:recording_id>/export.jsonl",
        playback_views.recording_export,
        name="recording_export",
    ),
    path(
        "recordings/import/",
        playback_views.import_recording_file,
        name="import_recording",
    ),
    path("i/<str:token>/", views.accept_invite, name="accept_invite"),
    path("people/card/<str:identity>.json", profile_views.profile_card, name="profile_card"),
    path("people/media/<str:name>", profile_views.profile_media, name="profile_media"),
    path("people/<str:username>/", profile_views.profile, name="profile"),
    path("account/", account_views.account, name="account"),
    path("account/data.json", account_views.account_data, name="account_data"),
    path("account/delete/", account_views.delete, name="delete_account"),
    path("account/profile/", profile_views.edit_profile, name="edit_profile"),
    path("account/profile/works/", profile_views.add_work, name="add_work"),
    path(
        "account/profile/works/<int:work_id>/remove/",
        profile_views.remove_work,
        name="remove_work",
    ),
    path("account/profile/works/<int:work_id>/move/", profile_views.move_work, name="move_work"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
