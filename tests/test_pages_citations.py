"""Citations on the portal: links in the body, 本文引用 and 被引用 on the article page, the full 被引用 list, the JSON,
and cached pages that follow changes of the documents they link."""

import datetime
import re

import pytest

from documents.models import Article

from .portal_helpers import make_article, page_text

pytestmark = pytest.mark.django_db


def links(response):
    return re.findall(r'<a href="(/articles/[^"]*)">([^<]*)</a>', response.content.decode())


def body_links(response):
    body = re.search(r'<div class="article-body"[^>]*>(.*?)</div>', response.content.decode(), re.S).group(1)
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', body)


def test_the_body_links_citations_and_the_page_lists_them_both_ways(client):
    law = make_article("中华人民共和国立法法", column_slug="documents", date=(2023, 3, 13),
                       body="第八十条 甲。\n\n第八十一条 乙。")
    rule = make_article("平顶山市制定地方性法规条例", date=(2023, 6, 1),
                        body="根据《中华人民共和国立法法》第八十一条和《立法法》，结合《平顶山市实际情况说明》，制定本条例。")
    response = client.get(rule.get_absolute_url())
    assert response.status_code == 200
    anchor = "%E7%AC%AC%E5%85%AB%E5%8D%81%E4%B8%80%E6%9D%A1"  # 第八十一条
    assert body_links(response) == [
        (f"/articles/{law.pk}/#{anchor}", "《中华人民共和国立法法》第八十一条"),
        (f"/articles/{law.pk}/", "《立法法》"),
    ]
    assert "本文引用 中华人民共和国立法法 2023年3月13日" in page_text(response)
    cited = client.get(law.get_absolute_url())
    assert "被引用（1 篇） 平顶山市制定地方性法规条例 2023年6月1日" in page_text(cited)
    assert "查看全部" not in page_text(cited)


def test_bad_citations_leave_plain_text_and_no_error(client):
    for part in ("总则", "物权编"):
        make_article("中华人民共和国民法典", subtitle=part, date=(2021, 1, 1))
    odd = make_article(
        "上海市消防条例",
        body="《上海市消防条例》《不在档案中的法》《中华人民共和国民法典》第一千一百六十五条《》《未闭合",
    )
    response = client.get(odd.get_absolute_url())
    assert response.status_code == 200
    assert body_links(response) == []
    assert "本文引用" not in page_text(response) and "被引用" not in page_text(response)


def test_more_than_a_page_of_citing_documents_links_to_the_full_list(client):
    law = make_article("中华人民共和国治安管理处罚法", date=(2012, 10, 26))
    for day in range(1, 26):
        make_article(f"引用者{day:02d}", column_slug="documents" if day % 2 else "news", date=(2020, 1, day),
                     body="依照《治安管理处罚法》处罚。")
    make_article("草稿引用者", status=Article.Status.DRAFT, body="依照《治安管理处罚法》处罚。")
    text = page_text(client.get(law.get_absolute_url()))
    assert "被引用（25 篇） 引用者25" in text and "引用者06" in text and "引用者05" not in text
    assert "查看全部 25 篇引用本文的文件" in text

    full = client.get(f"/articles/{law.pk}/cited-by/")
    assert full.status_code == 200
    full_text = page_text(full)
    assert "引用《中华人民共和国治安管理处罚法》的文件 共 25 篇，新的在前。 引用者25" in full_text
    assert "第 1 页 / 共 2 页" in full_text and "草稿引用者" not in full_text
    second = page_text(client.get(f"/articles/{law.pk}/cited-by/?page=2"))
    assert "引用者05" in second and "引用者01" in second and "引用者06" not in second
    assert client.get(f"/articles/{law.pk}/cited-by/?page=3").status_code == 404


def test_cited_by_page_of_a_draft_or_unknown_article_is_404(client):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    assert client.get(f"/articles/{draft.pk}/cited-by/").status_code == 404
    assert client.get("/articles/999999/cited-by/").status_code == 404


def test_json_carries_cites_and_cited_by(client):
    law = make_article("中华人民共和国立法法", date=(2023, 3, 13), body="第三条 甲。")
    rule = make_article("条例", date=(2023, 6, 1), body="根据《立法法》第3条。")
    data = client.get(f"/articles/{rule.pk}/?format=json").json()
    assert data["cites"] == [{"url": f"http://testserver/articles/{law.pk}/", "title": "中华人民共和国立法法",
                              "date": "2023-03-13", "date_display": "2023年3月13日", "version": "in_force"}]
    assert data["cited_by"] == [] and data["cited_by_count"] == 0
    assert f'<a href="/articles/{law.pk}/#%E7%AC%AC%E4%B8%89%E6%9D%A1">《立法法》第3条</a>' in data["body_html"]

    data = client.get(f"/articles/{law.pk}/?format=json").json()
    assert data["cites"] == []
    assert data["cited_by"] == [{"url": f"http://testserver/articles/{rule.pk}/", "title": "条例",
                                 "date": "2023-06-01", "date_display": "2023年6月1日", "version": "in_force"}]
    assert data["cited_by_count"] == 1
    assert data["cited_by_url"] == f"http://testserver/articles/{law.pk}/cited-by/?format=json"
    listing = client.get(data["cited_by_url"]).json()
    assert listing["count"] == 1 and listing["results"] == data["cited_by"]
    assert listing["article"]["title"] == "中华人民共和国立法法"


def test_cached_pages_follow_the_documents_they_link(client):
    """Pages are cached (anonymous client); a change in another column must still show on them."""
    rule = make_article("条例", column_slug="news", body="根据《平顶山市城市绿化条例》。")
    assert body_links(client.get(rule.get_absolute_url())) == []
    # A newly added title: the citing page gains its link.
    law = make_article("平顶山市城市绿化条例", column_slug="documents")
    assert body_links(client.get(rule.get_absolute_url())) == [(law.get_absolute_url(), "《平顶山市城市绿化条例》")]
    assert "被引用（1 篇）" in page_text(client.get(law.get_absolute_url()))
    # The citing document renamed, then deleted for good: the cited page's list follows.
    rule.title = "改名后的条例"
    rule.save()
    assert "改名后的条例" in page_text(client.get(law.get_absolute_url()))
    assert "改名后的条例" in page_text(client.get(f"/articles/{law.pk}/cited-by/"))
    rule.delete()
    assert "被引用" not in page_text(client.get(law.get_absolute_url()))
    # The cited document unpublished: the citing page loses its link.
    other = make_article("又一条例", column_slug="news", date=(2022, 1, 1), body="根据《平顶山市城市绿化条例》。")
    assert len(body_links(client.get(other.get_absolute_url()))) == 1
    law.deleted_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    law.save()
    assert body_links(client.get(other.get_absolute_url())) == []


def test_titles_with_markup_are_matched_as_text_and_shown_escaped(client):
    payload = '<img src=x onerror=alert(1)>条例'
    law = make_article(payload, body="第一条 甲。")
    citing = make_article('"><script>alert(2)</script>', body=f"根据《{payload}》第1条。")
    page = client.get(citing.get_absolute_url()).content.decode()
    assert f'<a href="/articles/{law.pk}/#%E7%AC%AC%E4%B8%80%E6%9D%A1">《&lt;img src=x onerror=alert(1)&gt;条例》第1条</a>' in page
    cited = client.get(law.get_absolute_url()).content.decode()
    for html in (page, cited):
        assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in cited
