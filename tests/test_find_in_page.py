"""Find it in the document: a search's matches marked in an article's body (documents/find_in_page.py), the
article page with `?hl=`, and search results linking there."""

import html
import random
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.legislation import structure
from documents.legislation.citations import link_citations
from documents.archive.find_in_page import MAX_MARKS, mark_body, result_link
from documents.search.language import equivalents
from documents.search.query import parse_query
from documents.search.index.queue import apply_pending
from documents.common.titles import title_key

from .portal_helpers import make_article

MARK = re.compile(r'<mark class="find-hit" data-hit="(\d+)"(?: id="hl-(\d+)")?>(.*?)</mark>')


def marked(body_html, query):
    return mark_body(body_html, parse_query(query).highlighter())


def unmarked(body_html):
    return re.sub(r'<mark class="find-hit"[^>]*>|</mark>', "", body_html)


# --- the transform --------------------------------------------------------------------------------------------


def test_matches_are_marked_numbered_and_the_first_part_has_the_id():
    out, count = marked("<p>人大常委会审议。</p><p>常委会通过。</p>", '"常委会"')
    assert count == 2
    assert MARK.findall(out) == [("1", "1", "常委会"), ("2", "2", "常委会")]
    assert out == '<p>人大<mark class="find-hit" data-hit="1" id="hl-1">常委会</mark>审议。</p>' \
                  '<p><mark class="find-hit" data-hit="2" id="hl-2">常委会</mark>通过。</p>'


def test_text_is_escaped_and_entities_are_read_as_text():
    body = "<p>A &amp; B &lt;script&gt;alert(1)&lt;/script&gt; 人大</p>"
    out, count = marked(body, "script")
    assert count == 2
    assert "<script>" not in out
    assert '&lt;<mark class="find-hit" data-hit="1" id="hl-1">script</mark>&gt;' in out
    assert unmarked(out) == body
    # An entity is one character of text: a query for what it stands for finds it, never its spelling.
    assert marked("<p>甲&amp;乙</p>", "amp")[1] == 0


def test_tags_and_attributes_are_never_touched():
    body = '<p><a href="/articles/7/#%E7%AC%AC" title="人大 &quot;人大&quot;">人大</a>和<img src="/m/人大.png" alt="人大"></p>'
    out, count = marked(body, "人大")
    assert count == 1  # the link's text; not its title, href, or the picture's alt
    assert out == body.replace(">人大</a>", '><mark class="find-hit" data-hit="1" id="hl-1">人大</mark></a>')


def test_anchors_and_citation_links_are_kept():
    body = structure.add_anchors(
        "<p>第一条　为了规范湿地保护，根据《中华人民共和国湿地保护法》，制定本条例。</p><p>第二条　湿地保护。</p>"
    )
    body = link_citations(body, {title_key("中华人民共和国湿地保护法"): "/articles/9/"})
    out, count = marked(body, "湿地保护")
    assert count == 3
    assert unmarked(out) == body
    assert '<p id="第一条" class="clause">' in out and '<p id="第二条" class="clause">' in out
    assert '<a href="/articles/9/">《中华人民共和国<mark class="find-hit" data-hit="2" id="hl-2">湿地保护</mark>法》</a>' in out


def test_a_match_crosses_inline_tags_but_never_blocks():
    out, count = marked("<p>人<strong>大常</strong>委会</p><p>人大</p><p>常委会</p>", '"人大常委会"')
    assert count == 1
    parts = MARK.findall(out)
    assert [(n, anchor, text) for n, anchor, text in parts] == [("1", "1", "人"), ("1", "", "大常"), ("1", "", "委会")]
    assert out.startswith('<p><mark class="find-hit" data-hit="1" id="hl-1">人</mark><strong><mark')
    # A 条's bold label and the text after it are one line of text.
    body = structure.add_anchors("<p>第三条　本条例所称湿地。</p>")
    assert marked(body, '"第三条"')[1] == 1


def test_no_match_leaves_the_body_as_it_was():
    body = '<h2 id="第一章">第一章　总则</h2><p>内容。</p>'
    out, count = marked(body, "监督")
    assert (str(out), count) == (body, 0)


def test_many_matches_are_counted_and_the_first_ones_marked():
    paragraphs = "".join(f"<p>{'人大' * 10}</p>" for _ in range(60))
    out, count = marked(paragraphs, "人大")
    assert count == 600
    ids = re.findall(r'id="hl-(\d+)"', out)
    assert ids == [str(n) for n in range(1, MAX_MARKS + 1)]


@pytest.mark.parametrize("seed", range(5))
def test_counts_agree_with_the_snippets_highlighter_paragraph_by_paragraph(seed):
    """The page marks what the search's Highlighter finds in each paragraph: the same rules as the snippets."""
    rng = random.Random(seed)
    words = ["人大", "常委会", "监督", "Ａｂ", "ab", "AB", "第三条", "湿地", "&", "<", "，", " "]
    paragraphs = ["".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(20)]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    for query in ("人大", "ab", "常委会 监督", '"人大常委"', "湿地 OR 第三条"):
        highlighter = parse_query(query).highlighter()
        out, count = mark_body(body, highlighter)
        assert count == sum(len(highlighter.spans(p)) for p in paragraphs), query
        assert unmarked(out) == body
        assert [html.unescape(text) for _, _, text in MARK.findall(out)] == [
            p[start:end] for p in paragraphs for start, end in highlighter.spans(p)
        ]


