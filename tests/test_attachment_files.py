"""An attachment's file: downloaded under the name staff gave it with its extension, removed with its row or when
replaced, and files no row names any more purged by purge_orphan_files."""

import io
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from documents.models import Attachment
from tests.test_attachment_text import PDF, attach_in_admin, make_article

pytestmark = pytest.mark.django_db


def on_disk(attachment):
    return Path(settings.MEDIA_ROOT, attachment.file.name)


def store(article, name, content=b"%PDF-1.4 x", title=""):
    attachment = Attachment(article=article, title=title)
    attachment.file.save(name, ContentFile(content))
    return attachment


def test_a_title_without_the_extension_downloads_with_it(client):
    attachment = store(make_article(), "report.pdf", title="年度报告")
    disposition = client.get(attachment.file.url)["Content-Disposition"]
    assert disposition.endswith("filename*=utf-8''" + quote("年度报告.pdf"))
    named = store(make_article("另一篇"), "table.xlsx", content=b"PK\x03\x04", title="统计表.XLSX")
    assert named.download_name == "统计表.XLSX"


def test_deleting_an_attachment_in_the_admin_removes_its_file(reviewer_client, django_capture_on_commit_callbacks):
    article = make_article()
    attachment = attach_in_admin(reviewer_client, article, ("绿化.pdf", PDF))["绿化.pdf"]
    path = on_disk(attachment)
    assert path.exists()
    url = reverse("admin:documents_article_change", args=[article.pk])
    form = reviewer_client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.pop("cover_image")
    data.update({
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "1",
        "attachments-0-id": str(attachment.pk), "attachments-0-article": str(article.pk),
        "attachments-0-title": attachment.title, "attachments-0-DELETE": "on",
    })
    with django_capture_on_commit_callbacks(execute=True):
        assert reviewer_client.post(url, data).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()


def test_a_replaced_file_is_removed_and_a_rolled_back_delete_keeps_it(django_capture_on_commit_callbacks):
    from django.db import transaction

    attachment = store(make_article(), "first.pdf")
    first = on_disk(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        attachment.file.save("second.pdf", ContentFile(b"%PDF-1.4 y"))
    assert not first.exists() and on_disk(attachment).exists()

    second = on_disk(attachment)
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment.delete()
        raise RuntimeError
    assert second.exists()


def test_purge_orphan_files_removes_only_old_files_no_row_names():
    kept = store(make_article(), "kept.pdf")
    root = Path(settings.MEDIA_ROOT)
    old_orphan, new_orphan = root / "attachments/2020/01/lost.pdf", root / "attachments/2020/01/uploading.pdf"
    picture = root / "images/2020/01/in-a-body.png"
    for path in (old_orphan, new_orphan, picture):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 10)
    hours_ago = time.time() - 2 * 3600
    for path in (old_orphan, picture, on_disk(kept)):
        os.utime(path, (hours_ago, hours_ago))

    out = io.StringIO()
    call_command("purge_orphan_files", "--dry-run", stdout=out)
    assert "attachments/2020/01/lost.pdf" in out.getvalue() and "共 1 个文件没有被使用（未删除）" in out.getvalue()
    assert old_orphan.exists()

    out = io.StringIO()
    call_command("purge_orphan_files", stdout=out)
    assert "已删除 1 个没有被使用的文件" in out.getvalue()
    assert not old_orphan.exists()
    assert new_orphan.exists() and picture.exists() and on_disk(kept).exists()
