"""开放数据: the bulk files built by a command (never in a request), described by size, count and SHA-256, served
with ETag and Range; the JSON Lines file imported into an empty archive gives the same documents."""

import gzip
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents.ingest.importer import import_paths
from documents.models import Article
from documents.opendata import bulk
from tests.portal_helpers import make_article, seed_speech

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_in_tmp(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "opendata"


@pytest.fixture
def archive():
    speech = seed_speech()
    law = make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, column_slug="documents",
                       body="第一条 为了规范城市绿化工作，制定本条例。\n\n第二条 本条例自2025年1月1日起施行。",
                       amendments=[{"date": "2024-10-30", "event": "第十二次会议通过"}], doc_number="公告第12号")
    make_article("未发布的草稿", status=Article.Status.DRAFT)
    return speech, law


def build():
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    return out.getvalue()


def test_the_command_writes_both_files_with_checksums_and_only_published_documents(archive):
    printed = build()
    manifest = bulk.manifest()
    assert [entry["name"] for entry in manifest["files"]] == ["documents.jsonl.gz", "documents.csv"]
    for entry in manifest["files"]:
        data = (bulk.directory() / entry["name"]).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["documents"] == 2 and entry["sha256"] in printed
    lines = gzip.decompress((bulk.directory() / "documents.jsonl.gz").read_bytes()).decode().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == sorted(a.title for a in archive)
    rows = (bulk.directory() / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("编号,标题,日期") and len(rows) == 3 and "未发布的草稿" not in "".join(rows)


def test_the_files_are_rebuilt_only_when_the_archive_changed(archive):
    build()
    assert not bulk.stale()
    assert call_command("build_open_data", "--if-stale", stdout=io.StringIO()) is None
    make_article("新发布的文件")
    assert bulk.stale()
    build()
    assert bulk.manifest()["files"][0]["documents"] == 3


def test_reimporting_the_jsonl_into_an_empty_archive_gives_the_same_documents(archive, tmp_path):
    build()
    before = sorted((bulk.public_record(a) for a in bulk.published()), key=lambda r: r["title"])
    Article.objects.all().delete()
    report = import_paths([bulk.directory() / "documents.jsonl.gz"], status="published")
    assert (report.imported, report.failures) == (2, [])
    after = sorted((bulk.public_record(a) for a in bulk.published()), key=lambda r: r["title"])
    assert after == before and len(after) == 2


def test_the_page_lists_the_files_and_states_the_terms(client, archive):
    assert "数据文件正在生成" in client.get(reverse("opendata:data")).content.decode()
    build()
    page = client.get(reverse("opendata:data")).content.decode()
    entry = bulk.manifest()["files"][0]
    assert entry["sha256"] in page and "著作权法》第五条" in page and "CC0" in page
    assert reverse("opendata:data_file", args=["documents.jsonl.gz"]) in page


def test_downloads_resume_with_range_and_revalidate_with_etag(client, archive):
    build()
    url = reverse("opendata:data_file", args=["documents.csv"])
    whole = client.get(url)
    data = b"".join(whole.streaming_content)
    etag = whole["ETag"]
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and etag.strip('"') in bulk.manifest()["files"][1]["sha256"]

    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == data[-5:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(data)}-").status_code == 416
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A resumed download of a file rebuilt since gets the whole new file, not a piece of it.
    stale = client.get(url, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200


def test_unknown_files_are_404(client, archive):
    build()
    for name in ("manifest.json", "../db.sqlite3", "other.csv"):
        assert client.get(f"/data/{name}").status_code == 404
