"""新旧对照: two versions of a regulation aligned 条 by 条 (paragraph by paragraph without 条), each marked
unchanged, changed, added or deleted, with the changed words of a changed 条 marked.

Alignment is by content, not by number, over the whole text (legislation.alignment): an amendment that inserts a
条 renumbers every later one, which stays "unchanged" (noted 原第十条), and a 条 moved and revised is one changed
row noted 原第X条. Only 条 are counted (paragraphs when the text has no 条): title lines, preambles, document
numbers and headings are shown but never counted. Inside a changed pair the difference is taken phrase by phrase,
then token by token inside the phrases that differ (a date or a number is one token: 2026年1月5日 changes whole).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from itertools import accumulate
from html import escape

from django.utils.safestring import mark_safe

from . import structure
from .alignment import align

SAME, CHANGED, ADDED, DELETED = "same", "changed", "added", "deleted"
STATUS_LABELS = {SAME: "未改", CHANGED: "修改", ADDED: "新增", DELETED: "删除"}
WHOLE_ABOVE = 600  # characters: a longer rewritten passage is marked whole, not character by character
# Compared after folding full-width letters, digits and punctuation to their ASCII forms (one character for one,
# so positions stay): （以下简称） and (以下简称) are the same words, as titles are (documents.common.titles).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PHRASE = re.compile(r"[^,。;:、!?\n]*[,。;:、!?\n]?")  # on folded text: ，；：！？ are , ; : ! ?
_NUMERAL = "〇零一二三四五六七八九十百千万两"
# Tokens of the inline difference: a date (2026年1月5日, 二〇二六年一月五日, 2026年1月), a number with its decimals
# or a Chinese numeral run, else one character.
_HAS_NUMBER = re.compile(rf"[0-9{_NUMERAL}]")
_TOKEN = re.compile(
    rf"[0-9{_NUMERAL}]+年(?:[0-9{_NUMERAL}]+月(?:[0-9{_NUMERAL}]+日)?)?|[0-9]+(?:\.[0-9]+)?%?|[{_NUMERAL}]+|.", re.S
)


@dataclass
class Unit:
    kind: str  # structure's kinds (条, 章 …), or "" for a paragraph
    label: str  # 第十条, 第二章; "" for a paragraph
    text: str  # as shown: its paragraphs separated by "\n"

    @cached_property
    def key(self):
        """What identifies the content: the text without its label, spaces removed."""
        return "".join(self.text[len(self.label):].translate(_FOLD).split())

    @cached_property
    def pairs(self):
        return set(map(str.__add__, self.key, self.key[1:])) or {self.key}  # map over str: runs in C

    def similarity(self, other):
        """Dice coefficient of the two sets of character pairs (legislation.alignment's measure)."""
        total = len(self.pairs) + len(other.pairs)
        return 2 * len(self.pairs & other.pairs) / total if total else 1.0


def units(text):
    """A version's text as units: a 条 with the paragraphs that follow it, a heading, or a paragraph."""
    paragraphs = structure.paragraphs_of(text)
    marks = {mark.index: mark for mark in structure.outline(paragraphs)}
    found, clause = [], None
    for index, paragraph in enumerate(paragraphs):
        if not paragraph.strip():
            continue
        mark = marks.get(index)
        if mark is not None:
            clause = Unit(mark.kind, mark.label, paragraph) if mark.kind == structure.CLAUSE else None
            found.append(clause or Unit(mark.kind, mark.label, paragraph))
        elif clause is not None:
            clause.text += "\n" + paragraph
        else:
            found.append(Unit("", "", paragraph))
    return found


@dataclass
class Row:
    status: str
    old: Unit | None
    new: Unit | None
    old_html: str = ""
    new_html: str = ""
    anchor: str = ""  # id of a row that differs: change-1, change-2 …
    similarity: float = 0.0  # of a changed row's two texts

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def label(self):
        return (self.new or self.old).label

    @property
    def renumbered_from(self):
        """The old label of a 条 kept or changed whose number changed."""
        if self.status in (SAME, CHANGED) and self.old.label != self.new.label:
            return self.old.label
        return ""

    @property
    def is_heading(self):
        return (self.new or self.old).kind not in ("", structure.CLAUSE)

    def counted(self, by_clause):
        """Whether the row counts in 改/增/删 N 条: a 条 (a paragraph in a text without 条), never a title line,
        a preamble, a signature or a heading."""
        return (self.new or self.old).kind == (structure.CLAUSE if by_clause else "")

    def as_json(self):
        side = lambda unit: {"label": unit.label, "text": unit.text} if unit else None  # noqa: E731
        found = {"status": self.status, "old": side(self.old), "new": side(self.new)}
        if self.status == CHANGED:
            found["similarity"] = round(self.similarity, 3)
        return found


@dataclass
class Comparison:
    rows: list
    by_clause: bool  # aligned by 条 (else by paragraph)
    counts: dict = field(default_factory=dict)  # CHANGED/ADDED/DELETED -> units, headings not counted

    @property
    def unit_name(self):
        return "条" if self.by_clause else "段"

    @property
    def changes(self):
        return [row for row in self.rows if row.status != SAME]


def compare(old_text, new_text):
    old_units, new_units = units(old_text), units(new_text)
    rows = [_row(old_units[i] if i is not None else None, new_units[j] if j is not None else None, similarity)
            for i, j, similarity in align(old_units, new_units)]
    by_clause = any(u.kind == structure.CLAUSE for u in old_units + new_units)
    counts = {CHANGED: 0, ADDED: 0, DELETED: 0}
    number = 0
    for row in rows:
        _render(row)
        if row.status != SAME:
            number += 1
            row.anchor = f"change-{number}"
            if row.counted(by_clause):
                counts[row.status] += 1
    return Comparison(rows, by_clause, counts)


def _row(old, new, similarity):
    if old is None:
        return Row(ADDED, None, new)
    if new is None:
        return Row(DELETED, old, None)
    return Row(SAME, old, new) if old.key == new.key else Row(CHANGED, old, new, similarity=similarity)


# The rows as HTML in one pass: the template engine took 150 ms for the 784 rows of the longest pair in the
# corpus, this 5 ms (bench/compare.py). Everything inserted is escaped (labels) or built escaped (cells).
_ROW = ('<div class="diff__row diff__row--{status}{heading}" role="row"{anchor}>'
        '<div class="diff__cell diff__cell--old" role="cell">{old_badge}{old}</div>'
        '<div class="diff__cell diff__cell--new" role="cell">{new_badge}{note}{new}</div></div>\n')


def rows_html(rows):
    out = []
    for row in rows:
        # The status opens the row: in its first cell, which on a phone comes first.
        badge = f'<span class="diff-badge diff-badge--{row.status}">{row.status_label}</span>' if row.anchor else ""
        out.append(_ROW.format(
            status=row.status,
            heading=" diff__row--heading" if row.is_heading else "",
            anchor=f' id="{row.anchor}"' if row.anchor else "",
            old=f'<span class="diff__side">旧</span>{row.old_html}' if row.old else "",
            old_badge=badge if row.old else "",
            new_badge="" if row.old else badge,
            note=f'<span class="diff__note">（原{escape(row.renumbered_from)}）</span>' if row.renumbered_from else "",
            new=f'<span class="diff__side">新</span>{row.new_html}' if row.new else "",
        ))
    return mark_safe("".join(out))


_JUMP = '<li><a href="#{anchor}">{label}</a> <span class="diff-badge diff-badge--{status}">{status_label}</span></li>'


def jump_html(rows):
    """The list of links to each change (rendered here for the same reason as rows_html)."""
    return mark_safe("".join(
        _JUMP.format(anchor=row.anchor, label=escape(row.label) or "段落", status=row.status,
                     status_label=row.status_label)
        for row in rows if row.status != SAME
    ))


def _html(text):
    return escape(text, quote=False).replace("\n", "<br>")


def _render(row):
    if row.status == CHANGED:
        # Labels apart: a renumbered 条 is noted once, not marked as changed characters.
        old_html, new_html = inline_diff(row.old.text[len(row.old.label):], row.new.text[len(row.new.label):])
        old_html, new_html = _html(row.old.label) + old_html, _html(row.new.label) + new_html
    else:
        old_html = _html(row.old.text) if row.old else ""
        new_html = _html(row.new.text) if row.new else ""
    row.old_html, row.new_html = mark_safe(old_html), mark_safe(new_html)


def inline_diff(old, new):
    """(old, new) as HTML with <del> around the characters only in `old` and <ins> around those only in `new`."""
    old, new = _Side(old), _Side(new)
    phrases = SequenceMatcher(None, old.phrases(), new.phrases(), autojunk=False)
    for tag, i1, i2, j1, j2 in phrases.get_opcodes():
        a, b = old.span(i1, i2), new.span(j1, j2)
        if tag == "equal":
            old.emit(*a)
            new.emit(*b)
        elif i2 - i1 == j2 - j1:  # phrase for phrase: each pair compared on its own (short, fast)
            for i, j in zip(range(i1, i2), range(j1, j2)):
                _characters(old, old.span(i, i + 1), new, new.span(j, j + 1))
        elif (a[1] - a[0]) + (b[1] - b[0]) <= WHOLE_ABOVE:
            _characters(old, a, new, b)
        else:  # a long passage rewritten: marked whole
            old.emit(*a, mark="del")
            new.emit(*b, mark="ins")
    return "".join(old.out), "".join(new.out)


class _Side:
    """One text of a changed pair: the original (shown), its folded twin (compared), the HTML made so far."""

    def __init__(self, text):
        self.text, self.folded, self.out = text, text.translate(_FOLD), []
        self.spans = [m.span() for m in _PHRASE.finditer(self.folded) if m.end() > m.start()]

    def phrases(self):
        return [self.folded[start:end] for start, end in self.spans]

    def span(self, first, last):
        """(start, end) of the phrases first..last-1."""
        if first == last:
            at = self.spans[first][0] if first < len(self.spans) else len(self.text)
            return at, at
        return self.spans[first][0], self.spans[last - 1][1]

    def emit(self, start, end, mark=None):
        if end > start:
            piece = _html(self.text[start:end])
            self.out.append(f"<{mark}>{piece}</{mark}>" if mark else piece)


def _tokens(text, start, end):
    """(tokens, their start offsets up to `end`) of text[start:end]: dates and numbers whole, else characters;
    the text itself when it holds no digit or numeral (its characters are its tokens)."""
    if not _HAS_NUMBER.search(text, start, end):
        return text[start:end], range(start, end + 1)
    tokens = _TOKEN.findall(text, start, end)
    return tokens, list(accumulate(map(len, tokens), initial=start))


def _characters(old, old_span, new, new_span):
    old_tokens, old_at = _tokens(old.folded, *old_span)
    new_tokens, new_at = _tokens(new.folded, *new_span)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old.emit(old_at[i1], old_at[i2], None if tag == "equal" else "del")
        new.emit(new_at[j1], new_at[j2], None if tag == "equal" else "ins")
