"""RSS feeds, sitemap.xml and robots.txt parse and list only public documents."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from documents.models import Article

from .portal_helpers import SEED_TITLE, make_article, seed_speech

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.find("channel/title").text
    return root.find("channel"), root.findall("channel/item")


def test_site_feed(client, settings):
    speech = seed_speech()
    make_article("更新的文章", date=(2023, 1, 1), body="很长的正文" * 100)
    make_article("草稿", status=Article.Status.DRAFT)
    channel, items = rss_items(client, "/feed/")
    assert settings.SITE_NAME in channel.find("title").text
    assert [item.find("title").text for item in items] == ["更新的文章", SEED_TITLE]
    assert items[1].find("link").text == f"http://testserver{speech.get_absolute_url()}"
    assert items[1].find("description").text.startswith("<p>【2022年9月22日】市委召开这次人大工作会议")
    summary = items[0].find("description").text.removeprefix("<p>【2023年1月1日】").removesuffix("</p>")
    assert summary.endswith("……") and len(summary) == 202


def test_feeds_list_what_was_published_last_first(client):
    """A feed is what appeared on the site: an old or undated document published today comes first, with its
    document date in the description and its publication time as pubDate."""
    for day in range(1, 31):
        make_article(f"旧文{day}", date=(2024, 1, day))
    old_law = make_article("1990年的条例", date=(1990, 5, 1))
    undated = make_article("日期不详的决定", date=None)
    Article.objects.filter(pk=undated.pk).update(published_at=undated.published_at + datetime.timedelta(seconds=1))
    for url in ("/feed/", "/columns/news/feed/"):
        _, items = rss_items(client, url)
        assert len(items) == 30
        assert [item.find("title").text for item in items[:3]] == ["日期不详的决定", "1990年的条例", "旧文30"]
        assert items[0].find("description").text == "<p>【日期不详】正文。</p>"
        assert items[1].find("description").text == "<p>【1990年5月1日】正文。</p>"
        published = old_law.published_at.astimezone(datetime.timezone.utc)
        assert items[1].find("pubDate").text == published.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_column_and_speaker_feeds(client):
    speech = seed_speech()
    make_article("监督文章", column_slug="supervision")
    channel, items = rss_items(client, "/columns/supervision/feed/")
    assert "监督工作" in channel.find("title").text and [i.find("title").text for i in items] == ["监督文章"]
    channel, items = rss_items(client, f"{speech.speaker.get_absolute_url()}feed/")
    assert "张雷明" in channel.find("title").text and [i.find("title").text for i in items] == [SEED_TITLE]
    assert client.get("/columns/nothing/feed/").status_code == 404
    assert client.get("/speakers/nobody/feed/").status_code == 404


def test_sitemap(client):
    speech = seed_speech()
    draft = make_article("草稿", status=Article.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert f"http://testserver{speech.get_absolute_url()}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations
    assert "http://testserver/" in locations and "http://testserver/columns/news/" in locations
    assert f"http://testserver{speech.speaker.get_absolute_url()}" in locations
