"""Find it in the document: a search's matches marked in an article's body, numbered for stepping through them.

A search result links to its article with the query in `?hl=` (`result_link`). The article page parses it as the
search did (`search.query.parse_query`, its words' equivalent terms added by `search.equivalents.expand`) and marks
what that query's Highlighter marks in the snippets, so the rules are the search's own (whatever equivalents or
scripts it learns): a result found through 人民代表大会常务委员会 for 人大常委会 has it marked, and the 条 its link
opens at holds a mark. The marking is done here, on the server,
in the body HTML the page shows (anchors and citation links already in): only text between tags is read and
rewritten, escaped; tags and their attributes pass unchanged. Text is matched across inline tags (a match may
run into a link or a bold 条 label) but never across blocks (paragraphs, headings, cells). static/js/find.js only
steps through the marks.

Why on the server: the matching rules live in Python and must stay one. A page with `hl` is not page-cached
(documents/cache.py caches listed parameters only); the cost is measured in bench/find_in_page.py.
"""

import html
import re
from urllib.parse import urlencode

from django.utils.safestring import mark_safe

from ..search.language import equivalents
from ..search.query import parse_query

PARAM = "hl"
# A one-character query in a long law finds thousands; the page marks this many and says so.
MAX_MARKS = 500

# A tag of sanitized HTML; quoted attribute values may hold ">".
_TAG = re.compile(r"""<(?:[^"'>]|"[^"]*"|'[^']*')*>""")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Tags a match may run through (sanitize.ALLOWED_TAGS that do not start a new block of text).
INLINE = frozenset({"a", "span", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "code"})


def result_link(url, query):
    """`url` (an article's, perhaps ending in #第X条) carrying the search `query`, the fragment kept last."""
    if not query:
        return url
    path, hash_mark, fragment = url.partition("#")
    separator = "&" if "?" in path else "?"
    return path + separator + urlencode({PARAM: query}) + hash_mark + fragment


def _pieces(body_html):
    """The body as a list of [raw, is_text] pieces, and the text pieces' indices grouped by block: a match may
    cross inline tags, never a block boundary."""
    pieces, blocks, current, position = [], [], [], 0
    for match in _TAG.finditer(body_html):
        if match.start() > position:
            current.append(len(pieces))
            pieces.append([body_html[position : match.start()], True])
        tag = match.group()
        name = _TAG_NAME.match(tag)
        if not name or name.group(1).lower() not in INLINE:
            if current:
                blocks.append(current)
            current = []
        pieces.append([tag, False])
        position = match.end()
    if position < len(body_html):
        current.append(len(pieces))
        pieces.append([body_html[position:], True])
    if current:
        blocks.append(current)
    return pieces, blocks


def _marked(text, spans, offset, first_pieces):
    """`text` (one text piece, unescaped, at `offset` in its block) escaped, with the parts inside `spans`
    ([(start, end, number)] of its block) in <mark>. The first piece of each match carries its id."""
    out, position, end_of_text = [], 0, offset + len(text)
    for start, end, number in spans:
        if end <= offset or start >= end_of_text:
            continue
        a, b = max(start, offset) - offset, min(end, end_of_text) - offset
        out.append(html.escape(text[position:a]))
        anchor = f' id="hl-{number}"' if number not in first_pieces else ""
        first_pieces.add(number)
        out.append(f'<mark class="find-hit" data-hit="{number}"{anchor}>{html.escape(text[a:b])}</mark>')
        position = b
    out.append(html.escape(text[position:]))
    return "".join(out)


def mark_body(body_html, highlighter):
    """(`body_html` with the first MAX_MARKS matches of `highlighter` marked, the number of matches)."""
    pieces, blocks = _pieces(body_html or "")
    count, first_pieces = 0, set()
    for block in blocks:
        texts = [html.unescape(pieces[i][0]) for i in block]
        spans = []
        for start, end in highlighter.spans("".join(texts)):
            count += 1
            if count <= MAX_MARKS:
                spans.append((start, end, count))
        if not spans:
            continue
        offset = 0
        for i, text in zip(block, texts):
            if any(start < offset + len(text) and end > offset for start, end, _ in spans):
                pieces[i][0] = _marked(text, spans, offset, first_pieces)
            offset += len(text)
    return mark_safe("".join(raw for raw, _ in pieces)), count


def find_context(body_html, raw_query):
    """What the article page adds for a search's `hl`: its body marked and `find` (the query as searched, the
    number of matches, how many are marked); nothing when `hl` holds nothing searchable."""
    parsed = equivalents.expand(parse_query(raw_query or ""))
    if not parsed.groups:
        return {}
    marked, count = mark_body(body_html, parsed.highlighter())
    return {
        "body_html": marked,
        "find": {"query": parsed.cleaned, "count": count, "marked": min(count, MAX_MARKS)},
    }
