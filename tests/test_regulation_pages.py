"""A regulation's pages: status, 施行日期, versions, table of contents and anchors, 新旧对照, the 时效性 filter of a
column, their JSON, query counts and the page cache."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Article

from .portal_helpers import make_article, page_text

pytestmark = pytest.mark.django_db
TITLE = "上海市中小学校学生伤害事故处理条例"
OLD_BODY = "\n\n".join([
    "第一章 总则", "第一条 为了保护学生。", "第二条 学校应当报告区、县教育行政部门。", "第二章 附则",
    "第三条 本条例自2002年1月1日起施行。",
])
NEW_BODY = "\n\n".join([
    "第一章 总则", "第一条 为了保护学生。", "第二条 学校应当报告区教育行政部门。", "第三条 新增安全演练制度。",
    "第二章 附则", "第四条 本条例自2025年1月1日起施行。",
])


def law(date, body, title=TITLE, column_slug="documents", **fields):
    return make_article(title, column_slug=column_slug, date=date, issuer="上海", body=body,
                        kind=Article.Kind.REGULATION, **fields)


@pytest.fixture
def versions():
    undated = law(None, OLD_BODY.replace("区、县", "县"))  # an older text: the same one twice is one version
    old = law((2011, 11, 17), OLD_BODY)
    new = law((2024, 12, 31), NEW_BODY)
    return new, old, undated


def test_a_version_page_says_its_status_and_lists_the_versions(client, versions):
    new, old, undated = versions
    page = client.get(f"/articles/{old.pk}/").content.decode()
    text = page_text(client.get(f"/articles/{old.pk}/"))
    assert "已被修改" in text and "本版施行日期 2002年1月1日" in text and "时效性 已被修改" in text
    listed = re.search(r'<ol class="versions__list">(.*?)</ol>', page, re.S).group(1)
    items = re.findall(r"<li(.*?)</li>", listed, re.S)
    assert len(items) == 3
    assert "2024年12月31日" in items[0] and "现行有效" in items[0]
    assert 'aria-current="page"' in items[1] and "（本页）" in items[1]
    assert "日期不详" in items[2] and "已被修改" in items[2]
    assert f'href="/articles/{new.pk}/compare/{old.pk}/"' in items[0]


def test_a_document_without_versions_lists_none(client):
    alone = law((2020, 1, 1), NEW_BODY, title="上海市另一条例")
    page = client.get(f"/articles/{alone.pk}/").content.decode()
    assert "versions__list" not in page and "现行有效" in page


def test_table_of_contents_and_anchors(client, versions):
    new, _, _ = versions
    page = client.get(f"/articles/{new.pk}/").content.decode()
    assert f'<a href="#{quote("第二章")}">第二章 附则</a>' in page
    assert '<h2 id="第二章" class="law-heading">第二章 附则</h2>' in page
    assert '<p id="第三条" class="clause">' in page
    assert page == client.get(f"/articles/{new.pk}/").content.decode()  # the same anchors on every render


def test_article_json(client, versions):
    new, old, undated = versions
    data = client.get(f"/articles/{old.pk}/?format=json").json()
    assert data["validity"] == "amended" and data["effective_date"] == data["first_effective_date"] == "2002-01-01"
    assert data["versions"] == [
        {"url": f"http://testserver/articles/{new.pk}/", "date": "2024-12-31", "validity": "current", "this": False,
         "duplicates": []},
        {"url": f"http://testserver/articles/{old.pk}/", "date": "2011-11-17", "validity": "amended", "this": True,
         "duplicates": []},
        {"url": f"http://testserver/articles/{undated.pk}/", "date": None, "validity": "amended", "this": False,
         "duplicates": []},
    ]
    assert (data["parts"], data["repealed_by"]) == ([], None)
    assert data["toc"] == [{"name": "第一章 总则", "anchor": "第一章"}, {"name": "第二章 附则", "anchor": "第二章"}]
    news = make_article("新闻")
    data = client.get(f"/articles/{news.pk}/?format=json").json()
    assert (data["validity"], data["effective_date"], data["versions"], data["toc"]) == (None, None, [], [])


def test_comparison_page(client, versions):
    new, old, _ = versions
    response = client.get(f"/articles/{new.pk}/compare/{old.pk}/")  # either order: the older on the left
    assert response.status_code == 200
    text = page_text(response)
    assert "改 2 条，增 1 条，删 0 条" in text
    page = response.content.decode()
    assert "区<del>、县</del>教育行政部门" in page
    assert '<a href="#change-1">第二条</a>' in page and 'id="change-1"' in page
    assert re.search(r"旧版本.*2011年11月17日.*新版本.*2024年12月31日", text)
    assert client.get(f"/articles/{old.pk}/compare/{new.pk}/").content == response.content


@pytest.mark.parametrize("case", ["same", "other regulation", "draft", "missing", "not a regulation"])
def test_comparison_of_anything_but_two_versions_is_a_chinese_404(client, versions, case):
    new, old, _ = versions
    other = {
        "same": new.pk,
        "other regulation": law((2020, 1, 1), NEW_BODY, title="上海市另一条例").pk,
        "draft": law((2025, 1, 1), NEW_BODY, status=Article.Status.DRAFT).pk,
        "missing": 999999,
        "not a regulation": make_article("新闻").pk,
    }[case]
    response = client.get(f"/articles/{new.pk}/compare/{other}/")
    assert response.status_code == 404 and "页面不存在" in page_text(response)


def test_column_filter_by_validity(client, versions):
    new, old, undated = versions
    make_article("一条新闻", column_slug="documents")
    page = client.get("/columns/documents/").content.decode()
    assert 'href="?validity=amended"' in page
    amended = page_text(client.get("/columns/documents/?validity=amended"))
    assert amended.count(TITLE) == 2 and "一条新闻" not in amended
    data = client.get("/columns/documents/?validity=current&format=json").json()
    assert data["validity"] == "current" and [r["id"] for r in data["results"]] == [new.pk]
    assert client.get("/columns/documents/?validity=nonsense").status_code == 404
    assert 'href="?validity=' not in client.get("/columns/news/").content.decode()  # no regulations there


def test_pagination_keeps_the_filter(client):
    for day in range(1, 23):
        law((2020, 1, day), NEW_BODY, title=f"条例（{day}）")
    page = client.get("/columns/documents/?validity=current").content.decode()
    assert 'href="?validity=current&amp;page=2"' in page


def test_search_result_status(client, versions):
    from documents.search.index.queue import apply_pending

    apply_pending()
    data = client.get("/search/", {"q": "新增安全演练", "format": "json"}).json()
    assert [r["validity"] for r in data["results"]] == ["current"]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_versions(client, versions):
    new, old, _ = versions
    urls = [f"/articles/{old.pk}/", f"/articles/{new.pk}/compare/{old.pk}/", "/columns/documents/?validity=amended"]
    small = [count_queries(client, url) for url in urls]
    for year in range(1990, 2000):
        law((year, 1, 1), OLD_BODY)
    # No more queries with ten versions more (one fewer for the old one: the oldest dated article of its column
    # looks for an undated neighbour as well, pages._neighbours).
    after = [count_queries(client, url) for url in urls]
    assert all(a <= b for a, b in zip(after, small)) and after[1:] == small[1:]


def test_cached_pages_show_a_new_version(client, versions):
    new, old, _ = versions
    elsewhere = law((2000, 1, 1), OLD_BODY, column_slug="news")
    assert "2025年6月1日" not in page_text(client.get(f"/articles/{elsewhere.pk}/"))  # now cached
    client.get(f"/articles/{new.pk}/compare/{old.pk}/")
    # A new version in a third column leaves the status of the one in 人大要闻 as it was: only the regulation ties
    # that page to it.
    law((2025, 6, 1), NEW_BODY, column_slug="notices")
    assert "2025年6月1日" in page_text(client.get(f"/articles/{elsewhere.pk}/"))
    assert "已被修改" in page_text(client.get(f"/articles/{new.pk}/compare/{old.pk}/"))


def test_hostile_input_in_versions_and_comparisons(client):
    from .test_security import PAYLOADS, assert_safe_html

    for n, payload in enumerate(PAYLOADS):
        payload = payload.replace("\x00", "\x0b")
        title = f"{payload[:200]}条例（{n}）"
        old = law((2020, 1, 1), f"第一章 {payload}\n\n第一条 {payload}\n\n第二条 甲。", title=title)
        new = law((2021, 1, 1), "", title=title)
        new.body = f"<h2>第一章 总则</h2><p>第一条 {payload}改</p><p><strong>第二条</strong> {payload}</p>"
        new.save()
        for url in (f"/articles/{old.pk}/", f"/articles/{new.pk}/", f"/articles/{old.pk}/compare/{new.pk}/"):
            assert_safe_html(client.get(url), (url, payload))


def test_bad_bodies_still_make_pages(client):
    """Numbering that repeats and skips, a 施行日期 that is no date, a version without any 条: pages, not errors."""
    broken = law((2020, 1, 1), "\n\n".join([
        "第九条 甲。", "第十条 乙。", "第十条 丙。", "第十三条 本条例自2025年2月30日起施行。",
    ]))
    plain = law((2021, 1, 1), "本条例的全文另行公布。\n\n第十条这几个字不在段首之外没有条。")
    page = client.get(f"/articles/{broken.pk}/").content.decode()
    assert 'id="第十条"' in page and 'id="第十条-2"' in page and "施行日期" not in page_text(client.get(
        f"/articles/{broken.pk}/"))
    assert broken.effective_date is None
    response = client.get(f"/articles/{broken.pk}/compare/{plain.pk}/")
    assert response.status_code == 200 and "改 0 条，增 0 条，删 4 条" in page_text(response)
