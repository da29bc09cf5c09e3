"""RSS feeds (Django's syndication framework): the whole site, each column, each speaker, any search.

A feed says what appeared on the site: its items are the latest published (by publication time, newest first),
whatever their document date (an old regulation put online today is news to a subscriber). Each item shows its
document date in the description, in HTML paragraphs as readers show them; pubDate is when it was published. What a
reader typed (a search's query, a filter's name) goes into a channel's title as text no reader can take for markup.
"""

import html
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
from ..search.parsing import MAX_QUERY_CHARS
from ..search.query import CUT_MESSAGE

FEED_ITEMS = 30
SUMMARY_CHARS = 200
# Readers render a channel's title and description as HTML whatever RSS says: the characters of markup are written
# as their full-width forms, which read the same and mean nothing to a parser.
_AS_TEXT = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def as_text(value):
    """What a reader typed, for a channel's title or description: shown as typed, never parsed as markup."""
    return str(value).translate(_AS_TEXT)


def paragraphs(text, lead=""):
    """Plain text as HTML paragraphs (a reader shows a description as HTML), escaped once; `lead` opens the first."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    lines[0] = lead + lines[0]
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


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
        # The start of the text in its paragraphs, after the document's date.
        more = "……" if len(item.summary) == SUMMARY_CHARS else ""
        return paragraphs(item.summary + more, lead=f"【{item.date_display}】")

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
        # A speaker with no published article is unknown to the public, as on their page and in search.
        return get_object_or_404(pages.speakers(), slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME} - {obj.name}的讲话和报告"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"{obj.name}的讲话、报告等文章"

    def filter_items(self, queryset, obj):
        return queryset.filter(speaker=obj)


class SearchFeed(LatestFeed):
    """A search's matching documents in the order they were published, as the site's feed, so that a reader can
    follow a query with its filters. Called by search_views.py with the validated form and the results (the search's
    newest matches by document date, up to query.MAX_PER_PAGE: the items are the FEED_ITEMS published last of
    them)."""

    def get_object(self, request, form, results):
        published = dict(public_published_at([hit.pk for hit in results.hits]))
        for hit in results.hits:
            hit.published_at = published.get(hit.pk)
        hits = sorted((hit for hit in results.hits if hit.published_at), key=lambda hit: hit.published_at,
                      reverse=True)
        return {"hits": hits[:FEED_ITEMS], "params": search_params(form.cleaned_data),
                "described": describe_search(form.cleaned_data), "cut": results.cut}

    def title(self, obj):
        return f"{settings.SITE_NAME} - 搜索：{as_text(obj['described'])}"

    def link(self, obj):
        return reverse("documents:search") + "?" + urlencode(obj["params"])

    def feed_url(self, obj):
        return reverse("documents:search_feed") + "?" + urlencode(obj["params"])

    def description(self, obj):
        described = f"{settings.SITE_NAME}网站上与“{as_text(obj['described'])}”相符的最新文章"
        return f"{described}。{CUT_MESSAGE}" if obj["cut"] else described

    def items(self, obj):
        return obj["hits"]

    def item_link(self, hit):
        return hit.url

    def item_description(self, hit):
        # The snippet is escaped text with the matched characters in <em>: its text, after the document's date.
        return paragraphs(html.unescape(strip_tags(hit.snippet)), lead=f"【{hit.date}】")


def public_published_at(ids):
    return pages.public().filter(pk__in=ids).values_list("pk", "published_at")


def search_params(data):
    """The query string of a search (its query and filters) from the search form's cleaned data."""
    params = {"q": data["q"], "column": data["column"], "kind": data["kind"], "speaker": data["speaker"],
              "meeting": data["meeting"], "validity": data["validity"], "from": data["date_from"] or "",
              "to": data["date_to"] or ""}
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
        dict(Article.Validity.choices).get(data["validity"], ""),
        (f"{dates.format_partial_date(start, dates.DAY)}起" if start else "")
        + (f"{dates.format_partial_date(end, dates.DAY)}止" if end else ""),
    ]
    names = [name for name in names if name]
    query = data["q"][:MAX_QUERY_CHARS] or "全部文章"
    return f"{query}（{'，'.join(names)}）" if names else query
