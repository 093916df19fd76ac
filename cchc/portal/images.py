"""Article images: checked by their content (Pillow), not by their name, then re-encoded.

Re-encoding drops EXIF (a phone photo carries the GPS position of whoever took it), caps the
width for phones, and means the stored bytes are always an image we wrote ourselves.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
MAX_WIDTH = 1600
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def max_bytes() -> int:
    """The portal's image limit: PORTAL_IMAGE_MAX_BYTES, else 5 MB, never above UPLOAD_MAX_BYTES."""
    limit = getattr(settings, "PORTAL_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
    return min(limit, getattr(settings, "UPLOAD_MAX_BYTES", limit))


@dataclass
class CleanImage:
    data: bytes
    name: str
    content_type: str
    width: int
    height: int


def image_clean(upload) -> CleanImage:
    """Validate an uploaded file as a JPEG, PNG or WebP image and return it re-encoded.

    Raises ValidationError with a Vietnamese message naming the problem."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError("Tệp ảnh rỗng.")
    if size is not None and size > limit:
        raise ValidationError(f"Ảnh quá lớn ({size / 1048576:.1f} MB); tối đa {limit // 1048576} MB.")
    raw = upload.read()
    if len(raw) > limit:
        raise ValidationError(f"Ảnh quá lớn; tối đa {limit // 1048576} MB.")
    if not raw:
        raise ValidationError("Tệp ảnh rỗng.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ValidationError(
                    f"Định dạng ảnh {kind or 'không rõ'} không được chấp nhận; chỉ nhận JPEG, PNG hoặc WebP."
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("Ảnh có kích thước điểm ảnh quá lớn.")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.width > MAX_WIDTH:
                image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
            elif kind == "PNG":
                image.save(out, "PNG", optimize=True)
            else:
                image.save(out, "WEBP", quality=85)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "Tệp không phải là ảnh hợp lệ (JPEG, PNG hoặc WebP) hoặc ảnh bị hỏng; hãy chọn ảnh khác."
        ) from exc
    content_type, ext = FORMATS[kind]
    return CleanImage(out.getvalue(), f"{uuid.uuid4().hex}.{ext}", content_type, image.width, image.height)
