"""The admin upload: office files and zips become drafts; every bad file gets a clear message and saves nothing."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfWriter

from documents.editorial import uploads
from documents.models import Article, Attachment, Meeting, Speaker
from tests.staff_support import docx_bytes, pdf_bytes, staff_user, upload, zip_bytes

pytestmark = pytest.mark.django_db


def assert_nothing_saved(settings):
    assert Article.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Speaker.objects.count() == 0 and Meeting.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def failure_message(response):
    """The reason shown for the one failed file."""
    assert response.status_code == 200
    outcomes = response.context["outcomes"]
    assert len(outcomes) == 1 and not outcomes[0].ok
    assert "未导入：" + outcomes[0].problem in response.content.decode()
    return outcomes[0].problem


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_upload_page_linked_from_changelist_and_refused_without_add_permission(client):
    client.force_login(staff_user("editor", "编辑"))
    page = client.get(reverse("admin:documents_article_changelist")).content.decode()
    assert reverse("admin:documents_article_upload") in page and "上传文件" in page
    assert client.get(reverse("admin:documents_article_upload")).status_code == 200

    client.force_login(staff_user("reader"))  # staff, but in no group
    assert client.get(reverse("admin:documents_article_upload")).status_code == 403


def test_docx_becomes_a_draft_with_the_original_attached(editor_client):
    data = docx_bytes("关于加强预算审查监督的报告", "2022年9月22日", "第一段正文。", "第二段正文。")
    response = upload(editor_client, ("预算报告.docx", data))
    assert response.status_code == 200
    [outcome] = response.context["outcomes"]
    assert outcome.ok, outcome.problem
    article = Article.objects.get()
    assert article.title == "关于加强预算审查监督的报告"
    assert article.date == datetime.date(2022, 9, 22) and article.date_display == "2022年9月22日"
    assert "第一段正文。" in article.text and "第二段正文。" in article.text
    assert article.status == Article.Status.DRAFT and article.column.slug == "news"
    [attachment] = article.attachments.all()
    assert attachment.title == "预算报告.docx" and attachment.file.read() == data
    assert article.history.get().history_user.username == "editor"
    assert "已导入为草稿" in response.content.decode()


def test_several_files_and_a_zip_report_each_file(editor_client):
    good_docx = docx_bytes("会议通知", "2023年1月5日", "请各位委员准时参加。")
    txt = "关于召开常委会会议的通知\n\n2023年2月1日\n\n定于下周召开会议。".encode()
    html = "<html><body><h1>代表工作简报</h1><p>2023年3月2日</p><p>代表视察了学校。</p></body></html>".encode()
    archive = zip_bytes(
        [
            ("材料/简报.html", html),
            ("材料/照片.jpg", b"\xff\xd8\xff\xe0" + bytes(100)),
            ("材料/空白.txt", b""),
            ("__MACOSX/._简报.html", b"junk"),
        ]
    )
    response = upload(editor_client, ("通知.docx", good_docx), ("通知.txt", txt), ("材料.zip", archive))
    outcomes = {o.name: o for o in response.context["outcomes"]}
    assert set(outcomes) == {"通知.docx", "通知.txt", "材料.zip / 简报.html", "材料.zip / 照片.jpg", "材料.zip / 空白.txt"}
    assert outcomes["通知.docx"].ok and outcomes["通知.txt"].ok and outcomes["材料.zip / 简报.html"].ok
    assert "不支持的文件类型" in outcomes["材料.zip / 照片.jpg"].problem
    assert "空" in outcomes["材料.zip / 空白.txt"].problem
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        ["会议通知", "关于召开常委会会议的通知", "代表工作简报"]
    )
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    assert Attachment.objects.count() == 3
    page = response.content.decode()
    assert "成功导入 3 个文件" in page and "2 个文件未能导入" in page


def test_uploading_the_same_file_twice_does_not_duplicate(editor_client):
    data = docx_bytes("重复上传的文件", "2022年1月1日", "正文。")
    upload(editor_client, ("a.docx", data))
    response = upload(editor_client, ("a.docx", data))
    [outcome] = response.context["outcomes"]
    assert outcome.ok and outcome.existed and "已存在" in response.content.decode()
    assert Article.objects.count() == 1 and Attachment.objects.count() == 1


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("加密.pdf", encrypted_pdf(), "密码"),
        ("损坏.docx", docx_bytes("标题", "正文")[:3000], "损坏"),
        ("加密.docx", uploads.OLE_MAGIC + bytes(2000), "已加密"),
        ("空白.txt", b"", "空"),
        ("只有空格.txt", b"  \n\n \r\n", "空"),
        ("空白.docx", docx_bytes(""), "没有"),
        ("其实是PDF.docx", encrypted_pdf(), "PDF"),
        ("其实是Word.pdf", docx_bytes("标题", "正文"), "Word"),
        ("其实是压缩包.docx", zip_bytes([("说明.txt", "标题\n\n正文".encode())]), "不是有效的 Word 文档"),
        ("图片.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "不是文本"),
        ("旧版.doc", uploads.OLE_MAGIC + bytes(100), ".doc"),
        ("程序.exe", b"MZ" + bytes(100), "不支持的文件类型"),
        ("坏的.zip", b"PK\x03\x04" + bytes(100), "不是有效的 zip"),
        ("空的.zip", zip_bytes([]), "不是有效的 zip"),
        ("嵌套.zip", zip_bytes([("里面.zip", zip_bytes([("a.txt", "标题\n\n正文".encode())]))]), "不能再包含压缩包"),
    ],
)
def test_bad_file_gets_a_clear_message_and_saves_nothing(editor_client, settings, name, content, expected):
    problem = failure_message(upload(editor_client, (name, content)))
    assert expected in problem
    assert_nothing_saved(settings)


# The start of a Windows program: the MZ header, then the DOS stub's binary fields.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"This program cannot be run in DOS mode."


def test_a_program_renamed_inside_a_zip_is_an_unsupported_type(editor_client, settings):
    archive = zip_bytes([("报告.pdf", PROGRAM), ("通知.docx", PROGRAM), ("说明.txt", PROGRAM)])
    response = upload(editor_client, ("材料.zip", archive))
    problems = {outcome.name: outcome.problem for outcome in response.context["outcomes"]}
    assert set(problems) == {"材料.zip / 报告.pdf", "材料.zip / 通知.docx", "材料.zip / 说明.txt"}
    for problem in problems.values():
        assert problem.startswith("不支持的文件类型") and "可执行程序" in problem
    assert_nothing_saved(settings)


def test_a_pdf_too_slow_to_read_is_stopped_with_a_message(editor_client, settings):
    # 100,000 text operators on one page: pypdf needs seconds for it (bench/attachment_text.py), far over the limit.
    settings.FILE_READ_SECONDS = 0.2
    problem = failure_message(upload(editor_client, ("汇编.pdf", pdf_bytes(["人大"] * 100_000))))
    assert "读取超过 0.2 秒" in problem
    assert_nothing_saved(settings)


def test_zip_bomb_is_refused_before_unpacking(editor_client, settings):
    # 40 MB of one repeated byte compress to about 40 KB: the ratio betrays the bomb.
    bomb = zip_bytes([("报告.txt", b"0" * (40 * 1024 * 1024))])
    assert len(bomb) < 100_000
    problem = failure_message(upload(editor_client, ("材料.zip", bomb)))
    assert "压缩炸弹" in problem
    assert_nothing_saved(settings)


def test_zip_with_too_many_members_is_refused(editor_client, settings):
    members = [(f"{n}.txt", f"标题{n}\n\n正文".encode()) for n in range(uploads.ZIP_MAX_MEMBERS + 1)]
    problem = failure_message(upload(editor_client, ("很多.zip", zip_bytes(members))))
    assert "文件太多" in problem
    assert_nothing_saved(settings)


def test_zip_member_larger_than_the_limit_is_refused(editor_client, settings):
    settings.IMPORT_MAX_BYTES = 100_000
    # Text that does not compress much: the size, not the ratio, is over the limit.
    text = "".join(f"第{n}条 内容{n * 7919 % 104729}。\n" for n in range(12_000)).encode()
    assert len(text) > 100_000
    archive = zip_bytes([("大文件.txt", text)])
    assert len(archive) < 100_000
    problem = failure_message(upload(editor_client, ("大.zip", archive)))
    assert "太大" in problem
    assert_nothing_saved(settings)


def test_forged_zip_header_cannot_make_the_reader_unpack_more_than_the_limit(settings):
    settings.IMPORT_MAX_BYTES = 1000
    archive = bytearray(zip_bytes([("a.txt", b"x" * 5000)], compression=zipfile.ZIP_STORED))
    # Lie about the size in the central directory: 5000 -> 10 bytes.
    directory = archive.rindex(b"PK\x01\x02")
    archive[directory + 24 : directory + 28] = (10).to_bytes(4, "little")
    with pytest.raises(uploads.ImportProblem) as problem:
        uploads.unpack_zip(bytes(archive))
    assert "太大" in str(problem.value) or "损坏" in str(problem.value)


def test_file_over_the_size_limit_is_refused_by_the_form(editor_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(editor_client, ("大.txt", ("标题\n\n" + "正文" * 1000).encode()))
    assert response.status_code == 200 and response.context["outcomes"] is None
    assert "文件太大" in response.content.decode() and "大.txt" in response.content.decode()
    assert_nothing_saved(settings)


def test_upload_without_files_or_column_shows_form_errors(editor_client):
    response = editor_client.post(reverse("admin:documents_article_upload"), {})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择要上传的文件" in page and "请选择栏目" in page
