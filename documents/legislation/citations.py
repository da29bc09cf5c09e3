"""《》 citations in sanitized body HTML: found in its text, and turned into links to the documents they name.

Only text outside tags is read, a 《》 at a time: a nested 《》 or 〈〉 belongs to the title around it
(《上海市实施〈中华人民共和国水法〉办法》 is one citation). `《…》第X条` also names a 条, linked to its anchor
(the 条's own name, 第三十二条; 第32条 is written the same way) when the cited page has that anchor, else to the
page itself: a link never points at an anchor the page lacks.
"""

import html
import re
from typing import NamedTuple
from urllib.parse import quote

from ..common.titles import title_key

MAX_TITLE = 300  # Article.title's length: a longer 《…》 is a quotation, not a title

# A tag of sanitized HTML; quoted attribute values may hold ">" (title="a>b").
_TAG = re.compile(r"""<(?:[^"'>]|"[^"]*"|'[^']*')*>""")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z0-9]+)")
_BRACKET = re.compile("[《》]")
_ARTICLE = re.compile(r"第([〇零一二三四五六七八九十百千两]+|[0-9]{1,4})条(?:之([一二三四五六七八九十]+))?")
_DIGITS = "零一二三四五六七八九"


class Found(NamedTuple):
    start: int  # of 《 in the text
    end: int  # after 》, or after 第X条 when one follows
    key: str  # documents.common.titles.title_key of the title inside
    anchor: str  # "第三十二条", or "" when no 条 follows


def chinese_number(n):
    """1 → 一, 10 → 十, 110 → 一百一十, 1001 → 一千零一: how laws number their 条."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, pending_zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if pending_zero else "") + _DIGITS[digit] + unit
            pending_zero = False
        elif out:
            pending_zero = True
    return out


def _anchor(match):
    number, sub = match.groups()
    if number.isdigit():
        if not 0 < int(number) < 10000:
            return ""
        number = chinese_number(int(number))
    return f"第{number}条" + (f"之{sub}" if sub else "")


def _outer_spans(text):
    """(start, end) of each outermost balanced 《…》; a stray 《 or 》 is passed over."""
    opened, spans = [], []
    for match in _BRACKET.finditer(text):
        if match.group() == "《":
            opened.append(match.start())
        elif opened:
            spans.append((opened.pop(), match.end()))
    spans.sort(key=lambda span: (span[0], -span[1]))
    last_end = -1
    for start, end in spans:
        if start >= last_end:
            yield start, end
            last_end = end


def find_in_text(text):
    """The citations of one text node (as it stands in the HTML: entities are read, not changed)."""
    if "《" not in text:
        return
    for start, end in _outer_spans(text):
        key = title_key(html.unescape(text[start + 1 : end - 1]))
        if not key or len(key) > MAX_TITLE:
            continue
        article = _ARTICLE.match(text, end)
        anchor = _anchor(article) if article else ""
        yield Found(start, article.end() if anchor else end, key, anchor)


def _chunks(body_html):
    """(text, inside a link) for each run of text between tags, and (tag, None) for each tag, in order."""
    depth, position = 0, 0
    for match in _TAG.finditer(body_html):
        if match.start() > position:
            yield body_html[position : match.start()], depth > 0
        tag = match.group()
        name = _TAG_NAME.match(tag)
        if name and name.group(2).lower() == "a" and not tag.endswith("/>"):
            depth = max(0, depth - 1) if name.group(1) else depth + 1
        yield tag, None
        position = match.end()
    if position < len(body_html):
        yield body_html[position:], depth > 0


def cited_keys(body_html):
    """{title key: occurrences} of the titles cited in the body, in order of first appearance."""
    counts = {}
    if "《" not in (body_html or ""):
        return counts
    # Splitting on tags leaves the text runs (a long law has thousands of tags; only a few runs hold a 《).
    for text in _TAG.split(body_html):
        if "《" in text:
            for found in find_in_text(text):
                counts[found.key] = counts.get(found.key, 0) + 1
    return counts


def anchored_keys(body_html):
    """The title keys cited with a 条 (`《…》第X条`) in the body."""
    keys = set()
    for text in _TAG.split(body_html or ""):
        if "《" in text:
            keys.update(found.key for found in find_in_text(text) if found.anchor)
    return keys


def link_citations(body_html, targets, anchors=None):
    """`body_html` with each 《title》 whose key is in `targets` ({key: URL of the cited document}) made a link,
    `《…》第X条` to that 条's anchor when `anchors` ({key: the anchors of the cited page}) has it, else to the page.
    Nothing else changes: the text in the links is the body's own, the URLs are escaped, and a citation already
    inside a link is left as it is."""
    anchors = anchors or {}
    if not targets or "《" not in (body_html or ""):
        return body_html
    out = []
    for chunk, in_link in _chunks(body_html):
        if in_link is not False:  # a tag, or text inside a link
            out.append(chunk)
            continue
        position = 0
        for found in find_in_text(chunk):
            url = targets.get(found.key)
            if url is None:
                continue
            landing = found.anchor if found.anchor in anchors.get(found.key, ()) else ""
            href = url + ("#" + quote(landing) if landing else "")
            out.append(chunk[position : found.start])
            out.append(f'<a href="{html.escape(href)}">{chunk[found.start : found.end]}</a>')
            position = found.end
        out.append(chunk[position:])
    return "".join(out)
