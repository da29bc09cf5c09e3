"""The rich-text editor (TinyMCE, served by the site itself) and the staff preview of an article."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import Article, Column
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db


def test_body_uses_the_bundled_editor_in_chinese_with_no_outside_script(editor_client):
    page = editor_client.get(reverse("admin:documents_article_add")).content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert "/static/tinymce/tinymce.min.js" in scripts
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts), scripts
    config = json.loads(re.search(r'data-mce-conf="([^"]+)"', page).group(1).replace("&quot;", '"'))
    assert config["language"] == "zh_CN"
    assert config["images_upload_url"] == reverse("admin:documents_article_body_image")
    assert "/static/documents/editor-upload.js" in scripts
    for tool in ("blocks", "bold", "bullist", "numlist", "table", "link", "image"):
        assert tool in config["toolbar"]
    for plugin in ("lists", "link", "image", "table"):
        assert plugin in config["plugins"]
        assert finders.find(f"tinymce/plugins/{plugin}/plugin.min.js")
    assert finders.find("tinymce/tinymce.min.js") and finders.find("tinymce/langs/zh_CN.js")


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_editor_pages_allow_inline_styles_but_no_outside_or_inline_script(editor_client):
    article = Article.objects.create(title="稿子", column=Column.objects.get(slug="news"))
    version = article.history.get()
    for url in (
        reverse("admin:documents_article_add"),
        reverse("admin:documents_article_change", args=[article.pk]),
        reverse("admin:documents_article_simple_history", args=[article.pk, version.history_id]),
    ):
        policy = directives(editor_client.get(url))
        assert "'unsafe-inline'" in policy["style-src"] and "blob:" in policy["img-src"]
        assert policy["script-src"] == ["'self'"]
    # Everywhere else the site's strict policy holds.
    assert "'unsafe-inline'" not in directives(editor_client.get(reverse("admin:documents_article_changelist")))["style-src"]
    preview = editor_client.get(reverse("admin:documents_article_preview", args=[article.pk]))
    assert "'unsafe-inline'" not in directives(preview)["style-src"]


def test_editor_output_passes_the_sanitizer(editor_client):
    column = Column.objects.get(slug="news")
    body = (
        '<h2>一、总体情况</h2><p onclick="steal()"><strong>加粗</strong><script>alert(1)</script></p>'
        '<table><tbody><tr><td colspan="2" style="color:red">表格</td></tr></tbody></table>'
        '<p><a href="javascript:alert(1)">坏链接</a> <a href="https://www.pds.gov.cn/">好链接</a></p>'
        '<p><img src="/media/images/a.png" alt="图"><img src="data:image/png;base64,AAAA"></p>'
    )
    response = editor_client.post(
        reverse("admin:documents_article_add"),
        {
            "title": "富文本", "column": column.pk, "kind": "news", "date_precision": "unknown", "body": body,
            "amendments": "", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    saved = Article.objects.get(title="富文本").body
    assert "<h2>一、总体情况</h2>" in saved and "<strong>加粗</strong>" in saved
    assert '<td colspan="2">表格</td>' in saved
    assert '<img src="/media/images/a.png" alt="图">' in saved
    assert 'href="https://www.pds.gov.cn/"' in saved
    for bad in ("onclick", "<script", "alert", "javascript:", "style=", "data:image"):
        assert bad not in saved


def test_staff_preview_shows_a_draft_as_the_public_would_see_it(client, editor_client):
    article = Article.objects.create(
        title="尚未发布的稿子", column=Column.objects.get(slug="news"), body="<p>草稿正文</p>"
    )
    assert client.get(article.get_absolute_url()).status_code == 404
    preview_url = reverse("admin:documents_article_preview", args=[article.pk])
    change_page = editor_client.get(reverse("admin:documents_article_change", args=[article.pk])).content.decode()
    assert preview_url in change_page

    response = editor_client.get(preview_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "尚未发布的稿子" in page and "草稿正文" in page and "预览" in page and "草稿" in page
    assert [t.name for t in response.templates][:2] == ["admin/documents/article/preview.html", "documents/article_detail.html"]
    assert 'name="robots" content="noindex' in page


def test_preview_is_for_staff_only(client):
    article = Article.objects.create(title="草稿", column=Column.objects.get(slug="news"))
    url = reverse("admin:documents_article_preview", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(staff_user("nobody"))  # staff without any permission
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:documents_article_preview", args=[article.pk + 1000])).status_code == 404


def png_bytes(size=(40, 30)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_editor_uploads_a_picture_that_the_sanitizer_keeps(editor_client, settings):
    url = reverse("admin:documents_article_body_image")
    response = editor_client.post(url, {"file": SimpleUploadedFile("截图.png", png_bytes())})
    assert response.status_code == 200
    location = response.json()["location"]
    assert location.startswith("/media/images/") and location.endswith(".png")
    stored = settings.MEDIA_ROOT / location.removeprefix("/media/")
    assert stored.read_bytes() == png_bytes()
    article = Article.objects.create(
        title="有图", column=Column.objects.get(slug="news"), body=f'<p><img src="{location}" alt="图"></p>'
    )
    assert f'<img src="{location}" alt="图">' in article.body


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("假图片.png", "不是图片".encode(), "不是图片"),
        ("截断.png", png_bytes()[:60], "不是图片"),
        ("图.bmp", None, "只能插入"),
    ],
)
def test_bad_picture_is_refused_with_a_message(editor_client, settings, name, content, message):
    if content is None:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (4, 4)).save(buffer, "BMP")
        content = buffer.getvalue()
    response = editor_client.post(reverse("admin:documents_article_body_image"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.json()["error"]
    assert not (settings.MEDIA_ROOT / "images").exists()


def test_picture_upload_needs_permission_post_and_the_csrf_token():
    url = reverse("admin:documents_article_body_image")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user("nobody"))
    client.get(reverse("admin:index"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url, {"file": SimpleUploadedFile("a.png", png_bytes())}, HTTP_X_CSRFTOKEN=token).status_code == 403

    client.force_login(staff_user("editor", "编辑"))
    client.get(reverse("admin:index"))
    token = client.cookies["csrftoken"].value
    assert client.get(url).status_code == 405
    assert client.post(url, {"file": SimpleUploadedFile("a.png", png_bytes())}).status_code == 403
    assert client.post(url, {"file": SimpleUploadedFile("a.png", png_bytes())}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_amendments_are_edited_as_lines_not_json():
    from documents.editorial.forms import AmendmentsField

    field = AmendmentsField(required=False)
    stored = [{"date": "2011-11-17", "event": "市人大常委会通过"}, {"date": "2020", "event": "第一次修正"},
              {"date": None, "event": "第二次修正"}]
    shown = field.prepare_value(stored)
    assert shown == "2011-11-17 市人大常委会通过\n2020 第一次修正\n第二次修正"
    assert field.clean(shown + "\n\n") == stored  # what staff see saves back unchanged

    with pytest.raises(ValidationError) as error:
        field.clean("2011-11-17 通过\n2021-02-30 修正")
    assert "第 2 行" in str(error.value) and "不存在" in str(error.value)
    with pytest.raises(ValidationError, match="缺少事件说明"):
        field.clean("2021-06")


def test_amendments_round_trip_through_the_admin_form(client):
    from tests.staff_support import staff_user

    client.force_login(staff_user("reviewer", "审核"))
    article = Article(title="条例", column=Column.objects.get(slug="documents"),
                      amendments=[{"date": "2011-11-17", "event": "通过"}])
    article.set_plain_text_body("正文")
    article.save()
    page = client.get(reverse("admin:documents_article_change", args=[article.pk])).content.decode()
    assert "2011-11-17 通过</textarea>" in page and "[{" not in page.split('name="amendments"')[1][:200]
