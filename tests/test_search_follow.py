"""Following a search: the chart of documents per year (search and speaker pages) and the year counts of the
search JSON, the RSS feed of any search, and the OpenSearch description. Suggestions: test_suggestions.py."""

import datetime
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlparse

import feedparser
import pytest
from django.urls import reverse

from documents.common import dates
from documents.models import Article, Column, Meeting, Speaker
from documents.search.backends.whoosh import engine
from documents.search.index.indexing import get_backend, rebuild
from documents.search.index.queue import apply_pending
from documents.search_indexes import ArticleIndex
from documents.archive.year_chart import year_chart
from tests.search_support import load_sample, use_index

pytestmark = pytest.mark.django_db
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    return tmp_path_factory.mktemp("sample") / "whoosh_index"


@pytest.fixture
def sample(db, sample_index, settings):
    """The 40 sample documents (1954 to 2024, three undated), indexed once for the module."""
    articles = load_sample()
    with use_index(sample_index, settings):
        if not sample_index.exists():
            rebuild()
        yield articles


def make(title, body="正文。", column="news", status=Article.Status.PUBLISHED, **fields):
    article = Article(title=title, column=Column.objects.get(slug=column), status=status, **fields)
    article.set_plain_text_body(body)
    article.save()
    return article


def chart_bars(html):
    """(year, count, href, current) of each link of the page's chart, in page order, and the gaps' number."""
    chart = re.search(r'<figure class="year-chart">(.*?)</figure>', html, re.S)
    assert chart, "no chart"
    links = re.findall(r'<a class="year-chart__bar( is-current)?" href="([^"]*)" aria-label="(\d{4})年：(\d+) 篇"',
                       chart.group(1))
    gaps = len(re.findall(r'<span class="year-chart__bar" aria-hidden="true">', chart.group(1)))
    return [(int(year), int(count), unescape(href), bool(current)) for current, href, year, count in links], gaps


def years_containing(articles, text):
    """The plain scan the chart must agree with: documents whose indexed text contains `text`, per year."""
    found = [a for a in articles if text in a.title + "\n" + ArticleIndex.searchable_text(a)]
    dated = [a for a in found if a.date and a.date_precision != dates.UNKNOWN]
    return Counter(a.date.year for a in dated), len(found) - len(dated)


# --- the chart and the year counts -------------------------------------------------------------------------------


def test_the_chart_has_a_bar_per_year_of_the_results_and_gaps_for_the_others(client, sample):
    expected, undated = years_containing(sample, "人民")
    assert len(expected) > 10 and undated  # the sample spans decades; a few resolutions carry no date
    html = client.get("/search/", {"q": "人民"}).content.decode()
    bars, gaps = chart_bars(html)
    assert {year: count for year, count, _, _ in bars} == expected
    assert [year for year, *_ in bars] == sorted(expected, reverse=True)  # reading order: newest first
    assert gaps == max(expected) - min(expected) + 1 - len(expected)  # an honest time axis
    assert not any(current for *_, current in bars)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert f"{min(expected)}—{max(expected)}年" in caption and f"另有 {undated} 篇日期不详" in caption
    for year, _, href, _ in bars:
        assert parse_qs(urlparse(href).query) == {"q": ["人民"], "from": [f"{year}-01-01"], "to": [f"{year}-12-31"]}


def test_a_bar_filters_to_its_year_and_the_chart_keeps_every_year(client, sample):
    expected, _ = years_containing(sample, "人民")
    year = max(expected, key=lambda y: (expected[y], y))
    bars, _ = chart_bars(client.get("/search/", {"q": "人民", "column": "documents", "sort": "newest"}).content.decode())
    href = next(href for y, _, href, _ in bars if y == year)
    assert parse_qs(urlparse(href).query)["sort"] == ["newest"]  # the other parameters stay

    page = client.get("/search/" + href)
    data = client.get("/search/" + href + "&format=json").json()
    assert data["count"] == sum(1 for a in sample if a.date and a.date.year == year and a.column.slug == "documents"
                                and "人民" in a.title + ArticleIndex.searchable_text(a))
    assert {r["date"][:5] for r in data["results"]} == {f"{year}年"}
    html = page.content.decode()
    bars_after, _ = chart_bars(html)
    assert len(bars_after) == len(bars) > 1  # the other years stay one click away
    assert [y for y, *_, current in bars_after if current] == [year]
    assert 'aria-current="true"' in html and ">不限年份</a>" in html


def test_a_date_range_marks_every_year_it_covers(client, sample):
    bars, _ = chart_bars(client.get("/search/", {"q": "人民", "from": "2018-06-01", "to": "2020-02-01"}).content.decode())
    assert {y for y, *_, current in bars if current} == {y for y, *_ in bars if 2018 <= y <= 2020}


