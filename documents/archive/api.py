"""The read-only JSON form of the portal's lists and articles (?format=json), for journalists and researchers."""

from django.http import JsonResponse
from django.urls import reverse


def _url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())


def named(request, obj):
    if obj is None:
        return None
    return {"name": obj.name, "slug": obj.slug, "url": _url(request, obj)}


def speaker_summary(request, speaker):
    summary = {**named(request, speaker), "position": speaker.position, "organization": speaker.organization}
    if hasattr(speaker, "count"):
        summary["count"] = speaker.count
    return summary


def meeting_summary(request, meeting):
    summary = {**named(request, meeting), "date": meeting.date and meeting.date.isoformat()}
    if hasattr(meeting, "count"):
        summary["count"] = meeting.count
    return summary


def linked(request, article):
    return {"url": _url(request, article), "title": article.title}


def dated_link(request, article):
    """A cited or citing document: what the lists of citations read."""
    return {**linked(request, article), "date": article.partial_date.isoformat(), "date_display": article.date_display}


def article_summary(request, article):
    return {
        **_brief(request, article),
        "column": named(request, article.column),
        "kind": article.kind,
        "pinned": article.pinned,
        "validity": article.validity or None,
    }


def _brief(request, article):
    """An article of a home page box: the fields its query loads (no column, kind: the box says them)."""
    return {
        "id": article.pk,
        "title": article.title,
        "url": _url(request, article),
        "date": article.partial_date.isoformat(),
        "date_display": article.date_display,
    }


def home_payload(request, context):
    """The home page's boxes from pages.home(): 通知公告, 图片内容, the latest of each navigation column."""

    def box(column, articles):
        results = [{**_brief(request, article), "pinned": article.pinned} for article in articles]
        return {"column": named(request, column), "results": results}

    return {
        "notices": box(context["notices_column"], context["notices"]),
        "pictures": [
            {**_brief(request, article), "image": request.build_absolute_uri(article.cover_image.url),
             "alt": article.cover_alt or article.title}
            for article in context["pictures"]
        ],
        "sections": [box(column, articles) for column, articles in context["sections"]],
    }


def page_payload(request, page, summary=article_summary, **about):
    """A page of articles with the paginator's figures; `about` describes what the list is of."""
    return {
        **about,
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        "results": [summary(request, article) for article in page.object_list],
    }


def article_detail(request, context):
    """The article from article_context(), with everything its page shows."""
    article = context["article"]
    return {
        **article_summary(request, article),
        "subtitle": article.subtitle,
        "kind_display": article.get_kind_display(),
        "speaker": named(request, article.speaker),
        "speaker_title": article.speaker_title,
        "meeting": named(request, article.meeting),
        "doc_number": article.doc_number,
        "issuer": article.issuer,
        "body_html": str(context["body_html"]),
        "text": article.text,
        "source": article.source,
        "amendments": article.amendments,
        "attachments": [
            {"name": a.title, "size": a.size, "url": request.build_absolute_uri(a.file.url)}
            for a in context["attachments"]
        ],
        "cites": [dated_link(request, a) for a in context["cites"]],
        "cited_by": [dated_link(request, a) for a in context["cited_by"]],
        "cited_by_count": context["cited_by_count"],
        "related": [dated_link(request, a) for a in context["related"]],
        "cited_by_url": request.build_absolute_uri(reverse("documents:cited_by", args=[article.pk])) + "?format=json",
        "effective_date": article.effective_date and article.effective_date.isoformat(),
        "versions": [
            {"url": _url(request, v), "date": v.partial_date.isoformat(), "validity": v.validity or None,
             "this": v.pk == article.pk}
            for v in context["versions"]
        ],
        "toc": [{"name": entry["name"], "anchor": entry["anchor"]} for entry in context["toc"]],
        "previous": context["previous"] and _url(request, context["previous"]),
        "next": context["next"] and _url(request, context["next"]),
        "updated_at": article.updated_at.isoformat(),
        "downloads": {
            extension: request.build_absolute_uri(reverse(f"opendata:download_{extension}", args=[article.pk]))
            for extension in ("docx", "pdf")
        },
    }


def respond(payload):
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
