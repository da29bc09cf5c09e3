"""What a downloaded document holds, whatever its format: the title, the metadata block, the 修订沿革 and the body as
blocks (headings, paragraphs, tables), read from the same fields and body the article page shows."""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.utils import timezone

from ..archive.pages import format_amendment_date
from ..legislation import structure


@dataclass
class Block:
    """A heading (`level` 1–4: 编, 分编, 章, 节), a paragraph (level 0), or a table (`rows` of cell texts)."""

    text: str = ""
    level: int = 0
    rows: list = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    metadata: list  # (label, value) pairs, in the page's order
    amendments: list  # (date, event) pairs
    blocks: list
    url: str
    site_name: str


def _day(value):
    return f"{value.year}年{value.month}月{value.day}日"


def metadata(article, today=None):
    """The metadata block: what the page's table shows, 时效性 with the day it was read."""
    rows = []
    if article.speaker:
        rows.append(("发言人", " ".join(filter(None, [article.speaker_title, article.speaker.name]))))
    if article.meeting:
        rows.append(("会议", article.meeting.name))
    if article.doc_number:
        rows.append(("文号", article.doc_number))
    if article.issuer:
        rows.append(("发文机关", article.issuer))
    rows.append(("成文日期", article.date_display))
    if article.effective_date:
        rows.append(("施行日期", _day(article.effective_date)))
    if article.validity:
        read = _day(today or timezone.localdate())
        rows.append(("时效性", f"{article.get_validity_display()}（{read}核对）"))
    return rows


class _Blocks(HTMLParser):
    """The body's top-level blocks: text of p, h1–h6 and li; tables as rows of cells."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.text, self.open, self.table, self.cell = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag == "br":
            (self.cell if self.cell is not None else self.text).append("\n")
        elif tag in self.BLOCKS and self.table is None:
            self._flush()
            self.open = tag

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.table[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = [row for row in self.table if row]
            if rows:
                self.blocks.append(Block(rows=rows))
            self.table = None
        elif tag in self.BLOCKS and self.table is None:
            self._flush()

    def handle_data(self, data):
        (self.cell if self.cell is not None else self.text).append(data)

    def _flush(self):
        text = "".join(self.text).strip()
        if text:
            heading = self.open and self.open[0] == "h" and self.open[1:].isdigit()
            level = min(int(self.open[1]), 4) if heading else _level(text)
            self.blocks.append(Block(text=text, level=level))
        self.text, self.open = [], None


def _level(paragraph):
    """A paragraph that is a heading of the law's structure (第一章 总则) by structure.py's rule, else 0."""
    found = structure.classify(paragraph)
    return structure.LEVELS.get(found[0], 0) if found is not None else 0


def blocks(body_html):
    parser = _Blocks()
    parser.feed(body_html or "")
    parser.close()
    parser._flush()
    return parser.blocks


def document(article, url):
    """The Document of `article` (column, speaker and meeting loaded) whose page is at `url`."""
    amendments = [
        (format_amendment_date(item.get("date")), item.get("event", ""))
        for item in article.amendments or [] if isinstance(item, dict)
    ]
    return Document(
        title=article.title, subtitle=article.subtitle, metadata=metadata(article), amendments=amendments,
        blocks=blocks(article.body), url=url, site_name=settings.SITE_NAME,
    )
