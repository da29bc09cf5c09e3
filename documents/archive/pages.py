"""What the portal pages show: plain query functions shared by the views, the JSON API, the feeds and the admin preview.

Each function runs a fixed number of SQL queries whatever the number of documents (tests count them).
"""

import calendar
import datetime
import itertools
from collections import Counter
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, DateField, F, Field, Func, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import GreaterThan, LessThan
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..legislation import clause_history, cited_version, compare, regulations, structure
from ..common import dates
from ..legislation.citations import anchored_keys, link_citations
from ..models import Article, Citation, Column, Meeting, Speaker

PER_PAGE = 20
HOME_NOTICES = 6
HOME_PICTURES = 4
HOME_PER_COLUMN = 6
CITED_BY_ON_ARTICLE = 20

# A list row needs only these; body and text can weigh megabytes (laws).
LIST_FIELDS = ("id", "title", "date", "date_precision", "pinned", "kind", "validity", "column__name", "column__slug")
# Lists of citations read articles by primary key, not from a covering index: only columns stored before the body
# (SQLite reads a row up to the last column asked for; status, pinned and column_id come after the body).
CITATION_FIELDS = ("id", "title", "date", "date_precision")


def public():
    return Article.objects.published()


def as_list(queryset):
    return queryset.select_related("column").only(*LIST_FIELDS)


def chronological(queryset):
    """Newest first without the pinned-first rule (speaker, meeting and date pages, feeds)."""
    return queryset.order_by(F("date").desc(nulls_last=True), "-id")


def recently_published(queryset):
    """Latest published first, whatever the document date (feeds): on the portal_published index."""
    return queryset.order_by(F("published_at").desc(nulls_last=True), "-id")


def get_page(queryset, number, per_page=PER_PAGE):
    """Page `number` (from the query string; default 1). Page 0, past the end or not a number: 404."""
    try:
        return Paginator(queryset, per_page).page(number or 1)
    except InvalidPage:
        raise Http404("没有这一页") from None


