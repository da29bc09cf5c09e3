"""Office files: .docx made with python-docx, a hand-written .pdf, their text imported, the original kept."""

import datetime
import io

import pytest
from docx import Document
from pypdf import PdfWriter

from documents.ingest.importer import import_paths
from documents.ingest.office import read_office_file
from documents.ingest.pipeline import ImportProblem, save_document
from documents.models import Article
from tests.staff_support import pdf_bytes


def make_docx():
    document = Document()
    document.add_heading("关于召开市人大常委会第五次会议的通知", level=1)
    document.add_paragraph("2023年4月10日")
    document.add_paragraph("各位委员：")
    paragraph = document.add_paragraph("定于4月20日召开")
    paragraph.add_run("市人大常委会第五次会议").bold = True
    paragraph.add_run("，请准时出席。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "地点"
    table.rows[0].cells[1].text = "市人大常委会第一会议室"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_LINES = [
    "平顶山市人大常委会2022年工作要点",
    "发布日期：2022-02-18",
    "一、加强立法工作，围绕生态环境保护",
    "推进地方立法。",
    "二、依法开展监督。",
]


def test_docx_title_date_and_body():
    content = make_docx()
    data = read_office_file("通知.docx", content)
    assert data.title == "关于召开市人大常委会第五次会议的通知"
    assert data.date.date == datetime.date(2023, 4, 10)
    assert data.body_html.startswith("<p>各位委员：</p>")
    assert "<strong>市人大常委会第五次会议</strong>" in data.body_html
    assert "<table>" in data.body_html
    assert "关于召开" not in data.body_html and "2023年4月10日" not in data.body_html
    assert data.attachments == [("通知.docx", content)]


def make_decision_docx(*head):
    document = Document()
    document.add_heading("平顶山市人民代表大会常务委员会关于确定市树市花的决定", level=1)
    for line in head:
        document.add_paragraph(line)
    document.add_paragraph("为了弘扬城市精神，市人大常委会决定：")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DECISION = "（2026年3月15日平顶山市第十届人民代表大会常务委员会第二十次会议通过）"


@pytest.mark.parametrize(
    "head, body",
    [
        ((DECISION,), "<p>为了弘扬城市精神，市人大常委会决定：</p>"),
        # Under a second title line (the body's first lines): the date is read all the same.
        (("（草案）", DECISION), "<p>（草案）</p><p>为了弘扬城市精神，市人大常委会决定：</p>"),
    ],
)
def test_docx_decision_dated_by_its_adoption_line(head, body):
    data = read_office_file("决定.docx", make_decision_docx(*head))
    assert data.date.isoformat() == "2026-03-15"
    assert data.amendments == [{"date": "2026-03-15", "event": "平顶山市第十届人民代表大会常务委员会第二十次会议通过"}]
    assert data.body_html == body
    assert data.notes == []


@pytest.mark.django_db
def test_docx_decision_published_with_its_date(tmp_path):
    (tmp_path / "决定.docx").write_bytes(make_decision_docx(DECISION))
    report = import_paths([tmp_path], status="published", progress=False)
    assert (report.imported, report.failed, report.notes) == (1, 0, [])
    article = Article.objects.get()
    assert article.date_display == "2026年3月15日"
    assert article.amendments[0]["date"] == "2026-03-15"


def test_pdf_dated_in_chinese_numerals():
    lines = [PDF_LINES[0], "二〇二二年二月十八日", *PDF_LINES[2:]]
    data = read_office_file("要点.pdf", pdf_bytes(lines))
    assert data.date.isoformat() == "2022-02-18"
    assert data.body_text.startswith("一、加强立法工作")


@pytest.mark.django_db
def test_docx_imported_with_its_text_and_original(tmp_path):
    content = make_docx()
    path = tmp_path / "通知.docx"
    path.write_bytes(content)
    report = import_paths([path], status="draft", default_column="通知公告", progress=False)
    assert (report.imported, report.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "关于召开市人大常委会第五次会议的通知"
    assert article.partial_date.isoformat() == "2023-04-10"
    assert article.text.split("\n\n")[:2] == ["各位委员：", "定于4月20日召开市人大常委会第五次会议，请准时出席。"]
    assert "市人大常委会第一会议室" in article.text
    attachment = article.attachments.get()
    assert attachment.title == "通知.docx"
    assert attachment.size == len(content)
    assert attachment.file.read() == content
    # The same file again: found, not doubled, no second copy of the original.
    again = import_paths([path], status="draft", default_column="通知公告", progress=False)
    assert (again.imported, again.unchanged) == (0, 1)
    assert article.attachments.count() == 1


@pytest.mark.django_db
def test_docx_with_a_script_in_a_hyperlink_is_sanitized():
    document = Document()
    document.add_paragraph("标题")
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    data = read_office_file("a.docx", out.getvalue())
    data.body_html += '<p><a href="javascript:alert(1)">链接</a><script>alert(2)</script></p>'
    article = save_document(data, status="draft", default_column="news").article
    assert "javascript" not in article.body and "alert" not in article.body


@pytest.mark.django_db
def test_pdf_imported_with_its_text(tmp_path):
    content = pdf_bytes(PDF_LINES)
    path = tmp_path / "要点.pdf"
    path.write_bytes(content)
    report = import_paths([path], status="published", progress=False)
    assert (report.imported, report.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "平顶山市人大常委会2022年工作要点"
    assert article.partial_date.isoformat() == "2022-02-18"
    # Lines broken by the page are joined again; a paragraph ends with its sentence.
    assert article.text == "一、加强立法工作，围绕生态环境保护推进地方立法。\n\n二、依法开展监督。"
    assert article.attachments.get().file.read() == content


def test_encrypted_pdf_is_refused_clearly():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ImportProblem, match="密码"):
        read_office_file("secret.pdf", out.getvalue())


def test_pdf_without_text_is_refused_clearly():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ImportProblem, match="没有可提取的文字"):
        read_office_file("scan.pdf", out.getvalue())


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "PDF 文件已损坏"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word 文件已损坏"),
        ("old.doc", b"\xd0\xcf\x11\xe0 old word", "另存为 .docx"),
        ("table.xlsx", b"PK\x03\x04", "不支持的文件类型"),
        ("empty.docx", b"", "文件是空的"),
    ],
)
def test_bad_office_files(filename, content, message):
    with pytest.raises(ImportProblem, match=message):
        read_office_file(filename, content)


