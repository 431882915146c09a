"""Profile images (avatars and showcase works): checked like board images, then re-encoded
as WebP at a fixed size, so that no uploaded byte or metadata is ever served back."""

from __future__ import annotations

import io
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from rooms.media import DECODERS, inspect_image

#: The file name of a stored profile image; anything else is not one.
NAME = re.compile(r"[0-9a-f]{32}\.webp")
FOLDER = "people"
AVATAR_SIZE = 256
WORK_SIZE = 1200
WEBP_QUALITY = 85


def _encoded(upload: UploadedFile, square: int | None, fit: int | None) -> bytes:
    """The upload as WebP: turned upright by its EXIF orientation, then cropped from its
    centre to a `square` or shrunk to fit `fit` x `fit`; metadata left behind."""
    upload.seek(0)
    with Image.open(upload, formats=DECODERS) as opened:
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if square is not None:
        image = ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    if fit is not None:
        image.thumbnail((fit, fit), Image.Resampling.LANCZOS)
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


def _store(data: bytes) -> str:
    return default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.webp", ContentFile(data))


def store_avatar(upload: UploadedFile) -> str:
    """Check `upload` (MediaError if refused) and store it as a 256 x 256 WebP; its path."""
    inspect_image(upload)
    return _store(_encoded(upload, square=AVATAR_SIZE, fit=None))


def store_work_image(upload: UploadedFile) -> str:
    """Check `upload` (MediaError if refused) and store it within 1200 x 1200 as WebP."""
    inspect_image(upload)
    return _store(_encoded(upload, square=None, fit=WORK_SIZE))


def path_of(name: str) -> str | None:
    """The storage path of profile image `name`, or None when the name is not one."""
    return f"{FOLDER}/{name}" if NAME.fullmatch(name) else None


def delete_images(*paths: str) -> None:
    """Remove stored profile images (empty paths are skipped)."""
    for path in paths:
        if path:
            default_storage.delete(path)