def home():
    # One query for all columns: the navigation, the main columns' boxes and the notices box.
    columns = list(Column.objects.all())
    navigation = [column for column in columns if column.in_navigation]
    notices_column = next((c for c in columns if c.slug == settings.NOTICE_COLUMN_SLUG), None)
    notices = []
    if notices_column is not None:
        notices = list(as_list(public().filter(column=notices_column).newest_first())[:HOME_NOTICES])
    pictures = list(
        public()
        .filter(cover_image__gt="")  # a range the portal_cover index answers; != would scan
        .newest_first()
        .only("id", "title", "date", "date_precision", "cover_image", "cover_alt")[:HOME_PICTURES]
    )
    # The latest few of every navigation column in one query: rank rows within their column (on the
    # portal_column index alone), then read just the winners.
    winners = (
        public()
        .filter(column__in=navigation)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("column_id"),
                order_by=[F("pinned").desc(), F("date").desc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(rank__lte=HOME_PER_COLUMN)
        .values("id")
    )
    latest = (
        Article.objects.filter(id__in=winners)
        .order_by("column_id", "-pinned", F("date").desc(nulls_last=True), "-id")
        .only("id", "title", "date", "date_precision", "pinned", "validity", "column_id")
    )
    by_column = {
        column_id: list(rows) for column_id, rows in itertools.groupby(latest, key=lambda a: a.column_id)
    }
    sections = [(column, by_column[column.id]) for column in navigation if column.id in by_column]
    return {
        "nav_columns": navigation,
        "nav_current": "home",
        "notices_column": notices_column,
        "notices": notices,
        "pictures": pictures,
        "sections": sections,
    }


def column_articles(column, validity=""):
    """The column's list, or only its documents of one 时效性 (portal_column_validity answers that)."""
    articles = public().filter(column=column)
    if validity:
        articles = articles.filter(validity=validity)
    return as_list(articles.newest_first())


def column_has_validity(column):
    """Whether the column holds documents with a 时效性 (its page then offers the filter)."""
    return public().filter(column=column).exclude(validity="").exists()


class _Row(Func):
    """A row value such as (date, id), compared whole: an index on those columns reads `(date, id) < (d, n)` as a
    range on both databases, where the same comparison spelt as an OR is a filter over the column's rows."""

    template = "(%(expressions)s)"
    output_field = Field()


def _neighbours(article):
    """The published articles just before (older) and after (newer) `article` in its column."""
    siblings = public().filter(column_id=article.column_id).only("id", "title", "date", "date_precision")
    if article.date is None:
        # Unknown dates sort before all known ones.
        older = siblings.filter(date__isnull=True, id__lt=article.pk).order_by("-id").first()
        newer = siblings.filter(Q(date__isnull=True, id__gt=article.pk) | Q(date__isnull=False)).order_by(
            F("date").asc(nulls_first=True), "id"
        ).first()
        return older, newer
    here = _Row(Value(article.date, output_field=DateField()), Value(article.pk))
    older = siblings.filter(LessThan(_Row(F("date"), F("id")), here)).order_by(
        F("date").desc(nulls_last=True), "-id").first()
    if older is None:  # the oldest dated one: the undated come next
        older = siblings.filter(date__isnull=True).order_by("-id").first()
    # NULLS FIRST, though none is NULL here: the order PostgreSQL reads its DESC NULLS LAST index backwards in.
    newer = siblings.filter(GreaterThan(_Row(F("date"), F("id")), here)).order_by(
        F("date").asc(nulls_first=True), "id").first()
    return older, newer


def format_amendment_date(value):
    """Amendment dates are stored as given (usually YYYY-MM-DD); show them in Chinese form when they parse."""
    try:
        partial = dates.parse_partial_date(value)
    except dates.InvalidDate:
        return str(value)
    return dates.format_partial_date(partial.date, partial.precision)


def article_context(article):
    """The context of templates/documents/article_detail.html for `article`, published or not.

    The public view and the staff preview both call this, so a preview shows exactly what the public will see.
    `article` should come from `article_queryset()` (column, speaker and meeting loaded).
    """
    previous, following = _neighbours(article)
    amendments = [
        {"date": format_amendment_date(item.get("date")), "event": item.get("event", "")}
        for item in (article.amendments or [])
        if isinstance(item, dict)
    ]
    found_versions = versions(article)
    # Each 条 of a regulation with several versions links to its 条文沿革.
    # One reverse() for the page, not one a 条 (a code has over a thousand).
    history_url = reverse("documents:clause_history", args=[article.pk, "-"])

    def clause_link(anchor):
        return history_url.replace("/-/", f"/{quote(anchor)}/")

    return {
        "article": article,
        "column": article.column,
        "toc": structure.toc(article.text),
        "versions": found_versions,
        "parts": parts(article),
        "repealed_by": regulations.repealed_by(article),
        "attachments": list(article.attachments.all()),
        "amendments": amendments,
        "previous": previous,
        "next": following,
        "nav_current": article.column.slug,
        "related": related(article),
        # The body with anchors on its headings and 条, then its 《》 citations linked.
        **citation_context(article, structure.add_anchors(article.body, clause_link if found_versions else None)),
    }


def citation_context(article, body_html):
    """`body_html` (the article's body, sanitized) with its 《》 citations linked, the documents it cites (in the
    order cited) and the first of those citing it (newest first) with their number."""
    # The article's rows (unique_citation index) with the documents they name, published when last resolved
    # (documents.legislation.citation_index re-resolves them whenever a document is saved).
    rows = (
        Citation.objects.filter(citing=article, cited__isnull=False)
        .select_related("cited")
        .only("title_key", "version", *(f"cited__{name}" for name in CITATION_FIELDS))
        .order_by("position")
    )
    targets, cites, cited_ids = {}, {}, {}
    for row in rows:
        targets[row.title_key] = row.cited.get_absolute_url()
        cited_ids[row.title_key] = row.cited_id
        row.cited.cited_version = row.version
        row.cited.version_note = cited_version.note(row.version, row.cited.date)
        cites.setdefault(row.cited_id, row.cited)
    # The total rides along on every row (a window over the whole result): one query, however many there are.
    citing = list(cited_by(article).annotate(total=Window(Count("id")))[:CITED_BY_ON_ARTICLE])
    return {
        "body_html": mark_safe(link_citations(body_html, targets, _cited_anchors(body_html, cited_ids))),
        "cites": list(cites.values()),
        "cited_by": citing,
        "cited_by_count": citing[0].total if citing else 0,
    }


def _cited_anchors(body_html, cited_ids):
    """{title key: the anchors of the cited page} for the titles cited with a 条 (one query, only when there are)."""
    keys = {key for key in anchored_keys(body_html) if key in cited_ids}
    if not keys:
        return {}
    texts = {a.pk: a.text for a in Article.objects.filter(pk__in={cited_ids[k] for k in keys}).only("id", "text")}
    return {key: structure.anchors(texts.get(cited_ids[key], "")) for key in keys}


def cited_by(article):
    """The published documents citing `article`, newest first: their ids from the citation rows (cited_id index,
    with a copy of the citing article's state), then the articles by primary key, each with the version flag of
    its citation (cited_version)."""
    rows = Citation.objects.filter(cited=article, citing_published=True)
    flag = rows.filter(citing_id=OuterRef("pk")).values("version")[:1]
    citing = Article.objects.filter(pk__in=rows.values("citing_id")).only(*CITATION_FIELDS)
    return chronological(citing.annotate(cited_version=Subquery(flag)))


def related(article):
    """The related documents (相关文档) stored for `article` by documents.related.related_index, in their order: published
    ones only (a target unpublished or recycled since drops out here), never another version of it. One query: its
    rows by the unique_related_rank index, the documents by primary key."""
    documents = public().filter(related_to__article=article)
    if article.regulation_id is not None:
        documents = documents.exclude(regulation_id=article.regulation_id)
    return list(documents.order_by("related_to__rank").only(*CITATION_FIELDS))


def versions(article):
    """The published versions of `article`'s regulation, newest first, `article` among them even as a draft
    (the staff preview); [] when it has no other version. A version is a text (regulations.version_records): the
    record shown for it is `article` when it is one of its records, and `duplicates` lists the others (the same
    text filed again). A law's parts are no versions (see `parts`). Two queries, whatever the number of versions:
    the rows by the portal_versions index, their texts' fingerprints."""
    texts = _texts(article)
    if len(texts) < 2:
        return []
    shown = []
    for text in texts:
        record = article if any(r.pk == article.pk for r in text) else text[0]
        record.duplicates = [r for r in text if r.pk != record.pk]
        shown.append(record)
    return shown


def parts(article):
    """The parts of the law `article` is a part of (民法典: 总则 … 附则), in their order; [] otherwise."""
    return next((text for text in _texts(article) if len(text) > 1 and any(r.pk == article.pk for r in text)
                 and regulations.is_part(text[0])), [])


def _texts(article):
    if article.regulation_id is None:
        return []
    if not hasattr(article, "_texts"):
        rows = list(
            public().filter(regulation_id=article.regulation_id).exclude(pk=article.pk)
            .only("id", "title", "subtitle", "date", "date_precision", "amendments", "validity", "column")
        )
        article._texts = regulations.version_records(rows + [article]) if rows else []
    return article._texts


def comparison_context(first, second):
    """The 新旧对照 of two published versions of one regulation (the older on the left), or None when they are
    not two versions of one regulation (two parts of one law are not)."""
    if first.pk == second.pk or first.regulation_id is None or first.regulation_id != second.regulation_id:
        return None
    if regulations.is_part(first) and regulations.is_part(second):
        return None  # two parts of one law (民法典 总则, 附则) are no two versions
    new, old = regulations.newest_first([first, second])
    comparison = compare.compare(old.text, new.text)
    return {
        "old": old,
        "new": new,
        "comparison": comparison,
        "rows_html": compare.rows_html(comparison.rows),
        "jump_html": compare.jump_html(comparison.rows),
        "versions": versions(new),
        "column": new.column,
        "nav_current": new.column.slug,
    }


def clause_history_context(article, anchor):
    """The 条文沿革 of the 条 `anchor` of `article` (published) through its regulation's published versions, oldest
    first, or None when it has no other version or no such 条."""
    found = versions(article)
    if not found:
        return None
    oldest_first = found[::-1]
    texts = dict(Article.objects.filter(pk__in=[v.pk for v in oldest_first]).values_list("id", "text"))
    at = next(i for i, v in enumerate(oldest_first) if v.pk == article.pk)
    steps = clause_history.follow(oldest_first, [texts[v.pk] for v in oldest_first], at, anchor)
    if steps is None:
        return None
    return {
        "article": article,
        "anchor": anchor,
        "steps": steps,
        "first": steps[0],
        "versions_count": len(oldest_first),
        "oldest": oldest_first[0],
        "column": article.column,
        "nav_current": article.column.slug,
    }


def article_queryset():
    return Article.objects.select_related("column", "speaker", "meeting")


def _published_count(field):
    """A correlated count of published articles per speaker or meeting, answered by portal_speaker /
    portal_meeting alone (a join would read every article row, body and all)."""
    counts = public().filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counts), 0)


