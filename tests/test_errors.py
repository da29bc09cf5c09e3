"""Error pages (400, 403, 405, 500) in Chinese with the site's frame, and GET/HEAD only on every public page."""

import pytest
from django.test import Client
from django.urls import get_resolver

from documents.common import dates
from documents.models import Article, Meeting
from documents.search.index.queue import apply_pending

from .portal_helpers import make_article, page_text, seed_speech

pytestmark = pytest.mark.django_db


def assert_site_page(response, status, *phrases):
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    text = page_text(response)
    for phrase in phrases:
        assert phrase in text, phrase
    assert "当前位置" in text and "豫ICP备15017033号" in text  # the site's frame, from settings
    assert "Bad Request" not in text and "Forbidden" not in text


@pytest.mark.parametrize("url", ["/", "/search/?q=人大", "/feed/", "/articles/1/", "/no/such/page/"])
def test_a_host_that_is_not_the_sites_gets_the_chinese_400(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_HOST="evil.example")
    assert_site_page(response, 400, "请求有误", "不是本网站的地址")
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/search/", "/columns/news/", "/feed/"])
def test_more_than_a_thousand_parameters_get_the_chinese_400(client, url):
    query = "&".join(f"p{n}=1" for n in range(1001))
    assert_site_page(client.get(f"{url}?{query}"), 400, "请求有误", "参数太多")
    assert client.get(f"{url}?{'&'.join(f'p{n}=1' for n in range(3))}").status_code == 200


def test_permission_denied_is_the_chinese_403(rf):
    from documents.archive.errors import permission_denied

    assert_site_page(permission_denied(rf.get("/")), 403, "无法访问", "没有访问这个页面的权限")


def test_a_form_without_its_token_gets_the_chinese_403():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})
    assert_site_page(response, 403, "无法访问", "表单已过期")


def public_urls(tmp_media):
    """One URL of every public URL family (documents.archive.urls and /media/), with the data each needs."""
    speech = seed_speech()
    meeting = Meeting.objects.create(name="第五次会议")
    # Two versions of one regulation: two different texts (one text filed twice is one version).
    old, new = (make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, date=date, body=f"第一条 绿化{date[0]}。")
                for date in ((2010, 1, 1), (2020, 1, 1)))
    make_article("会议文章", meeting=meeting)
    make_article("日期不详的文章", date=None, precision=dates.UNKNOWN)
    (tmp_media / "images").mkdir(parents=True)
    (tmp_media / "images" / "a.png").write_bytes(b"\x89PNG")
    speaker = speech.speaker.slug
    apply_pending()  # the search index (without one the search feed answers 503: see test_search_follow.py)
    return {
        "home": "/",
        "column": "/columns/news/",
        "column_feed": "/columns/news/feed/",
        "article": speech.get_absolute_url(),
        "cited_by": f"{speech.get_absolute_url()}cited-by/",
        "comparison": f"/articles/{old.pk}/compare/{new.pk}/",
        "clause_history": f"/articles/{new.pk}/provisions/第一条/history/",
        "speaker_list": "/speakers/",
        "speaker": f"/speakers/{speaker}/",
        "speaker_feed": f"/speakers/{speaker}/feed/",
        "meeting_list": "/meetings/",
        "meeting": meeting.get_absolute_url(),
        "archive": "/archive/",
        "archive_year": "/archive/2022/",
        "archive_month": "/archive/2022/09/",
        "archive_undated": "/archive/undated/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "robots_txt": "/robots.txt",
        "search": "/search/?q=讲话",
        "search_feed": "/search/feed/?q=讲话",
        "search_suggest": "/search/suggest/?q=讲话",
        "opensearch": "/opensearch.xml",
        "media": "/media/images/a.png",
    }


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_every_public_url_family_is_checked(tmp_media):
    names = {pattern.name for pattern in get_resolver("documents.archive.urls").url_patterns} | {"media"}
    assert names == set(public_urls(tmp_media))


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "POST", "PUT", "PATCH", "DELETE"])
def test_public_pages_answer_get_and_head_only(client, tmp_media, method):
    for name, url in public_urls(tmp_media).items():
        assert client.get(url).status_code == 200, name
        assert client.head(url).status_code == 200, name
        response = client.generic(method, url)
        assert response["Allow"] == "GET, HEAD", name
        assert_site_page(response, 405, "不支持的请求方式", f"不接受 {method} 请求")
