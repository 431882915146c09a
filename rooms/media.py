"""Board images: checking an upload's real content, storing it, naming and serving it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from rooms.models import SLUG_PATTERN, MediaFile, Room

#: The decoders Pillow may try; no other format is even parsed.
DECODERS = ["PNG", "JPEG", "WEBP"]
#: Decoded format -> (file extension, content type). Nothing else is accepted.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "MPO": ("jpg", "image/jpeg"),  # the JPEG decoder's name for a camera's multi-frame JPEG
    "WEBP": ("webp", "image/webp"),
}
NAME = re.compile(r"[0-9a-f]{32}\.(?:png|jpg|webp)")
MEDIA_URL = re.compile(rf"/r/(?P<slug>{SLUG_PATTERN})/media/(?P<name>{NAME.pattern})")
NOT_AN_IMAGE = _("Upload a PNG, JPEG or WebP image.")


class MediaError(Exception):
    """An upload refused, with the HTTP status and a message for the person (in the
    request's language)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ImageInfo:
    """What the decoder found in an upload."""

    format: str
    width: int
    height: int
    size: int


def inspect_image(upload: UploadedFile) -> ImageInfo:
    """The real format and size of an uploaded image, whatever its name or declared type.

    Raises MediaError for files over `MEDIA_MAX_BYTES` (413), other formats, corrupt files
    and images over `MEDIA_MAX_PIXELS` (400).
    """
    if upload.size is None or upload.size > settings.MEDIA_MAX_BYTES:
        limit = number_format(f"{settings.MEDIA_MAX_BYTES / (1024 * 1024):g}")
        raise MediaError(gettext("The image is larger than {limit} MiB.").format(limit=limit), 413)
    try:
        upload.seek(0)
        with Image.open(upload, formats=DECODERS) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload, formats=DECODERS) as image:
            found, (width, height) = image.format, image.size
    except Image.DecompressionBombError as error:
        raise MediaError(too_many_pixels()) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise MediaError(str(NOT_AN_IMAGE)) from error
    if found not in FORMATS:
        raise MediaError(str(NOT_AN_IMAGE))
    if width * height > settings.MEDIA_MAX_PIXELS:
        raise MediaError(too_many_pixels())
    return ImageInfo(found, width, height, upload.size)


def too_many_pixels() -> str:
    """The refusal of an image over `MEDIA_MAX_PIXELS`, in the active language."""
    pixels = number_format(settings.MEDIA_MAX_PIXELS, force_grouping=True)
    return gettext("The image has more than {pixels} pixels.").format(pixels=pixels)


def store_image(room: Room, uploader: User, upload: UploadedFile) -> MediaFile:
    """Check `upload`, save it under a random name in the room's folder and record it."""
    info = inspect_image(upload)
    extension, content_type = FORMATS[info.format]
    upload.seek(0)
    return _save(room, uploader, upload, extension, content_type, info.width, info.height)


def copy_image(source: MediaFile, room: Room, uploader: User) -> MediaFile:
    """A copy of another room's image for `room` (boards pasted or imported across rooms)."""
    extension = source.name.rsplit(".", 1)[1]
    with default_storage.open(source.path) as content:
        return _save(
            room, uploader, content, extension, source.content_type, source.width, source.height
        )


def _save(
    room: Room,
    uploader: User,
    content: File,
    extension: str,
    content_type: str,
    width: int,
    height: int,
) -> MediaFile:
    name = f"{secrets.token_hex(16)}.{extension}"
    path = default_storage.save(f"rooms/{room.slug}/{name}", content)
    return MediaFile.objects.create(
        room=room,
        uploader=uploader,
        name=name,
        path=path,
        content_type=content_type,
        size=default_storage.size(path),
        width=width,
        height=height,
    )


def parse_media_url(src: str) -> tuple[str, str] | None:
    """The room slug and file name of a media URL made by `media_url`, or None."""
    match = MEDIA_URL.fullmatch(src)
    return (match["slug"], match["name"]) if match else None


def media_url(media: MediaFile) -> str:
    """Where the board document points an image object at."""
    return f"/r/{media.room.slug}/media/{media.name}"


def image_response(media: MediaFile) -> FileResponse:
    """A room's stored image (see `stored_image_response`)."""
    return stored_image_response(media.path, media.name, media.content_type)


def stored_image_response(path: str, name: str, content_type: str) -> FileResponse:
    """The stored image at `path` under a random `name` that is never reused, with headers
    that keep a browser from treating it as anything else."""
    response = FileResponse(default_storage.open(path), content_type=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    # Names are random and never reused, so the content of a URL never changes.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
