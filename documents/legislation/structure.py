"""The structure of a body: 编/分编/章/节 headings, 条, a work report's 一、二、三 sections, an amendment's 一、二、三
items, their stable anchors.

An anchor is the element's own name (`第三十二条`, `第二章`); a 节 is named within its chapter (`第二章第一节`,
since every chapter starts again at 第一节) and a 章 within its 编 when there are 编 (`第二编第一章`); a name seen again (第十条 twice) gets `-2`, `-3`. Anchors depend on the
text alone, so they stay the same however often the page is rendered. A chapter listing at the top of a law
(the 目录, often without that word) is recognised and gets no anchors: the real chapters below keep their names.

An amendment or decision without 条 whose items are numbered 一、二、三 (the 修正案 style: long items, not
headings) has its items anchored like 条 (一、 is `第一条`), so that `《刑法修正案（六）》第一条` lands on 一、.

The same rules run over the plain text (tables of contents, the 条 of a search match, 新旧对照) and over the
stored HTML (`add_anchors`, applied when a page is rendered; the stored body is never changed).
"""

import html
import re
from dataclasses import dataclass

from django.utils.safestring import mark_safe

from ..common.numerals import CHARACTERS as NUMERAL_CHARACTERS
from ..common.numerals import to_int

_NUMBER = rf"[{NUMERAL_CHARACTERS}0-9０-９]+"
_LABEL = re.compile(rf"第{_NUMBER}(?:分编|编|章|节|条)(?:之{_NUMBER})?")
_REPORT_SECTION = re.compile(r"([一二三四五六七八九十]+)、")
HEADING_MAX_CHARS = 50
LEVELS = {"编": 1, "分编": 2, "章": 3, "节": 4}
CLAUSE = "条"
SECTION = "section"  # a work report's 一、二、三


@dataclass
class Mark:
    """A paragraph that opens a structural element."""

    index: int  # of the paragraph
    kind: str  # 编 分编 章 节 条, or SECTION
    label: str  # as written: 第三十二条, 第二章, 一
    anchor: str
    title: str  # the heading's text, spaces collapsed (第一章 总则); the label alone for a 条

    @property
    def is_heading(self):
        return self.kind != CLAUSE


def _kind(label):
    for kind in ("分编", "编", "章", "节", "条"):
        if label.endswith(kind) or f"{kind}之" in label:
            return kind
    return None


def classify(paragraph):
    """(kind, label) of a paragraph that opens a heading or a 条, else None. A 条's label is followed by a space
    or nothing; a heading is short and has no full stop (第一章 总则, 第五章法律责任)."""
    text = paragraph.strip()
    match = _LABEL.match(text)
    if not match:
        return None
    label, rest = match.group(), text[match.end():]
    kind = _kind(label)
    if kind == CLAUSE:
        return (kind, label) if not rest or rest[0].isspace() else None
    if len(text) <= HEADING_MAX_CHARS and "。" not in text:
        return kind, label
    return None


def _report_section(paragraph):
    text = paragraph.strip()
    match = _REPORT_SECTION.match(text)
    if match and len(text) <= HEADING_MAX_CHARS and not text.endswith("。"):
        return match.group(1)
    return None


def _collapse(text):
    return " ".join(text.split())


def outline(paragraphs):
    """The Marks of a document given as its paragraphs' texts, in order."""
    found = [(i, c) for i, p in enumerate(paragraphs) if (c := classify(p))]
    if not found:
        return _item_outline(paragraphs) or _report_outline(paragraphs)
    listing_end = _listing_end(found)
    marks, seen, names = [], {}, _Names()
    for index, (kind, label) in found:
        if index < listing_end:
            continue
        name = names.of(kind, label)
        seen[name] = seen.get(name, 0) + 1
        anchor = name if seen[name] == 1 else f"{name}-{seen[name]}"
        title = label if kind == CLAUSE else _collapse(paragraphs[index])
        marks.append(Mark(index, kind, label, anchor, title))
    return marks


def _listing_end(found):
    """Index of the first real heading when the body opens with a chapter listing (the same heading names twice
    before the first 条); 0 when there is none."""
    seen, names = set(), _Names()
    for index, (kind, label) in found:
        if kind == CLAUSE:
            return 0
        name = names.of(kind, label)
        if name in seen:
            return index
        seen.add(name)
    return 0


class _Names:
    """Names of headings within their parents: chapters start again at 第一章 in every 编, sections at 第一节 in
    every chapter, so a 章 is named within its 编 (第二编第一章) and a 节 within its 章 (第二章第一节)."""

    def __init__(self):
        self.part = self.chapter = ""

    def of(self, kind, label):
        if kind == "编":
            self.part, self.chapter = label, ""
        elif kind == "章":
            self.chapter = self.part + label
            return self.chapter
        elif kind == "节":
            return self.chapter + label
        return label


