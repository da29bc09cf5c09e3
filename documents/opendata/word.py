"""A Document as a Word file (python-docx): the page's title, metadata table, 修订沿革 and body, with the archive's
name, the page's address and the page number in every page's footer."""

import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

# The Chinese font Word uses where installed (the standard one of Chinese official documents), else its own.
EAST_ASIAN_FONT = "宋体"
HEADING_SIZES = {1: 16, 2: 15, 3: 14, 4: 13}


def _chinese(style, size=None):
    style.font.name = EAST_ASIAN_FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    if size:
        style.font.size = Pt(size)


def _page_number(paragraph):
    """A PAGE field: Word fills in each page's number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _footer(word, document):
    footer = word.sections[0].footer.paragraphs[0]
    footer.text = f"{document.site_name}　{document.url}　第 "
    _page_number(footer)
    footer.add_run(" 页")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in footer.runs:
        run.font.size = Pt(8)


def _table(word, rows):
    width = max(len(row) for row in rows)
    table = word.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for cells, row in zip(table.rows, rows):
        for cell, text in zip(cells.cells, row):
            cell.text = text
    return table


def render(document):
    """The .docx file's bytes."""
    word = WordDocument()
    _chinese(word.styles["Normal"], 12)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        _chinese(word.styles[name])
    word.add_heading(document.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.subtitle:
        word.add_paragraph(document.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.metadata:
        _table(word, [list(row) for row in document.metadata])
    if document.amendments:
        word.add_heading("修订沿革", level=2)
        for date, event in document.amendments:
            word.add_paragraph(" ".join(filter(None, [date, event])), style="List Bullet")
    if document.metadata or document.amendments:
        word.add_heading("正文", level=2)
    for block in document.blocks:
        if block.rows:
            _table(word, block.rows)
        elif block.level:
            word.add_heading(block.text, level=min(block.level + 1, 4)).alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph = word.add_paragraph(block.text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
    _footer(word, document)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
