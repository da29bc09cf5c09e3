"""The /search/ page and its JSON form: results, ranking, highlighting, drafts, and every kind of bad input."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Article, Column, Speaker
from documents.search.index.queue import apply_pending

pytestmark = pytest.mark.django_db
URL = "/search/"


def make(title, body, status=Article.Status.PUBLISHED, column="news", **fields):
    article = Article(title=title, column=Column.objects.get(slug=column), status=status, **fields)
    article.set_plain_text_body(body)
    article.save()
    return article


@pytest.fixture
def docs():
    speaker = Speaker.objects.create(name="张雷明", position="市人大常委会主任")
    made = {
        "title": make("关于加强人大监督工作的决定", "全文见附件。", column="documents", kind="document",
                      date=datetime.date(2021, 5, 1)),
        "verbatim": make("会议纪要", "会议要求进一步加强人大监督工作，提高实效。", date=datetime.date(2022, 9, 22),
                         speaker=speaker, kind="speech"),
        "scattered": make("工作简报", "本月监督检查了三个项目，人大和政协参加。", date=datetime.date(2023, 1, 2)),
        "numbered": make("关于印发实施办法的通知", "各县（市、区）人民政府：现将办法印发给你们。",
                         doc_number="平政〔2017〕47号", column="notices", kind="notice",
                         date=datetime.date(2017, 3, 1)),
        "escaped": make("标签<b>测试</b>", "正文里有<script>alert(1)</script>和人大监督。"),
        "draft": make("草稿里的人大监督", "草稿正文人大监督。", status=Article.Status.DRAFT),
    }
    apply_pending()
    return made


def get(client, **params):
    return client.get(URL, params)


def test_route_and_breadcrumb(client):
    assert reverse("documents:search") == URL
    page = get(client)
    assert page.status_code == 200
    html = page.content.decode()
    assert "当前位置 &gt;&gt; " in html and "网站首页" in html and "搜索" in html


def test_ranking_title_first_then_verbatim_then_scattered(client, docs):
    data = get(client, q="人大监督", format="json").json()
    order = [r["title"] for r in data["results"]]
    assert order[0] == docs["title"].title  # the string in the title
    assert order.index(docs["verbatim"].title) < order.index(docs["scattered"].title)
    assert docs["draft"].title not in order
    assert data["count"] == len(order) == 4


def test_a_full_document_number_finds_its_document_first(client, docs):
    for typed in ("平政〔2017〕47号", "平政[2017]47号"):
        results = get(client, q=typed, format="json").json()["results"]
        assert results[0]["title"] == docs["numbered"].title


def test_results_page_shows_fields_snippet_and_escapes_everything(client, docs):
    html = get(client, q="人大监督").content.decode()
    assert "<em>人大监督</em>" in html
    assert "2022年9月22日" in html and "张雷明" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>测试</b>" not in html and "标签&lt;b&gt;测试&lt;/b&gt;" in html
    assert "共找到 <strong>4</strong> 篇" in html


def test_json_format(client, docs):
    data = get(client, q="监督", format="json", per_page="2").json()
    assert set(data) >= {"count", "page", "results", "per_page"}
    assert data["page"] == 1 and data["per_page"] == 2 and len(data["results"]) == 2 and data["count"] == 4
    first = data["results"][0]
    assert set(first) == {"title", "url", "date", "speaker", "column", "snippet", "validity", "genre"}
    assert first["url"].startswith("/articles/")
    assert "<em>监督</em>" in data["results"][1]["snippet"]  # the first is a title match; its body lacks the word
    assert get(client, q="监督", format="json", per_page="100").status_code == 200
    bad = get(client, q="监督", format="json", per_page="101")
    assert bad.status_code == 400 and "每页条数" in bad.json()["error"]
    assert "每页条数" in bad.content.decode()  # readable as sent, not \\u-escaped


def test_filters_facets_and_dropping_filters(client, docs):
    data = get(client, q="监督", column="documents", format="json").json()
    assert [r["title"] for r in data["results"]] == [docs["title"].title]
    data = get(client, q="监督", format="json").json()
    assert {f["value"]: f["count"] for f in data["facets"]["kind"]}["speech"] == 1
    assert {f["label"] for f in data["facets"]["year"]} >= {"2021年", "2022年", "2023年"}
    assert get(client, q="监督", speaker=docs["verbatim"].speaker.slug, format="json").json()["count"] == 1
    assert get(client, q="监督", **{"from": "2022-09-22", "to": "2022-09-22"}, format="json").json()["count"] == 1
    empty = get(client, q="监督", kind="notice").content.decode()
    assert "没有找到符合条件的文章" in empty and "去掉栏目、类型、发言人、会议和日期的限制" in empty
    assert "栏目" in get(client, q="监督").content.decode()


def test_stale_index_never_shows_a_draft(client, docs):
    article = docs["verbatim"]
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)  # index not told
    titles = [r["title"] for r in get(client, q="人大监督", format="json").json()["results"]]
    assert article.title not in titles


def test_query_count_does_not_grow_with_results(client, docs):
    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            assert get(client, **params).status_code == 200
        return len(queries)

    count(q="监督")  # the first search of a process reads the equivalent terms (once per change of the table)
    assert count(q="监督", per_page="1", format="json") == count(q="监督", per_page="50", format="json") <= 3
    assert count(q="监督") == count(q="人大监督工作")


HOSTILE = [
    '"人大', "人大\"", "AND", "OR", "NOT", "-", "*", "?", "title:", "title:人大", "人" * 2000, "a" * 2000,
    "\x00", "人\x00大", "\x01\x02\x1b[31m", "😀", "😀人大", "，。！？", "（）【】", "", "   ", "((((", "\\", "%_",
    "人大 -", '"" ""', "-人大", "人大 OR", "OR 人大", "\u202e人大", "ｔｉｔｌｅ：人大", "<script>", "{{ 7*7 }}",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_give_a_page(client, docs, q):
    page = get(client, q=q)
    assert page.status_code == 200
    assert get(client, q=q, format="json").status_code == 200
    assert "<script>" not in page.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize("q, message", [
    ("😀", "没有可以查找的文字"), ("，。！？", "没有可以查找的文字"), ("-人大", "请至少输入一个要查找的词"),
    ("人" * 2000, "搜索词太长"),
])
def test_unsearchable_queries_explain_themselves(client, docs, q, message):
    assert message in get(client, q=q).content.decode()


@pytest.mark.parametrize("params, message", [
    ({"from": "2022-13-01"}, "开始日期：日期“2022-13-01”不存在。"), ({"to": "yesterday"}, "日期格式"),
    ({"from": "2023-02-30"}, "开始日期：日期“2023-02-30”不存在。"), ({"to": "2022/09/01"}, "日期格式"),
    ({"from": "2023-01-01", "to": "2022-01-01"}, "开始日期晚于结束日期"),
    ({"page": "0"}, "页码"), ({"page": "-1"}, "页码"), ({"page": "abc"}, "页码"), ({"page": "9" * 30}, "页码"),
    ({"sort": "bogus"}, "排序"), ({"kind": "bogus"}, "类型"), ({"per_page": "0", "format": "json"}, "每页条数"),
    # Unknown filters are errors like an unknown kind, not an empty result.
    ({"column": "bogus"}, "栏目：没有“bogus”这个栏目。"), ({"speaker": "nobody"}, "发言人：没有“nobody”这位发言人。"),
    ({"meeting": "无此会议"}, "会议：没有“无此会议”这个会议。"),
    ({"column": "bogus", "format": "json"}, "栏目：没有“bogus”这个栏目。"),
])
def test_invalid_parameters_are_400_with_a_chinese_message(client, docs, params, message):
    page = get(client, q="监督", **params)
    assert page.status_code == 400
    body = page.json()["error"] if params.get("format") == "json" else page.content.decode()
    assert message in body


def test_refused_parameters_are_said_in_words_a_reader_knows_without_advice_on_the_words(client, docs):
    sort = get(client, q="监督", sort="bogus").content.decode()
    assert "排序：排序方式只能是相关度（relevance）、最新（newest）或最早（oldest）。" in sort
    for params in ({"from": "yesterday"}, {"to": "2023-02-30"}, {"sort": "bogus"}, {"from": "2023-02-30", "q": ""}):
        page = get(client, **{"q": "监督", **params})
        assert page.status_code == 400
        html = page.content.decode()
        assert "换一个词" not in html and "没有找到符合条件的文章" not in html, params  # nothing was searched


def test_a_page_beyond_the_last_says_so(client, docs):
    html = get(client, q="监督", page="50").content.decode()
    assert "没有第 50 页" in html
    assert "第 50/" not in html  # the count line does not claim the page exists
    assert "，第 1/1 页" in get(client, q="监督").content.decode()


def test_every_search_box_takes_what_the_search_reads(client, docs):
    """maxlength = the 100 characters a query is cut to: the boxes never make a URL the server refuses."""
    from documents.search.query import MAX_QUERY_CHARS

    speaker = docs["verbatim"].speaker
    boxes = []
    for url in ("/", f"{URL}?q=监督", speaker.get_absolute_url()):
        boxes += re.findall(r'<input [^>]*type="search"[^>]*name="q"[^>]*>', client.get(url).content.decode())
    assert len(boxes) == 4  # the header's on each page (the search page repeats no box), the speaker page's
    assert all(f'maxlength="{MAX_QUERY_CHARS}"' in box for box in boxes), boxes


def test_known_filters_still_filter(client, docs):
    speaker = docs["verbatim"].speaker.slug
    data = get(client, q="监督", speaker=speaker, column="news", format="json").json()
    assert [r["title"] for r in data["results"]] == [docs["verbatim"].title]


def test_a_long_facet_shows_its_first_ten_and_folds_the_rest(client):
    for year in range(2001, 2016):
        make(f"{year}年监督报告", "监督工作。", date=datetime.date(year, 6, 1))
    apply_pending()
    html = get(client, q="监督").content.decode()
    facet = re.search(r"<h2>年份</h2>(.*?)</section>", html, re.S).group(1)
    shown, folded = facet.split('<details class="search-facet__more">')
    assert re.findall(r"(\d{4})年</a>", shown) == [str(year) for year in range(2015, 2005, -1)]
    assert "<summary>更多年份（5）</summary>" in folded
    assert re.findall(r"(\d{4})年</a>", folded) == [str(year) for year in range(2005, 2000, -1)]


def chips(html):
    """(label, href) of each chip of the filters in use."""
    return [(re.sub(r"<[^>]+>", "", label).replace("（去掉这项筛选）", "").replace("×", ""), href.replace("&amp;", "&"))
            for href, label in re.findall(r'<a class="search-chip" href="([^"]*)">(.*?)</a>', html)]


def test_filters_in_use_are_chips_that_remove_them(client, docs):
    html = get(client, q="人大", column="documents", kind="document", speaker="", validity="",
               **{"from": "2021-01-01", "to": "2021-12-31"}, page="1").content.decode()
    assert chips(html) == [
        ("栏目：公文发布", "?q=%E4%BA%BA%E5%A4%A7&kind=document&from=2021-01-01&to=2021-12-31"),
        ("类型：" + Article.Kind("document").label, "?q=%E4%BA%BA%E5%A4%A7&column=documents&from=2021-01-01&to=2021-12-31"),
        ("日期：2021年", "?q=%E4%BA%BA%E5%A4%A7&column=documents&kind=document"),
    ]
    assert "筛选（已用 3 项）" in html
    speaker = Speaker.objects.get()
    html = get(client, q="人大", speaker=speaker.slug, **{"from": "2022-09-01"}).content.decode()
    assert chips(html) == [("发言人：张雷明", "?q=%E4%BA%BA%E5%A4%A7&from=2022-09-01"),
                           ("日期：2022年9月1日起", "?q=%E4%BA%BA%E5%A4%A7&" + urlencode({"speaker": speaker.slug}))]
    assert chips(get(client, q="人大").content.decode()) == []


def test_one_search_box_that_keeps_the_filters(client, docs):
    """The header's box holds the query (the page has no second box) and carries the filters in use."""
    html = get(client, q="人大", column="documents", **{"from": "2021-01-01"}).content.decode()
    assert html.count('role="search"') == 1 and html.count('name="q"') == 2  # the box, and the date form's copy
    header = html[html.index('<form class="search-box"'):html.index("</form>", html.index('<form class="search-box"'))]
    assert 'aria-label="站内搜索"' in header and 'value="人大"' in header
    assert '<input type="hidden" name="column" value="documents">' in header
    assert '<input type="hidden" name="from" value="2021-01-01">' in header
    assert 'name="to"' not in header


def test_a_one_year_chart_names_the_year_once(client, docs):
    html = get(client, q="实施办法").content.decode()
    assert "各年份的结果：2017年。" in html and "2017—2017年" not in html