def _item_outline(paragraphs):
    """Marks of an amendment's items (一、二、三 … numbered in order from 一, none of them a heading), anchored as
    the 条 they are cited as; [] when the text is not made of such items."""
    items = [(i, m.group(1)) for i, p in enumerate(paragraphs) if (m := _REPORT_SECTION.match(p.strip()))]
    numbers = [to_int(number) for _, number in items]
    if len(items) < 2 or numbers != list(range(1, len(items) + 1)):
        return []
    if any(_report_section(paragraphs[i]) for i, _ in items):  # a heading: a report's sections, not items
        return []
    return [Mark(i, CLAUSE, f"{number}、", f"第{number}条", f"第{number}条") for i, number in items]


def _report_outline(paragraphs):
    marks, seen = [], set()
    for index, paragraph in enumerate(paragraphs):
        label = _report_section(paragraph)
        if label and label not in seen:
            seen.add(label)
            marks.append(Mark(index, SECTION, label, label, _collapse(paragraph)))
    return marks if len(marks) >= 2 else []


def paragraphs_of(text):
    """The paragraphs of an article's plain text (Article.text separates them by one blank line)."""
    return (text or "").split("\n\n")


def toc(text):
    """[{"name", "anchor", "level"}] of the headings (编, 分编, 章, 节, report sections); [] when there are none.
    Levels count from 1 among the kinds present (a law with 章 and 节: 1 and 2)."""
    headings = [mark for mark in outline(paragraphs_of(text)) if mark.is_heading]
    levels = _heading_levels(headings)
    return [{"name": m.title, "anchor": m.anchor, "level": levels[m.kind]} for m in headings]


def _heading_levels(headings):
    kinds = sorted({m.kind for m in headings}, key=lambda kind: LEVELS.get(kind, 1))
    return {kind: position for position, kind in enumerate(kinds, start=1)}


def anchors(text):
    """The set of anchors the page of `text` has (headings and 条, an amendment's items among them)."""
    return {mark.anchor for mark in outline(paragraphs_of(text))}


def anchor_at(text, offset):
    """The anchor of the 条 (or, outside any 条, the heading) that holds character `offset` of `text`.

    Fast on a search page of long laws: when the nearest labelled paragraph up to the offset is a 条, its anchor
    is its label, numbered among the earlier paragraphs that start with it; the whole outline is read only
    otherwise (a heading, a chapter listing, a report's sections)."""
    end = text.find("\n\n", offset)
    before = paragraphs_of(text if end == -1 else text[:end])  # up to the paragraph holding the offset
    found, index = None, len(before) - 1
    while index >= 0 and (found := classify(before[index])) is None:
        index -= 1
    if found is not None and found[0] == CLAUSE:
        label = found[1]
        earlier = sum(1 for p in before[:index] if p.startswith(label) and classify(p) == found)
        return label if not earlier else f"{label}-{earlier + 1}"
    marks = outline(paragraphs_of(text))
    return next((m.anchor for m in reversed(marks) if m.index < len(before)), None)


# --- the stored HTML --------------------------------------------------------------------------------------------

_BLOCK = re.compile(r"<(p|h[1-6])(\s[^>]*)?>(.*?)</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def add_anchors(body_html, clause_link=None):
    """`body_html` (sanitized) with an id on every heading and 条, headings as <h2>–<h5>, the label of a 条 in
    bold, followed by a link 沿革 to clause_link(anchor) when given (a regulation with several versions). Pure:
    applied when the page is rendered, chainable with other transforms of the body."""
    blocks = list(_BLOCK.finditer(body_html or ""))
    texts = [html.unescape(_TAG.sub("", block.group(3))) for block in blocks]
    marks = outline(texts)
    if not marks:
        return mark_safe(body_html or "")
    levels = _heading_levels([m for m in marks if m.is_heading])
    out, last = [], 0
    for mark in marks:
        block = blocks[mark.index]
        out.append(body_html[last:block.start()])
        out.append(_render(block, mark, levels, clause_link))
        last = block.end()
    out.append(body_html[last:])
    return mark_safe("".join(out))


def _render(block, mark, levels, clause_link):
    inner, anchor = block.group(3), html.escape(mark.anchor)
    if mark.is_heading:
        level = min(5, levels[mark.kind] + 1)
        return f'<h{level} id="{anchor}" class="law-heading">{inner}</h{level}>'
    stripped = inner.lstrip()
    if stripped.startswith(mark.label):
        inner = f'<strong class="clause-label">{mark.label}</strong>{stripped[len(mark.label):]}'
    if clause_link is not None:
        inner += (f' <a class="clause-history no-print" href="{html.escape(clause_link(mark.anchor))}" '
                  f'aria-label="{anchor}的沿革">沿革</a>')
    return f'<p id="{anchor}" class="clause">{inner}</p>'
