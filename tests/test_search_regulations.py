"""Search and regulations: the 时效性 filter and facet, the version in force first, the status of each result, and
results that link straight to the 条 holding the match."""

from urllib.parse import quote

import pytest

from documents.models import Article
from documents.search.index.queue import apply_pending

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db
TITLE = "上海市殡葬管理条例"
BODY = "第一章 总则\n\n第一条 为了加强殡葬管理。\n\n第二条 本市实行火葬和土葬改革。\n\n第三条 禁止在公墓以外的地方埋葬遗体。"


def law(date, title=TITLE, body=BODY, **fields):
    return make_article(title, column_slug="documents", date=date, issuer="上海", kind=Article.Kind.REGULATION,
                        body=body, **fields)


@pytest.fixture
def versions():
    # The older version is shorter, so its words weigh more: only its status puts it after the version in force.
    new = law((2024, 8, 22))
    old = law((2010, 9, 17), body="第一条 为了加强殡葬管理。")
    repealed = law((1997, 8, 20), title="上海市殡葬管理办法", body="第一条 为了管理殡葬。")
    law((2015, 1, 1), title="上海市殡葬服务条例", body="第九条 本条例自2015年1月1日起施行。《上海市殡葬管理办法》同时废止。")
    news = make_article("殡葬改革新闻", body="本市推进殡葬管理改革。")
    apply_pending()
    return new, old, repealed, news


def search(client, **params):
    response = client.get("/search/", {"format": "json", **params})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_the_version_in_force_comes_first_and_each_result_says_its_status(client, versions):
    new, old, _, _ = versions
    results = search(client, q="殡葬管理")["results"]
    assert [r["url"].split("#")[0] for r in results[:2]] == [f"/articles/{new.pk}/", f"/articles/{old.pk}/"]
    assert [r["validity"] for r in results[:2]] == ["current", "amended"]
    page = client.get("/search/", {"q": "殡葬管理"}).content.decode()
    assert '<span class="validity validity--amended">已被修改</span>' in page


def test_validity_filter_and_facet(client, versions):
    new, old, repealed, news = versions
    data = search(client, q="殡葬")
    facet = {f["value"]: (f["label"], f["count"]) for f in data["facets"]["validity"]}
    assert facet == {"current": ("现行有效", 2), "amended": ("已被修改", 1), "repealed": ("已废止", 1)}
    assert [r["title"] for r in search(client, q="殡葬", validity="repealed")["results"]] == ["上海市殡葬管理办法"]
    assert search(client, q="殡葬", validity="pending")["count"] == 0
    page = client.get("/search/", {"q": "殡葬"}).content.decode()
    assert "时效性" in page and "validity=amended" in page
    # Every version is searchable by default, and documents without a status too.
    assert data["count"] == 5


def test_a_bad_validity_is_a_chinese_400(client, versions):
    response = client.get("/search/", {"q": "殡葬", "validity": "valid", "format": "json"})
    assert response.status_code == 400 and "时效性" in response.json()["error"]


def test_a_result_links_to_the_clause_holding_the_match(client, versions):
    new, *_ = versions
    results = search(client, q="公墓以外", validity="current")["results"]
    assert results[0]["url"] == f"/articles/{new.pk}/#{quote('第三条')}"
    # A match in the title, outside the body's 条: the article itself.
    news = search(client, q="殡葬改革新闻")["results"]
    assert news[0]["url"].endswith("/") and "#" not in news[0]["url"]