def test_result_links_carry_the_query_before_the_fragment():
    assert result_link("/articles/7/", "人大 监督") == "/articles/7/?hl=%E4%BA%BA%E5%A4%A7+%E7%9B%91%E7%9D%A3"
    fragment = "#" + quote("第三十二条")
    assert result_link("/articles/7/" + fragment, '"a&b"') == "/articles/7/?hl=%22a%26b%22" + fragment
    assert result_link("/articles/7/", "") == "/articles/7/"


# --- the page ---------------------------------------------------------------------------------------------------

LAW = "第一条　为了保护湿地，制定本条例。\n\n第二条　湿地保护应当坚持保护优先。\n\n第三条　禁止破坏湿地。"


def bar_status(page):
    match = re.search(r"<span data-find-status[^>]*>(.*?)</span>", page.content.decode())
    return match and html.unescape(match.group(1))


@pytest.mark.django_db
def test_the_page_with_hl_marks_the_body_and_counts(client):
    law = make_article("湿地保护条例", body=LAW, kind="regulation")
    page = client.get(law.get_absolute_url(), {"hl": "湿地"})
    text = page.content.decode()
    assert page.status_code == 200
    assert bar_status(page) == "正文中共 3 处"
    assert len(set(re.findall(r'data-hit="(\d+)"', text))) == 3
    assert 'id="第二条"' in text and '<meta name="robots" content="noindex">' in text
    assert "js/find.js" in text and 'aria-keyshortcuts="N"' in text
    assert f'<a href="{law.get_absolute_url()}">取消高亮</a>' in text
    # The title (not the body) is never marked; the bar says the query as it was searched.
    assert "<h1>湿地保护条例</h1>" in text and "「<span class=\"find-bar__query\">湿地</span>」" in text


@pytest.mark.django_db
def test_the_page_without_a_match_or_without_hl(client):
    law = make_article("湿地保护条例", body=LAW, kind="regulation")
    missing = client.get(law.get_absolute_url(), {"hl": "监督"})
    assert bar_status(missing) == "正文中没有找到"
    assert "find-hit" not in missing.content.decode() and "js/find.js" not in missing.content.decode()
    for params in ({}, {"hl": ""}, {"hl": "！！ -湿地"}):  # nothing searchable: the plain page
        text = client.get(law.get_absolute_url(), params).content.decode()
        assert "data-find-bar" not in text and "find-hit" not in text and "noindex" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("hl", ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "人" * 5000, "\x00湿地"])
def test_hostile_hl_is_escaped_and_never_fails(client, hl):
    law = make_article("湿地保护条例", body=LAW + "\n\nscript img alert", kind="regulation")
    page = client.get(law.get_absolute_url(), {"hl": hl})
    text = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in text and "<img src=x" not in text


@pytest.mark.django_db
def test_hl_pages_are_not_cached_and_never_served_from_the_cache(client):
    law = make_article("湿地保护条例", body=LAW, kind="regulation")
    assert "find-hit" not in client.get(law.get_absolute_url()).content.decode()  # cached now
    assert bar_status(client.get(law.get_absolute_url(), {"hl": "湿地"})) == "正文中共 3 处"
    assert bar_status(client.get(law.get_absolute_url(), {"hl": "保护"})) == "正文中共 3 处"


@pytest.mark.django_db
def test_hl_costs_no_query(client):
    law = make_article("湿地保护条例", body=LAW, kind="regulation")
    equivalents.current_table()  # read once a process (and after each change of the table), as every search does
    counts = []
    for params in ({"nocache": "1"}, {"hl": "湿地"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(law.get_absolute_url(), params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_search_results_open_the_article_with_the_query(client):
    law = make_article("湿地保护条例", body=LAW, kind="regulation")
    apply_pending()
    text = client.get("/search/", {"q": "禁止破坏"}).content.decode()
    link = f'href="{law.get_absolute_url()}?hl=%E7%A6%81%E6%AD%A2%E7%A0%B4%E5%9D%8F#{quote("第三条")}"'
    assert link in text
    # The JSON keeps the documents' own addresses.
    result = client.get("/search/", {"q": "禁止破坏", "format": "json"}).json()["results"][0]
    assert result["url"] == f"{law.get_absolute_url()}#{quote('第三条')}"


@pytest.mark.django_db
def test_a_result_found_through_an_equivalent_opens_with_it_marked_at_its_article(client):
    """The search found 人民代表大会常务委员会 for 人大常委会 (equivalents.py): the page marks it, and the 条 the
    result's link opens at holds the first mark."""
    law = make_article("监督条例", kind="regulation", body="第一条　为了规范监督工作，制定本条例。\n\n"
                       "第二条　市人民代表大会常务委员会依法行使监督职权。\n\n第三条　本条例自公布之日起施行。")
    apply_pending()
    hit = next(h for h in client.get("/search/", {"q": "人大常委会", "format": "json"}).json()["results"]
               if h["title"] == "监督条例")
    assert hit["url"] == f"{law.get_absolute_url()}#{quote('第二条')}"
    html_text = client.get(law.get_absolute_url(), {"hl": "人大常委会"}).content.decode()
    assert MARK.findall(html_text) == [("1", "1", "人民代表大会常务委员会")]
    assert bar_status(client.get(law.get_absolute_url(), {"hl": "人大常委会"})) == "正文中共 1 处"
    article_two = html_text.index('id="第二条"')
    assert article_two < html_text.index('id="hl-1"') < html_text.index('id="第三条"')
    page = client.get("/search/", {"q": "人大常委会"}).content.decode()
    assert f'href="{law.get_absolute_url()}?hl=%E4%BA%BA%E5%A4%A7%E5%B8%B8%E5%A7%94%E4%BC%9A#{quote("第二条")}"' in page
