"""Backups (README, "Backups"): export_documents plus a copy of the media folder restore the site on a fresh
machine. The restore runs in another process with its own empty SQLite database and folders."""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command

from documents.common import dates
from documents.models import Article, Attachment, Meeting, Speaker

from .portal_helpers import make_article

ROOT = Path(__file__).resolve().parent.parent
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def summary():
    """What a visitor and staff see of every document outside the recycle bin, files included by content."""

    def digest(field):
        if not field:
            return None
        with open(Path(settings.MEDIA_ROOT) / field.name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    rows = []
    articles = Article.objects.live().select_related("column", "speaker", "meeting", "regulation")
    for a in articles.prefetch_related("attachments", "citations__cited"):
        rows.append({
            "title": a.title, "subtitle": a.subtitle, "date": a.partial_date.isoformat(), "kind": a.kind,
            "column": a.column.slug, "speaker": a.speaker.name if a.speaker else None,
            "speaker_title": a.speaker_title, "meeting": a.meeting.name if a.meeting else None,
            "issuer": a.issuer, "doc_number": a.doc_number, "body": a.body, "text": a.text, "status": a.status,
            "pinned": a.pinned, "amendments": a.amendments, "source": a.source, "cover": digest(a.cover_image),
            "cover_alt": a.cover_alt, "validity": a.validity, "validity_override": a.validity_override,
            "effective_date": a.effective_date and a.effective_date.isoformat(),
            "regulation": a.regulation.key if a.regulation else None, "regulation_by_hand": a.regulation_by_hand,
            "attachments": sorted([f.title, f.file.name, f.size, digest(f.file)] for f in a.attachments.all()),
            "citations": [[c.title_key, c.outcome, c.count, c.cited and [c.cited.title, c.cited.partial_date.isoformat()]]
                          for c in a.citations.all()],
        })
    return sorted(rows, key=lambda row: (row["title"], row["date"]))


def build_archive():
    speaker = Speaker.objects.create(name="张雷明", position="市委书记")
    meeting = Meeting.objects.create(name="平顶山市第十届人民代表大会第一次会议", date=datetime.date(2022, 1, 5))
    speech = make_article("在市委人大工作会议上的讲话", speaker=speaker, speaker_title="市委书记", meeting=meeting,
                          kind=Article.Kind.SPEECH, body="第一段，依据《平顶山市城市绿化条例》第三条。\n\n第二段，参照《不在档案中的法》。",
                          source="http://www.pds.gov.cn/1")
    speech.cover_image.save("cover.png", ContentFile(PNG), save=False)
    speech.cover_alt = "会场"
    speech.pinned = True
    speech.save()
    for title, content in (("讲话原稿.docx", b"PK\x03\x04 docx"), ("附表.pdf", b"%PDF-1.4 table")):
        attachment = Attachment(article=speech, title=title)
        attachment.file.save(title, ContentFile(content), save=False)
        attachment.save()
    law = make_article("平顶山市城市绿化条例", column_slug="documents", date=(2019, 6, 1),
                       precision=dates.MONTH, doc_number="平人常〔2019〕5号", issuer="市人大常委会",
                       kind=Article.Kind.REGULATION)
    law.body = "<h2>第一章</h2><p><strong>第一条</strong> 为了……</p><table><tr><td>表</td></tr></table>"
    law.amendments = [{"date": "2019-06-28", "event": "通过"}, {"date": "2021-01-01", "event": "修正"}]
    law.validity_override = Article.Validity.REPEALED
    law.save()
    make_article("平顶山市城市绿化条例", column_slug="documents", date=(2015, 1, 1), issuer="市人大常委会",
                 kind=Article.Kind.REGULATION, body="第一条 为了绿化。\n\n第九条 本条例自2015年3月1日起施行。")
    make_article("草稿一篇", status=Article.Status.DRAFT, date=None)
    make_article("年份已知", date=(2004, 1, 1), precision=dates.YEAR, subtitle="副标题")
    make_article("回收站里的", deleted_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))


def fresh_site(tmp_path):
    var = tmp_path / "fresh"
    var.mkdir()
    env = {**os.environ, "VAR_DIR": str(var), "DEBUG": "0", "SECRET_KEY": "restore-test", "LOG_LEVEL": "ERROR"}
    for name in ("DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "CACHE_DIR", "STATIC_ROOT"):
        env.pop(name, None)
    return var, env


def run(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


SUMMARY = "import json; from tests.test_backup import summary; print(json.dumps(summary(), ensure_ascii=False))"


@pytest.mark.django_db
def test_export_and_media_restore_the_site(tmp_path):
    build_archive()
    before = summary()
    assert len(before) == 5 and any(row["attachments"] for row in before) and any(row["cover"] for row in before)
    assert {row["validity"] for row in before} == {"", "repealed", "amended"}
    assert ["平顶山市城市绿化条例", "linked", 1, ["平顶山市城市绿化条例", "2019-06"]] in next(
        row["citations"] for row in before if row["title"] == "在市委人大工作会议上的讲话")
    backup = tmp_path / "backup"
    backup.mkdir()
    call_command("export_documents", str(backup / "documents.jsonl.gz"), stdout=open(os.devnull, "w"))
    shutil.copytree(settings.MEDIA_ROOT, backup / "media")

    var, env = fresh_site(tmp_path)  # "the fresh machine"
    assert run(env, "migrate", "--noinput", "-v0").returncode == 0
    shutil.copytree(backup / "media", var / "media")
    restored = run(env, "import_documents", str(backup / "documents.jsonl.gz"), "--no-progress")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "导入 5 篇" in restored.stdout

    after = run(env, "shell", "-c", SUMMARY)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout.strip().splitlines()[-1]) == before
    # The restored site's search index matches its database.
    assert run(env, "search_check").returncode == 0

    again = run(env, "import_documents", str(backup / "documents.jsonl.gz"), "--no-progress")
    assert again.returncode == 0 and "未变 5 篇" in again.stdout  # restoring twice changes nothing


@pytest.mark.django_db
def test_restore_without_the_media_folder_says_so_and_saves_nothing_half(tmp_path):
    build_archive()
    out = tmp_path / "documents.jsonl"
    call_command("export_documents", str(out), stdout=open(os.devnull, "w"))
    _, env = fresh_site(tmp_path)
    run(env, "migrate", "--noinput", "-v0")
    result = run(env, "import_documents", str(out), "--no-progress")
    assert result.returncode == 1
    assert "不在 MEDIA_ROOT 中" in result.stdout + result.stderr
    titles = run(env, "shell", "-c", "from documents.models import Article;"
                 "print(sorted(Article.objects.values_list('title', flat=True)))")
    # The speech (cover and attachments missing) is not there at all; the others are.
    assert "在市委人大工作会议上的讲话" not in titles.stdout and "平顶山市城市绿化条例" in titles.stdout
    assert not any(Path(tmp_path / "fresh").glob("media/attachments/**/*.pdf"))


def test_media_paths_in_an_archive_stay_inside_media_root(tmp_path, settings):
    from documents.ingest.pipeline import ImportProblem, _media_file

    (Path(settings.MEDIA_ROOT) / "attachments").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "attachments" / "a.pdf").write_bytes(b"%PDF")
    assert _media_file("attachments/a.pdf") == "attachments/a.pdf"
    for name in ("../secret.txt", "/etc/passwd", "attachments/../../x", "", "attachments\\a.pdf",
                 "attachments/missing.pdf"):
        with pytest.raises(ImportProblem):
            _media_file(name)