def test_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportProblem, match="文件太大"):
        read_office_file("big.pdf", pdf_bytes(PDF_LINES * 10))


@pytest.mark.django_db
def test_folder_import_reports_each_bad_file_and_keeps_the_good(tmp_path, settings):
    (tmp_path / "sub").mkdir()
    docx = make_docx()
    (tmp_path / "sub" / "好.docx").write_bytes(docx)
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "空.txt").write_bytes(b"")
    (tmp_path / "说明.md").write_text("not imported: not a supported type")
    settings.IMPORT_MAX_BYTES = len(docx) + 1000
    big = pdf_bytes(PDF_LINES * 400)
    assert len(big) > settings.IMPORT_MAX_BYTES
    (tmp_path / "大.pdf").write_bytes(big)
    report = import_paths([tmp_path, tmp_path / "没有.jsonl"], status="draft", progress=False)
    assert (report.imported, report.failed) == (1, 4)
    reasons = {failure.path.rsplit("/", 1)[-1]: failure.reason for failure in report.failures}
    assert "已损坏" in reasons["坏.pdf"]
    assert "空" in reasons["空.txt"]
    assert "文件太大" in reasons["大.pdf"]
    assert "找不到" in reasons["没有.jsonl"]
    assert Article.objects.get().title == "关于召开市人大常委会第五次会议的通知"
