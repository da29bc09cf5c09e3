"""下载 Word / 下载 PDF: a published document rendered on first request in a bounded child process, then served
from the page cache, which its changes retire like its page."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from ..archive import pages
from ..archive.cache import cached_page, depends_on_column
from ..archive.errors import render_error, safe_methods_only
from ..ingest import bounded
from . import content, pdf, word

log = logging.getLogger(__name__)

FORMATS = {
    "docx": (word.render, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (pdf.render, "application/pdf"),
}


def file_name(article, extension):
    """The title as the file's name, without characters file systems refuse."""
    title = "".join("_" if char in '\\/:*?"<>|' else char for char in article.title)[:80]
    return f"{title}.{extension}"


@safe_methods_only
@cached_page
def download(request, pk, extension):
    article = get_object_or_404(pages.article_queryset().published(), pk=pk)
    depends_on_column(request, article.column_id)
    render, content_type = FORMATS[extension]
    document = content.document(article, request.build_absolute_uri(article.get_absolute_url()))
    try:
        if extension == "pdf":
            pdf.check_font()
        # The database is read above: the child only renders (a forked child must not use the parent's connection).
        data = bounded.run(render, document, seconds=settings.DOWNLOAD_RENDER_SECONDS)
    except pdf.FontMissing as exc:
        log.error("%s", exc)
        return render_error(request, "opendata/unavailable.html", 503, reason="PDF 下载暂不可用（服务器缺少中文字体）。")
    except (bounded.TimedOut, bounded.ReaderFailed) as exc:
        log.warning("rendering article %s as %s failed: %s", pk, extension, exc)
        return render_error(request, "opendata/unavailable.html", 503, reason="文件生成超时或失败，请稍后再试。")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name(article, extension))
    return response
