"""Attachments are searched: their text is read when they are saved (admin, imports) or by the backfill command,
bounded in size and time; files without text are kept and marked; a hit through an attachment says so."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from documents.ingest import attachment_text, bounded
from documents.ingest.importer import import_paths
from documents.ingest.office import file_text
from documents.models import Article, Attachment, Column
from documents.search.query import search
from documents.search_indexes import ArticleIndex
from documents.search.index.queue import apply_pending
from tests.staff_support import docx_bytes, pdf_bytes, staff_user, upload

pytestmark = pytest.mark.django_db
Status = Attachment.TextStatus

PDF = pdf_bytes(["平顶山市城市绿化条例实施情况", "一、湿地公园建设稳步推进。"])
DOCX = docx_bytes("代表建议办理情况", "关于农村公路养护的建议已经办结。")


def blank_pdf(password=None):
    """A page without a text layer (what a scan gives pypdf), encrypted if a password is given."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_article(title="常委会第五次会议", body="会议听取了工作报告。"):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED)
    article.set_plain_text_body(body)
    article.save()
    return article


def attach_in_admin(client, article, *files):
    """Post the article's admin page with new attachments ((name, bytes) pairs), as the browser would (a 审核's
    client: an editor cannot change the files of a published article)."""
    url = reverse("admin:documents_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.pop("cover_image")
    data.update({"attachments-TOTAL_FORMS": str(len(files)), "attachments-INITIAL_FORMS": "0"})
    for number, (name, content) in enumerate(files):
        data[f"attachments-{number}-file"] = SimpleUploadedFile(name, content)
        data[f"attachments-{number}-title"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    return {a.title: a for a in article.attachments.all()}


def snippets(query):
    apply_pending()
    return {hit.pk: str(hit.snippet) for hit in search(query).hits}


def test_pdf_and_docx_attached_in_the_admin_are_found_with_the_attachment_named(reviewer_client):
    article = make_article()
    attachments = attach_in_admin(reviewer_client, article, ("绿化.pdf", PDF), ("建议.docx", DOCX))
    assert {title: a.text_status for title, a in attachments.items()} == {
        "绿化.pdf": Status.EXTRACTED, "建议.docx": Status.EXTRACTED,
    }
    assert "湿地公园建设稳步推进" in attachments["绿化.pdf"].text
    assert "农村公路养护" in attachments["建议.docx"].text

    found = snippets("湿地公园")
    assert list(found) == [article.pk]
    assert found[article.pk].startswith("附件《绿化.pdf》：") and "<em>湿地公园</em>" in found[article.pk]
    assert snippets("农村公路")[article.pk].startswith("附件《建议.docx》：")
    # A match in the body is shown from the body.
    assert snippets("工作报告")[article.pk].startswith("会议听取了<em>工作报告</em>")

    page = reviewer_client.get(reverse("admin:documents_article_change", args=[article.pk])).content.decode()
    assert f"已提取（{len(attachments['绿化.pdf'].text):,} 字）" in page


def test_the_attachment_snippet_escapes_the_title():
    article = make_article()
    attachment = Attachment(article=article, title="<b>绿化</b>.pdf")
    attachment_text.read_text("绿化.pdf", PDF).apply(attachment)
    attachment.file.save("绿化.pdf", ContentFile(PDF))
    assert snippets("湿地公园")[article.pk].startswith("附件《&lt;b&gt;绿化&lt;/b&gt;.pdf》：")


def test_scans_encrypted_and_unsupported_files_are_kept_and_marked(reviewer_client):
    article = make_article()
    files = {
        "扫描件.pdf": blank_pdf(),
        "加密.pdf": blank_pdf(password="secret"),
        "照片.jpg": b"\xff\xd8\xff\xe0" + bytes(100),
        "旧版.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
    }
    attachments = attach_in_admin(reviewer_client, article, *files.items())
    assert {title: a.text_status for title, a in attachments.items()} == {
        "扫描件.pdf": Status.NO_TEXT, "加密.pdf": Status.ENCRYPTED,
        "照片.jpg": Status.UNSUPPORTED, "旧版.doc": Status.UNSUPPORTED,
    }
    for title, attachment in attachments.items():
        assert attachment.text == "" and attachment.file.read() == files[title]
    assert "扫描件" in attachments["扫描件.pdf"].text_note and "密码" in attachments["加密.pdf"].text_note
    page = reviewer_client.get(reverse("admin:documents_article_change", args=[article.pk])).content.decode()
    assert "已加密：PDF 文件有密码保护" in page and "无文字（扫描件）：" in page and "不支持的类型：" in page


def test_a_slow_pdf_is_stopped_and_a_file_over_the_limit_is_not_read(reviewer_client, settings):
    article = make_article()
    # 100,000 text operators on one page: pypdf needs seconds for it (bench/attachment_text.py), far over the limit.
    settings.FILE_READ_SECONDS = 0.2
    [slow] = attach_in_admin(reviewer_client, article, ("汇编.pdf", pdf_bytes(["人大"] * 100_000))).values()
    assert slow.text_status == Status.UNREADABLE and "超过 0.2 秒" in slow.text_note and slow.text == ""

    settings.IMPORT_MAX_BYTES = len(PDF) - 1
    attachments = attach_in_admin(reviewer_client, article, ("绿化.pdf", PDF))
    assert attachments["绿化.pdf"].text_status == Status.TOO_LARGE and "文件太大" in attachments["绿化.pdf"].text_note
    assert attachments["绿化.pdf"].file.read() == PDF


def test_the_text_kept_is_bounded_and_a_long_pdf_is_read_only_so_far(monkeypatch):
    monkeypatch.setattr(attachment_text, "MAX_CHARS", 1000)
    outcome = attachment_text.read_text("长文.txt", ("人大常委会" * 1000).encode())
    assert outcome.status == Status.EXTRACTED and len(outcome.text) == 1000

    writer = PdfWriter()
    for number in range(3):
        writer.append(PdfReader(io.BytesIO(pdf_bytes([f"第{number + 1}页" + "监督" * 300]))))
    pages = io.BytesIO()
    writer.write(pages)
    assert "第3页" in file_text("三页.pdf", pages.getvalue())
    assert "第1页" in file_text("三页.pdf", pages.getvalue(), max_chars=500)
    assert "第2页" not in file_text("三页.pdf", pages.getvalue(), max_chars=500)


def test_deleting_an_attachment_takes_its_text_out_of_search(reviewer_client):
    article = make_article()
    attachments = attach_in_admin(reviewer_client, article, ("绿化.pdf", PDF))
    assert list(snippets("湿地公园")) == [article.pk]
    attachments["绿化.pdf"].delete()
    assert snippets("湿地公园") == {}
    assert list(snippets("工作报告")) == [article.pk]


def store(article, name, content):
    """An attachment saved the way a shell or an old version of the site did: its text never read."""
    attachment = Attachment(article=article)
    attachment.file.save(name, ContentFile(content))
    return attachment


def test_backfill_command_reads_what_was_never_read_then_everything_with_all(tmp_path):
    article = make_article()
    pdf, table = store(article, "绿化.pdf", PDF), store(article, "统计表.xlsx", b"PK\x03\x04" + bytes(50))
    missing = store(make_article("另一篇"), "丢失.docx", DOCX)
    missing.file.storage.delete(missing.file.name)
    assert set(Attachment.objects.values_list("text_status", flat=True)) == {Status.PENDING}
    apply_pending()
    assert snippets("湿地公园") == {}

    out = io.StringIO()
    call_command("extract_attachment_text", stdout=out)
    assert out.getvalue().strip() == "处理附件 3 个：已提取 1 个，无法读取 1 个，不支持的类型 1 个"
    # The command brought the index up to date itself.
    assert str(search("湿地公园").hits[0].snippet).startswith("附件《绿化.pdf》：")
    missing.refresh_from_db()
    assert "找不到附件文件" in missing.text_note

    out = io.StringIO()
    call_command("extract_attachment_text", stdout=out)
    assert out.getvalue().strip() == "没有需要提取文字的附件"

    Attachment.objects.filter(pk=pdf.pk).update(text="")
    out = io.StringIO()
    call_command("extract_attachment_text", "--all", stdout=out)
    assert out.getvalue().strip() == "处理附件 3 个：已提取 1 个，无法读取 1 个，不支持的类型 1 个"
    pdf.refresh_from_db()
    table.refresh_from_db()
    assert "湿地公园" in pdf.text and table.text_status == Status.UNSUPPORTED
    with pytest.raises(CommandError, match="--seconds 应大于 0"):
        call_command("extract_attachment_text", "--seconds", "0")


def test_an_imported_office_files_original_is_the_body_read_once_and_indexed_once(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the importer already read this file")

    monkeypatch.setattr(attachment_text, "read_text", never)
    (tmp_path / "建议.docx").write_bytes(DOCX)
    (tmp_path / "绿化.pdf").write_bytes(PDF)
    report = import_paths([tmp_path], status="published", progress=False)
    assert (report.imported, report.failed) == (2, 0)
    originals = {a.title: a for a in Attachment.objects.select_related("article")}
    assert {(a.text_status, a.text) for a in originals.values()} == {(Status.BODY, "")}
    assert "农村公路养护" in originals["建议.docx"].article.text and "湿地公园" in originals["绿化.pdf"].article.text
    found = snippets("湿地公园")
    assert list(found) == [originals["绿化.pdf"].article_id] and not found[originals["绿化.pdf"].article_id].startswith("附件")
    assert ArticleIndex.searchable_text(originals["绿化.pdf"].article).count("湿地公园") == \
        originals["绿化.pdf"].article.text.count("湿地公园")
    call_command("extract_attachment_text", "--all", verbosity=0)  # redoing all leaves the originals alone
    assert set(Attachment.objects.values_list("text_status", flat=True)) == {Status.BODY}


def test_attachments_of_a_restored_backup_are_read(tmp_path, settings):
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "绿化.pdf").write_bytes(PDF)
    record = {
        "title": "绿化工作报告", "date": "2023-05-01", "category": "人大要闻", "body": "正文。",
        "source": "backup-1", "attachments": [{"title": "绿化.pdf", "file": "attachments/绿化.pdf"}],
    }
    (tmp_path / "backup.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_paths([tmp_path / "backup.jsonl"], status="published", progress=False)
    assert (report.imported, report.failed) == (1, 0)
    attachment = Attachment.objects.get()
    assert attachment.text_status == Status.EXTRACTED and "湿地公园" in attachment.text
    assert snippets("湿地公园")[attachment.article_id].startswith("附件《绿化.pdf》：")


def test_an_uploaded_document_keeps_its_original_with_its_text(client):
    client.force_login(staff_user("editor", "编辑"))
    assert upload(client, ("建议.docx", DOCX)).context["outcomes"][0].ok
    attachment = Attachment.objects.get()
    assert attachment.text_status == Status.BODY and "农村公路养护" in attachment.article.text


def test_the_reader_cannot_take_more_memory_than_allowed(monkeypatch):
    # 40 MB of four-byte characters decode into a 40 MB string: one block over glibc's largest mmap threshold
    # (32 MB), so always new memory, whatever this process freed before; far more than the child is allowed here.
    text = ("\U00020000" * 10_000_000).encode()
    monkeypatch.setattr(bounded, "CHILD_MEMORY", 16 * 1024 * 1024)
    outcome = attachment_text.read_text("汇编.txt", text)
    assert outcome.status == Status.UNREADABLE and "内存不足" in outcome.note
    monkeypatch.undo()
    assert attachment_text.read_text("汇编.txt", text).status == Status.EXTRACTED


def test_search_sync_reads_attachments_saved_by_any_path_then_indexes_them():
    """A shell or a data migration saves an attachment without reading it: the applier reads it (bounded, as the
    backfill does) and the same run puts its text in the index."""
    article = make_article()
    store(article, "绿化.pdf", PDF)
    apply_pending()
    assert snippets("湿地公园") == {}
    out = io.StringIO()
    call_command("search_sync", stdout=out)
    assert out.getvalue().splitlines() == ["处理附件 1 个：已提取 1 个", "已应用 1 个索引操作"]
    assert snippets("湿地公园")[article.pk].startswith("附件《绿化.pdf》：")
    out = io.StringIO()
    call_command("search_sync", stdout=out)
    assert out.getvalue().splitlines() == ["已应用 0 个索引操作"]  # nothing left to read: nothing said


def test_the_appliers_loop_reads_a_bounded_number_of_attachments_a_round(monkeypatch):
    from documents.management.commands import search_sync
    from documents.search.index.queue import apply_forever

    monkeypatch.setattr(attachment_text, "PER_ROUND", 2)
    article = make_article()
    for number in range(3):
        store(article, f"绿化{number}.pdf", PDF)
    apply_pending()
    started = []
    monkeypatch.setattr(search_sync, "apply_forever", lambda interval, chores: started.append(chores))
    call_command("search_sync", "--loop", "--interval", "0")  # what `make serve` starts, its loop caught

    def statuses():
        return sorted(Attachment.objects.values_list("text_status", flat=True))

    apply_forever(0, rounds=1, chores=started[0])
    assert statuses() == [Status.EXTRACTED, Status.EXTRACTED, Status.PENDING]
    assert search("湿地公园").hits[0].pk == article.pk  # applied in the same round
    apply_forever(0, rounds=1, chores=started[0])
    assert statuses() == [Status.EXTRACTED] * 3
