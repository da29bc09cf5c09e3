"""下载 Word / 下载 PDF: a law's title, metadata, 修订沿革, headings, 条 and tables read back from both files, the
footer on every page, a changed document never served from an old file, rendering bounded."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from documents.editorial import workflow
from documents.models import Article
from tests.portal_helpers import make_article
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db

BODY = """第一章 总则

第一条 为了规范城市绿化工作，改善生态环境，根据有关法律、法规，结合本市实际，制定本条例。

第二条 本条例适用于本市城市规划区内的绿化规划、建设、保护和管理。

第二章 规划和建设

第三条 市人民政府应当组织编制城市绿地系统规划。

第四条 本条例自2025年1月1日起施行。"""


@pytest.fixture
def law():
    article = make_article(
        "平顶山市城市绿化条例", body=BODY, kind=Article.Kind.REGULATION, column_slug="documents",
        doc_number="平顶山市人民代表大会常务委员会公告第12号", issuer="平顶山市人民代表大会常务委员会",
        amendments=[{"date": "2024-10-30", "event": "平顶山市第十届人民代表大会常务委员会第十二次会议通过"}],
    )
    article.body += "\n<table><tr><td>绿地类型</td><td>面积</td></tr><tr><td>公园</td><td>120公顷</td></tr></table>"
    article.save()
    return article


def download(client, article, extension):
    return client.get(reverse(f"opendata:download_{extension}", args=[article.pk]))


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_word_holds_the_title_metadata_history_structure_and_footer(client, law):
    response = download(client, law, "docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    word = WordDocument(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Title", "平顶山市城市绿化条例")
    cells = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert ["文号", "平顶山市人民代表大会常务委员会公告第12号"] in cells
    assert ["发文机关", "平顶山市人民代表大会常务委员会"] in cells and ["公园", "120公顷"] in cells
    assert any(label == "施行日期" and value == "2025年1月1日" for label, value in cells if len([label]) == 1)
    assert any(text.startswith("2024年10月30日") and "第十二次会议通过" in text for _, text in paragraphs)
    assert ("Heading 4", "第一章 总则") in paragraphs and ("Heading 4", "第二章 规划和建设") in paragraphs
    assert ("Normal", "第三条 市人民政府应当组织编制城市绿地系统规划。") in paragraphs
    footer = word.sections[0].footer.paragraphs[0]
    assert "平顶山市人民代表大会常务委员会" in footer.text and f"/articles/{law.pk}/" in footer.text
    assert 'w:instrText' in footer._p.xml and "PAGE" in footer._p.xml


def test_pdf_has_selectable_text_an_embedded_cjk_font_and_numbered_pages(client, law):
    response = download(client, law, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response)
    flat = re.sub(r"\s", "", text)
    for expected in ("平顶山市城市绿化条例", "平顶山市人民代表大会常务委员会公告第12号", "第一章总则",
                     "第三条市人民政府应当组织编制城市绿地系统规划。", "公园", "120公顷", "修订沿革",
                     f"/articles/{law.pk}/", "第1页/共1页"):
        assert expected in flat, expected
    fonts = reader.pages[0]["/Resources"]["/Font"]
    def descriptor(font):
        font = font.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        return font.get("/FontDescriptor")

    descriptors = [descriptor(font).get_object() for font in fonts.values() if descriptor(font)]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType, subset


def test_a_long_law_is_paged_and_every_page_says_its_number(client):
    body = "\n\n".join(f"第{n}条 " + "市人民代表大会常务委员会依法行使监督职权。" * 8 for n in range(1, 301))
    article = make_article("很长的条例", body=body)
    reader, text = pdf_text(download(client, article, "pdf"))
    pages = len(reader.pages)
    assert pages > 10
    assert all(f"第 {n} 页 / 共 {pages} 页" in reader.pages[n - 1].extract_text() for n in (1, pages))


def test_a_changed_document_is_never_served_from_an_old_file(client, law):
    first = download(client, law, "pdf").content
    assert download(client, law, "pdf").content == first  # served from the page cache
    law.set_plain_text_body(BODY.replace("城市绿地系统规划", "城市绿地和湿地保护规划"))
    workflow.save_edit(law, staff_user("lisi", "审核"))
    _, text = pdf_text(download(client, law, "pdf"))
    assert "湿地保护规划" in re.sub(r"\s", "", text)
    word = WordDocument(io.BytesIO(download(client, law, "docx").content))
    assert any("湿地保护规划" in p.text for p in word.paragraphs)


def test_drafts_are_not_downloadable_and_the_links_are_on_the_page_and_in_the_json(client, law):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    assert download(client, draft, "pdf").status_code == 404
    assert download(client, draft, "docx").status_code == 404
    page = client.get(law.get_absolute_url()).content.decode()
    assert reverse("opendata:download_docx", args=[law.pk]) in page and "下载 PDF" in page
    downloads = client.get(law.get_absolute_url() + "?format=json").json()["downloads"]
    assert downloads["pdf"].endswith(f"/articles/{law.pk}/download.pdf")


def test_a_rendering_past_its_deadline_answers_a_chinese_503(settings, law):
    settings.DOWNLOAD_RENDER_SECONDS = 0.0001
    response = Client().get(reverse("opendata:download_pdf", args=[law.pk]))
    assert response.status_code == 503 and "文件生成超时或失败" in response.content.decode()


def test_without_the_font_the_pdf_is_unavailable_not_an_error(settings, law):
    settings.PDF_FONT = "/nonexistent/font.ttc"
    response = Client().get(reverse("opendata:download_pdf", args=[law.pk]))
    assert response.status_code == 503 and "PDF 下载暂不可用" in response.content.decode()
