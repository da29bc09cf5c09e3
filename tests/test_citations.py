"""《》 citations found in body HTML and turned into links (documents/citations.py): plain functions, no database."""

import re

import pytest

from documents.legislation.citations import chinese_number, cited_keys, link_citations
from documents.common.sanitize import sanitize_html, text_to_html

URL = "/articles/7/"
TARGETS = {"中华人民共和国立法法": URL}


def test_titles_are_counted_in_order_of_first_appearance():
    body = text_to_html("依据《中华人民共和国立法法》和《上海市 住宅物业管理规定》。\n\n再依《中华人民共和国立法法》。")
    assert cited_keys(body) == {"中华人民共和国立法法": 2, "上海市住宅物业管理规定": 1}


def test_inner_titles_belong_to_the_citation_around_them():
    body = text_to_html("《关于修改〈上海市公路管理条例〉等10件地方性法规的决定》和《上海市实施《中华人民共和国水法》办法》")
    assert list(cited_keys(body)) == ["关于修改《上海市公路管理条例》等10件地方性法规的决定", "上海市实施《中华人民共和国水法》办法"]


@pytest.mark.parametrize("text, keys", [
    ("《", []),
    ("》《》《 》", []),
    ("缺了结尾的《草案和《中华人民共和国立法法》", ["中华人民共和国立法法"]),
    ("多余的》《中华人民共和国立法法》》", ["中华人民共和国立法法"]),
    ("《" + "长" * 301 + "》", []),  # a quotation, longer than any title
])
def test_stray_empty_and_overlong_brackets_are_passed_over(text, keys):
    assert list(cited_keys(text_to_html(text))) == keys


def test_citations_are_read_from_text_never_from_attributes():
    body = '<p><a href="/x" title="《属性里的标题》">《链接里的标题》</a><img alt="《图》" src="/media/a.png"></p>'
    assert list(cited_keys(body)) == ["链接里的标题"]


def test_a_citation_becomes_a_link_with_the_bodys_own_text():
    body = text_to_html("根据《中华人民共和国立法法》和《不在档案中的法》，制定本条例。")
    assert link_citations(body, TARGETS) == (
        f'<p>根据<a href="{URL}">《中华人民共和国立法法》</a>和《不在档案中的法》，制定本条例。</p>'
    )


@pytest.mark.parametrize("written, anchor", [
    ("第十一条", "第十一条"),
    ("第11条", "第十一条"),
    ("第一百零一条之一", "第一百零一条之一"),
])
def test_a_cited_article_links_to_its_anchor_percent_encoded(written, anchor):
    anchors = {"中华人民共和国立法法": {anchor}}
    linked = link_citations(text_to_html(f"《中华人民共和国立法法》{written}第二款"), TARGETS, anchors)
    href, text = re.search(r'<a href="([^"]+)">([^<]+)</a>', linked).groups()
    assert text == f"《中华人民共和国立法法》{written}"
    assert href == URL + "#" + "".join(f"%{b:02X}" for b in anchor.encode())  # as a browser encodes it


@pytest.mark.parametrize("n, written", [
    (1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (32, "三十二"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (1000, "一千"), (1001, "一千零一"), (1260, "一千二百六十"),
])
def test_chinese_numbers_as_laws_write_them(n, written):
    assert chinese_number(n) == written


def test_existing_links_tags_and_other_text_are_left_as_they_are():
    body = (
        '<p title="《中华人民共和国立法法》"><a rel="noopener nofollow" href="https://npc.gov.cn/">'
        "《中华人民共和国立法法》</a> &lt;《中华人民共和国立法法》&gt; &amp;</p>"
    )
    assert link_citations(body, TARGETS) == (
        '<p title="《中华人民共和国立法法》"><a rel="noopener nofollow" href="https://npc.gov.cn/">'
        f'《中华人民共和国立法法》</a> &lt;<a href="{URL}">《中华人民共和国立法法》</a>&gt; &amp;</p>'
    )


def test_nothing_to_link_returns_the_body_unchanged():
    body = text_to_html("《中华人民共和国立法法》")
    assert link_citations(body, {}) is body
    assert link_citations("", TARGETS) == ""


def test_the_output_passes_the_sanitizer_policy():
    body = sanitize_html(
        '<p>《中华人民共和国立法法》第3条 <strong>粗体</strong> <a href="http://a/?x=1&amp;y=2">外链</a></p>'
        "<table><tr><td>《中华人民共和国立法法》</td></tr></table>"
    )
    linked = link_citations(body, {"中华人民共和国立法法": '/articles/7/?a="b"&c'})
    assert linked.count('href="/articles/7/?a=&quot;b&quot;&amp;c') == 2  # escaped, however odd the URL

    def without_rel(value):
        return value.replace('rel="noopener nofollow" ', "")

    # Everything added is within the policy: sanitizing keeps it all (it only adds rel to every link).
    assert without_rel(sanitize_html(linked)) == without_rel(linked)


def test_a_cited_article_the_page_lacks_links_the_document():
    linked = link_citations(text_to_html("《中华人民共和国立法法》第九十九条"), TARGETS, {"中华人民共和国立法法": {"第一条"}})
    assert re.search(r'<a href="([^"]+)">', linked).group(1) == URL
    assert re.search(r'<a href="([^"]+)">', link_citations(text_to_html("《中华人民共和国立法法》第一条"), TARGETS)).group(1) == URL
