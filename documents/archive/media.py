"""Uploaded files (MEDIA_ROOT) served by the site itself, so the same safe headers apply behind any proxy.

Pictures (by extension: the editor and the cover field check the content) are shown inline; everything else,
HTML and SVG included, is a download (Content-Disposition: attachment) with a harmless content type. Nothing
is sniffed (nosniff) and nothing served here may run a script (a CSP that allows nothing, in a sandbox).
An attachment of an article the public cannot see (draft, recycle bin) is a 404 except for staff.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join

from .errors import safe_methods_only
from ..models import Attachment

INLINE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".webp": "image/webp"}
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".zip": "application/zip",
    ".txt": "text/plain; charset=utf-8",
}


@safe_methods_only
def serve(request, path):
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
    except SuspiciousFileOperation:
        raise Http404("文件不存在") from None
    attachment = None
    if path.startswith("attachments/"):
        attachment = Attachment.objects.select_related("article").filter(file=path).first()
        visible = attachment is not None and (attachment.article.is_published or request.user.is_staff)
        if not visible:
            raise Http404("文件不存在")
    try:
        handle = open(full_path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404("文件不存在") from None
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in INLINE_TYPES and attachment is None:
        response = FileResponse(handle, content_type=INLINE_TYPES[suffix])
    else:
        filename = attachment.download_name if attachment else PurePosixPath(path).name
        response = FileResponse(
            handle, as_attachment=True, filename=filename,
            content_type={**INLINE_TYPES, **DOWNLOAD_TYPES}.get(suffix, "application/octet-stream"),
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