def test_no_chart_without_a_dated_result(client, sample):
    assert 'class="year-chart"' not in client.get("/search/", {"q": "没有这个词组"}).content.decode()
    assert 'class="year-chart"' not in client.get("/search/").content.decode()


def test_the_search_json_counts_every_year(client, sample):
    expected, _ = years_containing(sample, "人民")
    facet = client.get("/search/", {"q": "人民", "format": "json"}).json()["facets"]["year"]
    assert {int(f["value"]): f["count"] for f in facet} == expected  # all of them, not the ten shown
    assert [f["label"] for f in facet][:2] == [f"{y}年" for y in sorted(expected, reverse=True)[:2]]


def test_a_speakers_page_charts_their_documents_per_year(client, sample):
    html = client.get(Speaker.objects.get(name="温家宝").get_absolute_url()).content.decode()
    bars, gaps = chart_bars(html)
    assert [(y, n, href) for y, n, href, _ in bars] == [(2008, 1, "#year-2008"), (2006, 1, "#year-2006")]
    assert gaps == 1 and 'id="year-2008"' in html and 'id="year-2006"' in html
    assert "各年份的文章：2006—2008年。" in html


def test_chart_bars():
    chart = year_chart([("2001", 40), (2003, 1), ("1990", 0)], lambda y: f"/{y}", is_current=lambda y: y == 2003)
    assert [(b.year, b.count, b.height, b.url, b.current, b.label) for b in chart.bars] == [
        (2003, 1, 5, "/2003", True, "2003"), (2002, 0, 0, "", False, "2002"), (2001, 40, 100, "/2001", False, "2001"),
    ]
    wide = year_chart([(1952, 1), (2025, 3)], str)
    assert [b.label for b in wide.bars if b.label] == [str(y) for y in range(2025, 1951, -1) if y % 5 == 0]
    assert {b.height for b in year_chart([(y, y - 1999) for y in range(2000, 2040)], str).bars} <= set(range(5, 101, 5))
    assert year_chart([], str) is None and year_chart([(2020, 0)], str) is None


# --- the feed of a search ------------------------------------------------------------------------------------------


