"""Portal views: thin. Queries live in documents.archive.pages, the JSON form in documents.archive.api."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import api, find_in_page, pages
from .cache import cached_page, depends_on_column
from .context_processors import site as site_context
from .errors import safe_methods_only
from ..models import Article, Column, Meeting, Speaker
from .year_chart import year_chart

# Re-exported for the staff preview (documents.editorial.admin): it renders the article template with the same context.
article_context = pages.article_context


def wants_json(request):
    return request.GET.get("format") == "json"


@safe_methods_only
@cached_page
def home(request):
    context = pages.home()
    if wants_json(request):
        return api.respond(api.home_payload(request, context))
    return render(request, "documents/home.html", context)


@safe_methods_only
@cached_page
def column(request, slug):
    column = get_object_or_404(Column, slug=slug)
    depends_on_column(request, column.pk)
    validity = request.GET.get("validity", "")
    if validity and validity not in Article.Validity.values:
        raise Http404("没有这种时效性：可选 current（现行有效）、amended（已被修改）、repealed（已废止）、pending（尚未生效）")
    page = pages.get_page(pages.column_articles(column, validity), request.GET.get("page"))
    if wants_json(request):
        return api.respond(api.page_payload(request, page, column=api.named(request, column), validity=validity or None))
    context = {"column": column, "page": page, "nav_current": slug, "validity": validity,
               "validity_choices": Article.Validity.choices if pages.column_has_validity(column) else ()}
    return render(request, "documents/column.html", context)


@safe_methods_only
@cached_page
def article(request, pk):
    article = get_object_or_404(pages.article_queryset().published(), pk=pk)
    depends_on_column(request, article.column_id)
    context = pages.article_context(article)
    if wants_json(request):
        return api.respond(api.article_detail(request, context))
    # Coming from a search: its matches marked in the body (such a page is not cached: see find_in_page).
    context.update(find_in_page.find_context(context["body_html"], request.GET.get(find_in_page.PARAM)))
    return render(request, "documents/article_detail.html", context)


@safe_methods_only
@cached_page
def cited_by(request, pk):
    article = get_object_or_404(pages.article_queryset().published(), pk=pk)
    # Its citing documents' changes retire the cited article's column (documents.legislation.citation_index).
    depends_on_column(request, article.column_id)
    page = pages.get_page(pages.cited_by(article), request.GET.get("page"))
    if wants_json(request):
        return api.respond(api.page_payload(request, page, api.dated_link, article=api.linked(request, article)))
    return render(request, "documents/cited_by.html", {"article": article, "page": page,
                                                       "nav_current": article.column.slug})


@safe_methods_only
@cached_page
def comparison(request, pk, other):
    found = {a.pk: a for a in pages.article_queryset().published().filter(pk__in=[pk, other])}
    context = pages.comparison_context(found[pk], found[other]) if len(found) == 2 else None
    if context is None:
        raise Http404("只能对照同一法规的两个不同版本")
    depends_on_column(request, context["new"].column_id, context["old"].column_id)
    return render(request, "documents/comparison.html", context)


@safe_methods_only
@cached_page
def speaker_list(request):
    speakers = list(pages.speakers())
    if wants_json(request):
        return api.respond({"results": [api.speaker_summary(request, s) for s in speakers]})
    return render(request, "documents/speaker_list.html", {"speakers": speakers})


@safe_methods_only
@cached_page
def speaker(request, slug):
    speaker = get_object_or_404(Speaker, slug=slug)
    years = pages.speaker_years(speaker)
    if not years:
        raise Http404("该发言人没有公开的文章")
    if wants_json(request):
        return api.respond(
            {
                "speaker": api.speaker_summary(request, speaker),
                "years": [
                    {"year": year, "results": [api.article_summary(request, a) for a in rows]} for year, rows in years
                ],
            }
        )
    chart = year_chart(
        [(year, len(rows)) for year, rows in years if year], lambda year: f"#year-{year}",
        undated=sum(len(rows) for year, rows in years if not year),
    )
    return render(request, "documents/speaker_detail.html", {"speaker": speaker, "years": years, "chart": chart})


@safe_methods_only
@cached_page
def meeting_list(request):
    page = pages.get_page(pages.meetings(), request.GET.get("page"), per_page=50)
    if wants_json(request):
        return api.respond(
            {
                "count": page.paginator.count,
                "page": page.number,
                "num_pages": page.paginator.num_pages,
                "results": [api.meeting_summary(request, m) for m in page.object_list],
            }
        )
    return render(request, "documents/meeting_list.html", {"page": page})


@safe_methods_only
@cached_page
def meeting(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    page = pages.get_page(pages.meeting_articles(meeting), request.GET.get("page"))
    if not page.paginator.count:
        raise Http404("该会议没有公开的文章")
    if wants_json(request):
        return api.respond(api.page_payload(request, page, meeting=api.meeting_summary(request, meeting)))
    return render(request, "documents/meeting_detail.html", {"meeting": meeting, "page": page})


@safe_methods_only
@cached_page
def archive(request, year=None, month=None):
    years, unknown = pages.year_counts()
    context = {"years": years, "unknown": unknown, "year": year, "month": month}
    if year is not None:
        page = pages.get_page(pages.archive_articles(year, month), request.GET.get("page"))
        if not page.paginator.count:
            raise Http404("这一时期没有公开的文章")
        context.update(page=page, months=pages.month_counts(year))
    if wants_json(request):
        payload = {"years": [{"year": y, "count": n} for y, n in years], "unknown": unknown}
        if year is not None:
            payload["months"] = [{"month": m or None, "count": n} for m, n in context["months"]]
            payload.update(api.page_payload(request, context["page"], year=year, month=month))
        return api.respond(payload)
    return render(request, "documents/archive.html", context)


@safe_methods_only
@cached_page
def archive_undated(request):
    """The documents of 日期不详 on the archive page: browsable like a year."""
    years, unknown = pages.year_counts()
    page = pages.get_page(pages.undated_articles(), request.GET.get("page"))
    if not page.paginator.count:
        raise Http404("没有日期不详的公开文章")
    if wants_json(request):
        return api.respond({"years": [{"year": y, "count": n} for y, n in years], "unknown": unknown,
                            **api.page_payload(request, page, undated=True)})
    return render(request, "documents/archive.html",
                  {"years": years, "unknown": unknown, "undated": True, "page": page})


@safe_methods_only
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Result pages are endless combinations of the same documents; the sitemap lists every document.
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('documents:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

