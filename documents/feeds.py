"""RSS feeds (Django's syndication framework): the whole site, each column, each speaker.

A feed says what appeared on the site: its items are the latest published (by publication time, newest first),
whatever their document date (an old regulation put online today is news to a subscriber). Each item shows its
document date in the description; pubDate is when it was published.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape

from . import pages
from .models import Column, Speaker

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