def rss(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


@pytest.fixture
def lawmaking():
    """立法 in the column 公文发布, in other columns, in a draft; 35 of them, so the feed's 30 is a real cut."""
    made = [make(f"第{n}号立法文件", "关于立法工作。", column="documents", date=datetime.date(1990 + n, 1, 1))
            for n in range(33)]
    made.append(make("立法日期不详", column="documents"))
    made.append(make("新闻里的立法", date=datetime.date(2030, 1, 1)))
    made.append(make("立法草稿", column="documents", status=Article.Status.DRAFT, date=datetime.date(2031, 1, 1)))
    apply_pending()
    return made


def test_a_search_feed_lists_the_newest_matches_of_the_search_and_its_filters(client, lawmaking, settings):
    channel, items = rss(client.get("/search/feed/", {"q": "立法", "column": "documents", "page": "2"}))
    titles = [item.findtext("title") for item in items]
    # 30, published last first (the undated one was saved last), as the site's feed
    assert titles == ["立法日期不详"] + [f"第{n}号立法文件" for n in range(32, 3, -1)]
    assert channel.findtext("title") == f"{settings.SITE_NAME} - 搜索：立法（公文发布）"
    link = urlparse(channel.findtext("link"))
    assert link.path == "/search/" and parse_qs(link.query) == {"q": ["立法"], "column": ["documents"]}
    first = items[1]
    assert first.findtext("link") == f"http://testserver{lawmaking[32].get_absolute_url()}"
    assert first.findtext("description") == "<p>【2022年1月1日】关于立法工作。</p>"  # the snippet's text
    published = lawmaking[32].published_at.astimezone(datetime.timezone.utc)
    assert first.findtext("pubDate") == published.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_a_search_feed_describes_every_filter(client, lawmaking, settings):
    speaker = Speaker.objects.create(name="张雷明")
    make("张雷明谈立法", speaker=speaker, kind="speech", date=datetime.date(2021, 3, 1))
    apply_pending()
    channel, items = rss(client.get("/search/feed/", {"q": "立法", "kind": "speech", "speaker": speaker.slug,
                                                      "from": "2021-01-01", "to": "2021-12-31"}))
    assert [item.findtext("title") for item in items] == ["张雷明谈立法"]
    assert channel.findtext("title").endswith("搜索：立法（讲话，张雷明，2021年1月1日起2021年12月31日止）")
    channel, items = rss(client.get("/search/feed/", {"column": "news"}))
    assert channel.findtext("title").endswith("搜索：全部文章（人大要闻）")
    assert [item.findtext("title") for item in items] == ["张雷明谈立法", "新闻里的立法"]  # published last first


def test_a_new_match_is_in_the_feed_at_once(client, lawmaking):
    """Not served from the page cache: the index takes a new article in after the change that retires pages."""
    url = "/search/feed/?q=立法&column=documents"
    assert rss(client.get(url))[1][0].findtext("title") == "立法日期不详"
    make("最新的立法规划", column="documents", date=datetime.date(2040, 1, 1))
    apply_pending()
    assert rss(client.get(url))[1][0].findtext("title") == "最新的立法规划"


@pytest.mark.parametrize("params, message", [
    ({"from": "2023-02-30"}, "开始日期：日期“2023-02-30”不存在。"), ({"to": "yesterday"}, "日期格式"),
    ({"column": "bogus"}, "栏目：没有“bogus”这个栏目。"), ({"kind": "bogus"}, "类型：没有这种文章类型。"),
    ({"speaker": "nobody"}, "发言人：没有“nobody”这位发言人。"), ({"page": "abc"}, "页码"),
    ({"from": "2023-01-01", "to": "2022-01-01"}, "开始日期晚于结束日期"),
])
def test_a_feed_with_bad_parameters_is_the_search_pages_400(client, params, message):
    feed = client.get("/search/feed/", {"q": "立法", **params})
    page = client.get("/search/", {"q": "立法", **params})
    assert feed.status_code == page.status_code == 400
    assert feed["Content-Type"] == "text/html; charset=utf-8"
    assert message in feed.content.decode()
    assert re.findall(r'class="search-message"[^>]*>(.*?)<', feed.content.decode()) == \
        re.findall(r'class="search-message"[^>]*>(.*?)<', page.content.decode())


def test_without_an_index_the_feed_says_to_come_back_rather_than_go_empty(client, lawmaking, settings):
    get_backend().close_searcher()
    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    response = client.get("/search/feed/", {"q": "立法"})
    assert response.status_code == 503 and response["Retry-After"] == "300"
    assert "索引正在重建" in response.content.decode()


def test_the_search_page_links_its_feed(client, lawmaking):
    html = client.get("/search/", {"q": "立法", "column": "documents", "sort": "oldest", "page": "2"}).content.decode()
    alternate = re.search(
        r'<link rel="alternate" type="application/rss\+xml" title="([^"]*)" href="(/search/feed/[^"]*)">', html)
    assert alternate and unescape(alternate.group(1)) == "搜索“立法”的最新结果"
    href = unescape(alternate.group(2))
    assert parse_qs(urlparse(href).query) == {"q": ["立法"], "column": ["documents"]}  # no page, no order
    assert f'<a href="{alternate.group(2)}" type="application/rss+xml">订阅这个搜索（RSS）</a>' in html
    assert len(rss(client.get(href))[1]) == 30
    empty = client.get("/search/").content.decode()
    assert "/search/feed/" not in empty


# --- OpenSearch ------------------------------------------------------------------------------------------------------


def test_opensearch_description(client, settings):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == settings.SITE_SHORT_NAME  # at most 16 characters
    urls = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert urls["text/html"] == "http://testserver/search/?q={searchTerms}"
    assert urls["application/rss+xml"] == "http://testserver/search/feed/?q={searchTerms}"
    assert urls["application/x-suggestions+json"] == (
        "http://testserver/search/suggest/?format=opensearch&q={searchTerms}")
    settings.SITE_SHORT_NAME = "平顶山市人民代表大会常务委员会网站"
    short = ET.fromstring(client.get("/opensearch.xml").content).findtext(f"{OPENSEARCH}ShortName")
    assert len(short) <= 16


def test_every_page_links_the_opensearch_description(client, lawmaking):
    link = ('<link rel="search" type="application/opensearchdescription+xml" title="平顶山人大" '
            'href="/opensearch.xml">')
    for url in ("/", "/columns/documents/", lawmaking[0].get_absolute_url(), "/search/?q=立法", "/no/such/page/"):
        assert link in client.get(url).content.decode(), url


def test_a_dated_search_counts_the_other_years_in_the_same_pass(client, sample, monkeypatch):
    passes, real = [], engine.run
    monkeypatch.setattr(engine, "run", lambda *args, **kwargs: passes.append(1) or real(*args, **kwargs))
    every_year = client.get("/search/", {"q": "人民"}).content.decode()
    one_year = client.get("/search/", {"q": "人民", "from": "2019-01-01", "to": "2019-12-31"}).content.decode()
    assert len(passes) == 2  # one a page: the chart of the dated one needed no search without its dates
    (bars, gaps), (dated_bars, dated_gaps) = chart_bars(every_year), chart_bars(one_year)
    assert [(y, n) for y, n, *_ in dated_bars] == [(y, n) for y, n, *_ in bars] and dated_gaps == gaps
    assert [y for y, *_, current in dated_bars if current] == [2019]
    undated = re.compile(r"另有 (\d+) 篇日期不详")
    assert undated.findall(one_year) == undated.findall(every_year) != []


# --- what a feed reader makes of a search's feed (feedparser) ------------------------------------------------------


def read(client, path, params=None):
    response = client.get(path, params or {})
    assert response.status_code == 200, response.content[:300]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def self_link(feed):
    link = next(link.href for link in feed.feed.links if link.rel == "self")
    return urlparse(link).path, parse_qs(urlparse(link).query)


def test_a_search_feed_links_itself_with_its_query_and_filters(client, lawmaking):
    feed = read(client, "/search/feed/", {"q": "立法", "column": "documents", "validity": "current"})
    assert self_link(feed) == ("/search/feed/", {"q": ["立法"], "column": ["documents"], "validity": ["current"]})
    alternate = urlparse(feed.feed.link)
    assert parse_qs(alternate.query) == {"q": ["立法"], "column": ["documents"], "validity": ["current"]}
    assert feed.feed.title.endswith("搜索：立法（公文发布，现行有效）")


def test_a_search_feed_without_a_query_or_filter_is_the_sites_feed(client, lawmaking, settings):
    feed, site = read(client, "/search/feed/"), read(client, "/feed/")
    assert [e.title for e in feed.entries] == [e.title for e in site.entries] and len(feed.entries) == 30
    assert feed.feed.title == site.feed.title == f"{settings.SITE_NAME} - 最新文章"
    assert self_link(feed) == ("/search/feed/", {})


def test_a_query_is_text_in_the_channel_title_and_description(client, lawmaking):
    hostile = '<img src=x onerror=alert(1)> & <b>立法</b>'
    response = client.get("/search/feed/", {"q": hostile})
    feed = feedparser.parse(response.content)
    for text in (feed.feed.title, feed.feed.description):
        assert "<" not in text and ">" not in text, text  # nothing a reader parses as markup, once or twice decoded
        assert "＜img src=x onerror=alert(1)＞ ＆ ＜b＞立法＜/b＞" in text
    assert b"<img" not in response.content and b"&lt;img" not in response.content
    assert self_link(feed)[1] == {"q": [hostile]}


def test_a_search_feeds_items_come_in_publication_order(client, lawmaking):
    """An old document put online today is news: first, as in the site's feed, whatever its document date."""
    old = make("1950年的立法决定", column="documents", date=datetime.date(1950, 1, 1))
    apply_pending()
    feed = read(client, "/search/feed/", {"q": "立法", "column": "documents"})
    assert feed.entries[0].title == "1950年的立法决定" and old.published_at
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True) and len(published) == 30


