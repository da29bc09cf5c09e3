"""A file served whole or by one byte range (HTTP Range, If-Range, If-None-Match), so that a large download can
resume. Django's FileResponse serves whole files only; WhiteNoise does ranges for static files, not these."""

import re

from django.http import FileResponse, HttpResponse, HttpResponseNotModified

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _span(header, size):
    """(start, end) inclusive of a single `bytes=` range, or None when it is not one we serve (whole file)."""
    match = _RANGE.match(header.replace(" ", ""))
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        return max(size - int(last), 0), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1


def serve(request, path, etag, content_type, filename):
    size = path.stat().st_size
    quoted = f'"{etag}"'
    if quoted in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = quoted
        return response
    span = None
    wanted = request.headers.get("Range")
    if wanted and request.headers.get("If-Range", quoted) == quoted:
        span = _span(wanted, size)
        if span is not None and (span[0] >= size or span[0] > span[1]):
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    handle = open(path, "rb")
    if span is None:
        response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    else:
        start, end = span
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=content_type,
                                as_attachment=True, filename=filename)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["ETag"] = quoted
    response["Accept-Ranges"] = "bytes"
    return response


def _limited(handle, length, block=1 << 16):
    try:
        while length > 0:
            chunk = handle.read(min(block, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()
