"""Pictures staff put into an article body through the editor: checked by content, stored under media/."""

import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
# Far above any photo a camera takes; a picture claiming more is a decompression bomb.
MAX_PIXELS = 50_000_000


class ImageProblem(ValueError):
    """str() is the reason, in Chinese, for the user."""


def save_body_image(uploaded):
    """Store an uploaded picture under a new name; return its URL. Raises ImageProblem."""
    if uploaded.size > min(MAX_BYTES, settings.IMPORT_MAX_BYTES):
        raise ImageProblem(f"图片太大（最大 {MAX_BYTES // (1024 * 1024)} MB）")
    try:
        with Image.open(uploaded) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageProblem("文件不是图片，或图片已损坏") from None
    if kind not in FORMATS:
        raise ImageProblem("只能插入 JPEG、PNG、GIF 或 WebP 格式的图片")
    if width * height > MAX_PIXELS:
        raise ImageProblem("图片尺寸太大")
    uploaded.seek(0)
    name = f"images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{FORMATS[kind]}"
    return default_storage.url(default_storage.save(name, uploaded))