def test_descriptions_keep_their_paragraphs_escaped_once(client, lawmaking):
    make("立法的两段", body="第一段：a < b。\n\n第二段 <script>立法</script>。", date=datetime.date(2050, 1, 1))
    apply_pending()
    for path, params in (("/feed/", {}), ("/search/feed/", {"q": "立法的两段"})):
        entry = read(client, path, params).entries[0]
        assert entry.title == "立法的两段"
        if path == "/feed/":
            assert entry.summary == "<p>【2050年1月1日】第一段：a &lt; b。</p><p>第二段 &lt;script&gt;立法&lt;/script&gt;。</p>"
        else:  # the snippet around the match: one paragraph of its own after the date
            assert entry.summary.startswith("<p>【2050年1月1日】第一段：a &lt; b。")
            assert "&lt;script&gt;" in entry.summary and "<script" not in entry.summary


def test_a_speaker_or_meeting_with_drafts_only_is_unknown_everywhere(client):
    hidden = Speaker.objects.create(name="只有草稿的人")
    meeting = Meeting.objects.create(name="只有草稿的会议")
    make("草稿讲话", speaker=hidden, meeting=meeting, status=Article.Status.DRAFT)
    apply_pending()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:speaker_feed", args=[hidden.slug])).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    for name, value, message in (("speaker", hidden.slug, "没有“{}”这位发言人。"), ("meeting", meeting.slug, "没有“{}”这个会议。")):
        for path in ("/search/", "/search/feed/"):
            response = client.get(path, {name: value})
            assert response.status_code == 400 and message.format(value) in response.content.decode(), (path, name)
    make("公开讲话", speaker=hidden, meeting=meeting)
    assert client.get(reverse("documents:speaker_feed", args=[hidden.slug])).status_code == 200
    assert client.get("/search/", {"speaker": hidden.slug}).status_code == 200
    assert client.get("/search/", {"meeting": meeting.slug}).status_code == 200
