"""The public addresses of the archive: pages, feeds, the sitemap, robots.txt, search and its feed and suggestions."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, sitemaps, views
from .cache import cached_page
from .errors import safe_methods_only
from . import search_views


class YearConverter:
    regex = r"[0-9]{4}"
    to_python = int

    def to_url(self, value):
        return f"{value:04d}"


class MonthConverter:
    """01 to 12 (9 also accepted); reversed as two digits: /archive/2022/09/."""

    regex = r"0?[1-9]|1[0-2]"
    to_python = int

    def to_url(self, value):
        return f"{value:02d}"


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

app_name = "documents"

urlpatterns = [
    # Portal pages, GET and HEAD only (documents.archive.errors); every list and article page also answers ?format=json.
    path("", views.home, name="home"),
    path("columns/<slug:slug>/", views.column, name="column"),
    path("columns/<slug:slug>/feed/", safe_methods_only(cached_page(feeds.ColumnFeed())), name="column_feed"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("articles/<int:pk>/cited-by/", views.cited_by, name="cited_by"),
    path("articles/<int:pk>/compare/<int:other>/", views.comparison, name="comparison"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<str:slug>/", views.speaker, name="speaker"),
    path("speakers/<str:slug>/feed/", safe_methods_only(cached_page(feeds.SpeakerFeed())), name="speaker_feed"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<str:slug>/", views.meeting, name="meeting"),
    path("archive/", views.archive, name="archive"),
    path("archive/undated/", views.archive_undated, name="archive_undated"),
    path("archive/<year:year>/", views.archive, name="archive_year"),
    path("archive/<year:year>/<month:month>/", views.archive, name="archive_month"),
    path("feed/", safe_methods_only(cached_page(feeds.LatestFeed())), name="feed"),
    path("sitemap.xml", safe_methods_only(cached_page(sitemap_views.sitemap)), {"sitemaps": sitemaps.SITEMAPS},
         name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The search page and its JSON twin live beside the search engine (documents/search/views.py), with a
    # search's feed and the search box's suggestions: not in the page cache (any query string is a new page;
    # the feed also follows the index, which is brought up to date after the change that retires cached pages).
    path("search/", search_views.search_page, name="search"),
    path("search/feed/", search_views.search_feed, name="search_feed"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("opensearch.xml", search_views.opensearch, name="opensearch"),
]
