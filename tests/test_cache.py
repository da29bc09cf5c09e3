"""The shared cache of public pages (documents/cache.py, retired by documents/cache_invalidation.py): hits cost no
query, changes show at once, staff bypass it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.archive import cache as page_cache
from documents.changes import cache_invalidation
from documents.models import Article, Attachment, Speaker

from .portal_helpers import make_article, page_text
from .staff_support import PASSWORD, staff_user

pytestmark = pytest.mark.django_db


def queries_of(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


@pytest.fixture
def articles():
    """Three published articles of 人大要闻, oldest first, and one of 公文发布."""
    news = [make_article(f"要闻{n}", date=(2022, 9, n)) for n in (1, 2, 3)]
    other = make_article("公文一", column_slug="documents", date=(2022, 9, 5))
    return news, other


def public_urls(news, other):
    speaker = Speaker.objects.create(name="张雷明")
    Article.objects.filter(pk=news[0].pk).update(speaker=speaker)  # no signal: set before anything is cached
    return [
        "/",
        reverse("documents:column", args=["news"]),
        reverse("documents:column", args=["news"]) + "?page=1",
        reverse("documents:column", args=["news"]) + "?format=json",
        news[1].get_absolute_url(),
        news[1].get_absolute_url() + "?format=json",
        reverse("documents:speaker_list"),
        reverse("documents:speaker", args=[speaker.slug]),
        reverse("documents:archive"),
        reverse("documents:archive_month", args=[2022, 9]),
        reverse("documents:feed"),
        reverse("documents:column_feed", args=["news"]),
        reverse("documents:sitemap"),
    ]


def test_second_request_is_served_without_queries(client, articles):
    for url in public_urls(*articles):
        first, first_queries = queries_of(client, url)
        second, second_queries = queries_of(client, url)
        assert first.status_code == second.status_code == 200, url
        assert first_queries > 0, url
        assert second_queries == 0, url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"]
        # Middleware headers are added to the cached response too.
        assert "Content-Security-Policy" in second and second["X-Frame-Options"] == "DENY"


def test_head_is_served_from_the_cache(client, articles):
    client.get("/")
    response, count = queries_of(client, "/", REQUEST_METHOD="HEAD")
    assert response.status_code == 200 and count == 0


@pytest.mark.parametrize(
    "suffix", ["?page=01", "?format=xml", "?utm_source=x", "?page=1&page=1", "?q=1"]
)
def test_other_query_strings_are_not_cached(client, articles, suffix):
    url = reverse("documents:column", args=["news"]) + suffix
    client.get(url)
    _, count = queries_of(client, url)
    assert count > 0


def test_hosts_and_schemes_get_their_own_entries(client, articles, settings):
    """Feeds and JSON carry absolute addresses."""
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    url = reverse("documents:feed")
    a = client.get(url, HTTP_HOST="a.example").content.decode()
    b = client.get(url, HTTP_HOST="b.example").content.decode()
    secure = client.get(url, HTTP_HOST="a.example", secure=True).content.decode()
    assert "http://a.example/" in a and "http://b.example/" in b and "https://a.example/" in secure


def test_errors_are_not_cached(client, articles):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_edit_shows_at_once_on_home_column_article_and_neighbours(client, articles):
    news, _ = articles
    urls = ["/", reverse("documents:column", args=["news"]), news[1].get_absolute_url(), news[0].get_absolute_url(),
            reverse("documents:feed")]
    for url in urls:
        assert "要闻2" in page_text(client.get(url)), url
    news[1].title = "改过的要闻"
    news[1].save()
    for url in urls:
        text = page_text(client.get(url))
        assert "改过的要闻" in text and "要闻2" not in text, url


def test_publish_unpublish_and_recycle(client, articles):
    news, _ = articles
    column_url = reverse("documents:column", args=["news"])
    neighbour = news[2].get_absolute_url()  # the newest: its "next" is whatever is published after it
    for url in ("/", column_url, neighbour):
        client.get(url)
    fresh = make_article("新发布的要闻", status=Article.Status.DRAFT, date=(2022, 9, 10))
    assert "新发布的要闻" not in page_text(client.get(column_url))

    fresh.status = Article.Status.PUBLISHED
    fresh.save()
    for url in ("/", column_url, neighbour, fresh.get_absolute_url()):
        assert "新发布的要闻" in page_text(client.get(url)), url

    fresh.status = Article.Status.DRAFT
    fresh.save()
    for url in ("/", column_url, neighbour):
        assert "新发布的要闻" not in page_text(client.get(url)), url
    assert client.get(fresh.get_absolute_url()).status_code == 404

    news[1].deleted_at = timezone.now()  # the admin's delete: into the recycle bin
    news[1].save()
    for url in ("/", column_url, news[0].get_absolute_url(), news[2].get_absolute_url()):
        assert "要闻2" not in page_text(client.get(url)), url
    assert client.get(news[1].get_absolute_url()).status_code == 404

    news[0].delete()  # deleted for good
    assert "要闻1" not in page_text(client.get(column_url))


def test_move_to_another_column_updates_both(client, articles):
    news, other = articles
    old_column = reverse("documents:column", args=["news"])
    new_column = reverse("documents:column", args=["documents"])
    for url in (old_column, new_column, news[0].get_absolute_url(), other.get_absolute_url()):
        client.get(url)
    news[1].column = other.column
    news[1].save()
    assert "要闻2" not in page_text(client.get(old_column))
    assert "要闻2" in page_text(client.get(new_column))
    # Its old neighbour now links past it; its new neighbour links to it.
    assert "要闻2" not in page_text(client.get(news[0].get_absolute_url()))
    assert "要闻2" in page_text(client.get(other.get_absolute_url()))


def test_other_columns_articles_stay_cached(client, articles):
    news, other = articles
    client.get(other.get_absolute_url())
    news[1].title = "改过的要闻"
    news[1].save()
    _, count = queries_of(client, other.get_absolute_url())
    assert count == 0


def test_speaker_column_and_attachment_changes(client, articles):
    news, _ = articles
    speaker = Speaker.objects.create(name="张雷明")
    news[1].speaker = speaker
    news[1].save()
    url = news[1].get_absolute_url()
    assert "张雷明" in page_text(client.get(url))
    speaker.name = "王某某"
    speaker.save()
    assert "王某某" in page_text(client.get(url))

    news[1].column.name = "本会要闻"
    news[1].column.save()
    assert "本会要闻" in page_text(client.get("/"))
    assert "本会要闻" in page_text(client.get(url))

    from django.core.files.base import ContentFile

    attachment = Attachment(article=news[1], title="附件甲.pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    assert "附件甲.pdf" in page_text(client.get(url))
    attachment.delete()
    assert "附件甲.pdf" not in page_text(client.get(url))


def test_logged_in_users_never_read_or_fill_the_cache(client, articles):
    news, _ = articles
    url = news[1].get_absolute_url()
    staff_user("editor")
    assert client.login(username="editor", password=PASSWORD)
    _, count = queries_of(client, url)
    _, again = queries_of(client, url)
    assert count > 0 and again > 0  # nothing stored for them
    client.logout()
    _, anonymous = queries_of(client, url)
    assert anonymous > 0  # and nothing left behind for the public
    _, anonymous_again = queries_of(client, url)
    assert anonymous_again == 0
    assert client.login(username="editor", password=PASSWORD)
    _, staff_after = queries_of(client, url)
    assert staff_after > 0  # a page cached for the public is not served to staff


def test_a_change_during_rendering_leaves_the_page_unstored(client, articles, monkeypatch):
    from documents.archive import pages

    home = pages.home

    def home_racing_a_save():
        context = home()
        cache_invalidation.bump([cache_invalidation.SITE])  # another worker saved an article meanwhile
        return context

    monkeypatch.setattr(pages, "home", home_racing_a_save)
    client.get("/")
    monkeypatch.setattr(pages, "home", home)
    _, count = queries_of(client, "/")
    assert count > 0
    _, count = queries_of(client, "/")
    assert count == 0


def test_pages_with_a_csrf_token_are_not_stored(rf, db):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    calls = []

    @page_cache.cached_page
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    for _ in range(2):
        with_token(rf.get("/x/"))
    assert len(calls) == 2


def test_evicted_tokens_only_cause_a_new_render(client, articles):
    from django.core.cache import cache

    client.get("/")
    cache.delete("pagegen:site")
    _, count = queries_of(client, "/")
    assert count > 0


def test_date_change_moves_article_between_archives(client, articles):
    news, _ = articles
    september = reverse("documents:archive_month", args=[2022, 9])
    client.get(september)
    news[1].date = datetime.date(2021, 5, 1)
    news[1].save()
    assert "要闻2" not in page_text(client.get(september))


def test_an_import_retires_cached_pages_once_at_the_end(client, articles, tmp_path, monkeypatch):
    import json

    from documents.ingest.importer import import_paths

    client.get("/")
    client.get(reverse("documents:column", args=["news"]))
    bumps = []
    real_bump = cache_invalidation.bump
    monkeypatch.setattr(cache_invalidation, "bump", lambda names: bumps.append(set(names)) or real_bump(names))
    records = [{"title": f"导入的新闻{n}", "date": f"2022-10-0{n}", "category": "人大要闻", "kind": "新闻",
                "body": "正文", "source": f"test:{n}"} for n in (1, 2, 3)]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")

    assert import_paths([path], status="published", progress=False).imported == 3
    assert len(bumps) == 1  # not one per document
    for url in ("/", reverse("documents:column", args=["news"])):
        assert "导入的新闻3" in page_text(client.get(url))


def queries_from(module):
    """A context whose list collects the SQL run from inside `module` (any frame of the call), with Django's
    execute_wrapper."""
    import contextlib
    import traceback

    found = []

    def wrapper(execute, sql, params, many, context):
        if any(frame.filename == module.__file__ for frame in traceback.extract_stack()):
            found.append(sql)
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def context():
        with connection.execute_wrapper(wrapper):
            yield found

    return context()


def test_an_import_asks_the_database_nothing_per_document_for_the_page_cache(client, articles, tmp_path):
    """Documents imported with a backup's attachments, then updated into another column: the pages of both
    columns are retired, and the invalidation side reads a query or two for the whole import (the articles'
    columns, the attachments' articles' columns), not one per document."""
    import json

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from documents.ingest.importer import import_paths

    name = default_storage.save("attachments/附件.txt", ContentFile("附件的文字".encode()))
    path = tmp_path / "news.jsonl"

    def import_records(category, update):
        records = [{"title": f"导入的文章{n}", "date": "2022-10-01", "category": category, "body": "正文",
                    "source": f"test:{n}", "attachments": [{"title": "附件.txt", "file": name}]} for n in range(4)]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
        return import_paths([path], status="published", progress=False, update=update)

    with queries_from(cache_invalidation) as found:
        assert import_records("人大要闻", update=False).imported == 4
    assert len(found) <= 2 and Attachment.objects.count() == 4

    news_page, documents_page = reverse("documents:column", args=["news"]), reverse("documents:column", args=["documents"])
    assert "导入的文章3" in page_text(client.get(news_page))
    assert "导入的文章3" not in page_text(client.get(documents_page))
    with queries_from(cache_invalidation) as found:
        assert import_records("公文发布", update=True).updated == 4
    assert len(found) <= 1
    assert "导入的文章3" not in page_text(client.get(news_page))
    assert "导入的文章3" in page_text(client.get(documents_page))
