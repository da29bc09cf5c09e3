"""RSS feeds (Django's syndication framework): the whole site, each column, each speaker, any search.

A feed says what appeared on the site: its items are the latest published (by publication time, newest first),
whatever their document date (an old regulation put online today is news to a subscriber). Each item shows its
document date in the description; pubDate is when it was published.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape, strip_tags

from ..common import dates
from . import pages
from ..models import Article, Column, Meeting, Speaker
from ..common.limits import MAX_QUERY_CHARS

FEED_ITEMS = 30
SUMMARY_CHARS = 200


class LatestFeed(Feed):
    language = "zh-cn"

    def title(self, obj=None):
        return f"{settings.SITE_NAME} - 最新文章"

    def link(self, obj=None):
        return reverse("documents:home")

    def description(self, obj=None):
        return f"{settings.SITE_NAME}网站最新发布的文章"

    def filter_items(self, queryset, obj):
        return queryset

    def items(self, obj=None):
        articles = self.filter_items(pages.public(), obj)
        # Only the start of the text: a law's full text can weigh a megabyte.
        return (
            pages.recently_published(articles)
            .annotate(summary=Substr("text", 1, SUMMARY_CHARS))
            .only("id", "title", "date", "date_precision", "published_at")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers show a description as HTML: plain text, escaped, after the document's date.
        return f"【{item.date_display}】" + escape(item.summary) + ("……" if len(item.summary) == SUMMARY_CHARS else "")

    def item_pubdate(self, item):
        return item.published_at


class ColumnFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Column, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME} - {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"{settings.SITE_NAME}“{obj.name}”栏目的最新文章"

    def filter_items(self, queryset, obj):
        return queryset.filter(column=obj)


class SpeakerFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Speaker, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME} - {obj.name}的讲话和报告"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"{obj.name}的讲话、报告等文章"

    def filter_items(self, queryset, obj):
        return queryset.filter(speaker=obj)


class SearchFeed(LatestFeed):
    """A search's newest matching documents (the search's newest-first order, by document date), so that a reader
    can follow a query with its filters. Called by search/views.py with the validated form and the results."""

    def get_object(self, request, form, results):
        published = dict(public_published_at([hit.pk for hit in results.hits]))
        for hit in results.hits:
            hit.published_at = published.get(hit.pk)
        return {"hits": results.hits, "params": search_params(form.cleaned_data),
                "described": describe_search(form.cleaned_data)}

    def title(self, obj):
        return f"{settings.SITE_NAME} - 搜索：{obj['described']}"

    def link(self, obj):
        return reverse("documents:search") + "?" + urlencode(obj["params"])

    def description(self, obj):
        return f"{settings.SITE_NAME}网站上与“{obj['described']}”相符的最新文章"

    def items(self, obj):
        return obj["hits"]

    def item_link(self, hit):
        return hit.url

    def item_description(self, hit):
        # The snippet is escaped text with the matched characters in <em>: the text alone, as the other feeds.
        return f"【{hit.date}】{strip_tags(hit.snippet)}"


def public_published_at(ids):
    return pages.public().filter(pk__in=ids).values_list("pk", "published_at")


def search_params(data):
    """The query string of a search (its query and filters) from the search form's cleaned data."""
    params = {"q": data["q"], "column": data["column"], "kind": data["kind"], "speaker": data["speaker"],
              "meeting": data["meeting"], "from": data["date_from"] or "", "to": data["date_to"] or ""}
    return {name: value for name, value in params.items() if value}


def describe_search(data):
    """The query and its filters in words: 立法（公文发布，2020年1月1日起）."""
    kinds = dict(Article.Kind.choices)
    start, end = data["date_from"], data["date_to"]
    names = [
        Column.objects.filter(slug=data["column"]).values_list("name", flat=True).first() if data["column"] else "",
        kinds.get(data["kind"], ""),
        Speaker.objects.filter(slug=data["speaker"]).values_list("name", flat=True).first() if data["speaker"] else "",
        Meeting.objects.filter(slug=data["meeting"]).values_list("name", flat=True).first() if data["meeting"] else "",
        (f"{dates.format_partial_date(start, dates.DAY)}起" if start else "")
        + (f"{dates.format_partial_date(end, dates.DAY)}止" if end else ""),
    ]
    names = [name for name in names if name]
    query = data["q"][:MAX_QUERY_CHARS] or "全部文章"
    return f"{query}（{'，'.join(names)}）" if names else query
