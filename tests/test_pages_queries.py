"""No N+1: every page runs the same number of SQL queries with 3 documents as with 30."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Attachment, Meeting, Speaker

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db

COLUMNS = ["news", "notices", "supervision", "documents"]


def fill(n):
    """n published documents spread over columns, speakers, meetings and dates, some with attachments."""
    speakers = [Speaker.objects.get_or_create(name=f"发言人{i}")[0] for i in range(3)]
    meetings = [Meeting.objects.get_or_create(name=f"会议{i}", defaults={"date": datetime.date(2022, 1, i + 1)})[0]
                for i in range(3)]
    for i in range(n):
        article = make_article(
            f"文章{i}",
            column_slug=COLUMNS[i % len(COLUMNS)],
            date=(2022, 9, 1 + i % 28),
            speaker=speakers[i % 3],
            meeting=meetings[i % 3],
            amendments=[{"date": "2022-09-22", "event": "通过"}],
        )
        if i % 2:
            Attachment.objects.create(article=article, file=SimpleUploadedFile(f"附件{i}.txt", b"x"))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


URLS = [
    "/",
    "/?format=json",
    "/columns/news/",
    "/columns/news/?format=json",
    "/speakers/",
    "/speakers/?format=json",
    "/speakers/{speaker}/",
    "/speakers/{speaker}/?format=json",
    "/meetings/",
    "/meetings/{meeting}/",
    "/meetings/{meeting}/?format=json",
    "/archive/",
    "/archive/2022/",
    "/archive/2022/09/",
    "/archive/2022/09/?format=json",
    "/feed/",
    "/columns/news/feed/",
    "/speakers/{speaker}/feed/",
    "/sitemap.xml",
]


def resolve(url):
    return url.format(speaker=Speaker.objects.get(name="发言人1").slug, meeting=Meeting.objects.get(name="会议1").slug)


def test_list_pages_query_counts_do_not_grow(client):
    fill(3)
    small = {url: count_queries(client, resolve(url)) for url in URLS}
    fill(30)
    large = {url: count_queries(client, resolve(url)) for url in URLS}
    assert large == small


def test_article_page_query_count_is_fixed(client):
    fill(3)
    first = make_article("被看的文章", date=(2022, 9, 15), body="依据《文章0》第1条。")
    Attachment.objects.create(article=first, file=SimpleUploadedFile("a.txt", b"x"))
    make_article("引用者", body="根据《被看的文章》。")
    small = [count_queries(client, first.get_absolute_url()), count_queries(client, f"/articles/{first.pk}/?format=json")]
    fill(30)
    for i in range(5):
        Attachment.objects.create(article=first, file=SimpleUploadedFile(f"b{i}.txt", b"x"))
    # More citations both ways, more citing documents than the page lists.
    first.set_plain_text_body("".join(f"依据《文章{i}》第{i + 1}条。" for i in range(12)))
    first.save()
    for i in range(25):
        make_article(f"引用者{i}", body="根据《被看的文章》。")
    large = [count_queries(client, first.get_absolute_url()), count_queries(client, f"/articles/{first.pk}/?format=json")]
    assert large == small
    # The article with its column, speaker and meeting; attachments; previous; next; related documents; the
    # documents it cites; the anchors of those cited with a 条; those citing it, with their number; navigation.
    assert small[0] == 9


def test_cited_by_page_query_count_is_fixed(client):
    cited = make_article("被引用的条例")
    make_article("引用者", body="根据《被引用的条例》。")
    url = f"/articles/{cited.pk}/cited-by/"
    small = [count_queries(client, url), count_queries(client, url + "?format=json")]
    for i in range(30):
        make_article(f"引用者{i}", body="根据《被引用的条例》。", column_slug=COLUMNS[i % len(COLUMNS)])
    large = [count_queries(client, url), count_queries(client, url + "?format=json"),
             count_queries(client, url + "?page=2")]
    assert large == small + small[:1]
