"""sitemap.xml (django.contrib.sitemaps): every public page a search engine should know."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import pages
from ..models import Column


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return pages.public().only("id", "updated_at").order_by("id")

    def lastmod(self, article):
        return article.updated_at


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Column.objects.all()


class SpeakerSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return pages.speakers().only("id", "slug").order_by("id")


class MeetingSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return pages.meetings().only("id", "slug").order_by("id")


class PortalSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["documents:home", "documents:speaker_list", "documents:meeting_list", "documents:archive"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "portal": PortalSitemap,
    "columns": ColumnSitemap,
    "articles": ArticleSitemap,
    "speakers": SpeakerSitemap,
    "meetings": MeetingSitemap,
}
