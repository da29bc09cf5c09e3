"""The bulk files of the 开放数据 page: every published document as JSON Lines (gzip) in the import format, and a CSV
of their metadata, each described in a manifest (size, documents, generation time, SHA-256). Written by a command
(build_open_data, run by the search applier when the archive changed), never in a request; each file appears
whole, by rename."""

import csv
import gzip
import hashlib
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..changes.cache_invalidation import SITE, tokens
from ..ingest.jsonl import article_to_record
from ..models import Article

MANIFEST = "manifest.json"
JSONL = "documents.jsonl.gz"
CSV = "documents.csv"
# Files are not part of the bulk file (they stay downloadable from each document's page).
FILE_FIELDS = ("attachments", "cover_image", "cover_alt", "import_key")
CSV_FIELDS = [
    ("id", "编号"), ("title", "标题"), ("date", "日期"), ("kind", "类型"), ("column", "栏目"), ("speaker", "发言人"),
    ("meeting", "会议"), ("doc_number", "文号"), ("issuer", "发文机关"), ("effective_date", "施行日期"),
    ("validity", "时效性"), ("url", "网址"),
]


def directory():
    return Path(settings.OPEN_DATA_DIR)


def published():
    return (Article.objects.published().select_related("column", "speaker", "meeting", "regulation")
            .prefetch_related("attachments").order_by("pk"))


def public_record(article):
    """The import-format record of a published article, without its files and internal keys."""
    record = article_to_record(article)
    for name in FILE_FIELDS:
        record.pop(name, None)
    return record


def csv_row(article, base_url):
    return {
        "id": article.pk, "title": article.title, "date": article.partial_date.isoformat() or "",
        "kind": article.get_kind_display(), "column": article.column.name,
        "speaker": article.speaker.name if article.speaker else "",
        "meeting": article.meeting.name if article.meeting else "", "doc_number": article.doc_number,
        "issuer": article.issuer, "effective_date": article.effective_date.isoformat() if article.effective_date else "",
        "validity": article.get_validity_display() if article.validity else "",
        "url": base_url.rstrip("/") + article.get_absolute_url(),
    }


def _write(path, chunks):
    """Write `chunks` (bytes) to `path` through a temporary name; return (size, sha256)."""
    partial, digest, size = path.with_name(f".{path.name}.partial"), hashlib.sha256(), 0
    try:
        with open(partial, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return size, digest.hexdigest()


def _jsonl_chunks(articles):
    buffer = io.BytesIO()
    # mtime=0: the same documents give the same bytes, hence the same checksum.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        for article in articles:
            out.write((json.dumps(public_record(article), ensure_ascii=False) + "\n").encode())
            if buffer.tell() > 1 << 20:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def _csv_chunks(articles, base_url):
    text = io.StringIO()
    writer = csv.DictWriter(text, [name for name, _ in CSV_FIELDS])
    text.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with the byte-order mark
    writer.writerow(dict(CSV_FIELDS))
    for number, article in enumerate(articles, 1):
        writer.writerow(csv_row(article, base_url))
        if number % 1000 == 0:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode()


def build(base_url):
    """Write both files and the manifest; return the manifest."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    site_token = tokens([SITE])[SITE]  # read first: a change during the build leaves the files stale, not fresh
    count = Article.objects.published().count()
    files = []
    for name, chunks, description in (
        (JSONL, _jsonl_chunks(published().iterator(chunk_size=200)), "全部已发布文件，JSON Lines（gzip 压缩），导入格式"),
        (CSV, _csv_chunks(published().iterator(chunk_size=500), base_url), "全部已发布文件的元数据，CSV（UTF-8）"),
    ):
        size, sha256 = _write(folder / name, chunks)
        files.append({"name": name, "description": description, "size": size, "documents": count,
                      "sha256": sha256})
    manifest = {"generated_at": timezone.now().isoformat(), "site_token": site_token, "files": files}
    _write(folder / MANIFEST, [json.dumps(manifest, ensure_ascii=False, indent=1).encode()])
    return manifest


def manifest():
    """The manifest of the files on disk, or None before the first build."""
    try:
        return json.loads((directory() / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def stale():
    """Whether the archive changed since the files were built (or they never were)."""
    current = manifest()
    return current is None or current.get("site_token") != tokens([SITE])[SITE]