def speakers():
    return Speaker.objects.annotate(count=_published_count("speaker")).filter(count__gt=0).order_by("-count", "name")


def speaker_years(speaker):
    """The speaker's published documents grouped by year, newest year first; unknown dates last."""
    articles = chronological(as_list(public().filter(speaker=speaker)).only(*LIST_FIELDS, "speaker_title"))
    return [
        (year, list(rows))
        for year, rows in itertools.groupby(
            articles, key=lambda a: a.date.year if a.date and a.date_precision != dates.UNKNOWN else None
        )
    ]


def meetings():
    return Meeting.objects.annotate(count=_published_count("meeting")).filter(count__gt=0)


def meeting_articles(meeting):
    return chronological(as_list(public().filter(meeting=meeting)))


def _date_groups(queryset):
    """(date, precision, count) rows grouped in SQL on the portal_date index alone; callers fold them in Python
    (ExtractYear would call a Python function per row on SQLite)."""
    return queryset.values_list("date", "date_precision").annotate(count=Count("id")).order_by()


def year_counts():
    """[(year, count)], newest first, and the number of documents whose date is unknown."""
    years, unknown = Counter(), 0
    for date, precision, count in _date_groups(public()):
        if date is None or precision == dates.UNKNOWN:
            unknown += count
        else:
            years[date.year] += count
    return sorted(years.items(), reverse=True), unknown


def month_counts(year):
    """[(month, count)] of `year` in calendar order; month 0 counts documents dated only by the year."""
    months = Counter()
    for date, precision, count in _date_groups(public().filter(date__year=year)):
        if precision != dates.UNKNOWN:
            months[0 if precision == dates.YEAR else date.month] += count
    return sorted(months.items())


def undated_articles():
    """The documents whose date is unknown (日期不详 on the archive page), newest in the archive first."""
    return as_list(public().filter(Q(date__isnull=True) | Q(date_precision=dates.UNKNOWN))).order_by("-id")


def archive_articles(year=None, month=None):
    """A year's or a month's documents; a year the calendar cannot hold (/archive/0000/) is a 404."""
    if year is not None and not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404("没有这一年")
    articles = public()
    if year is not None:
        articles = articles.filter(date__year=year)
    if month is not None:
        first = datetime.date(year, month, 1)
        last = first.replace(day=calendar.monthrange(year, month)[1])  # not the 1st of next month: 9999-12
        articles = articles.filter(date__range=(first, last), date_precision__in=[dates.DAY, dates.MONTH])
    return chronological(as_list(articles))
