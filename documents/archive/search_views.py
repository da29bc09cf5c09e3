"""The /search/ page and its JSON form (format=json), the RSS feed of a search, the search box's suggestions and
the OpenSearch description. Reads only: nothing here writes to the index."""

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from ..changes import cache_invalidation
from ..common import dates
from ..models import Article, Column, Meeting, Speaker
from . import find_in_page, suggestions
from .feeds import LatestFeed, SearchFeed
from .year_chart import year_chart
from .search_forms import SearchForm
from ..search.language.parsing import MAX_QUERY_CHARS, normalize_input
from ..search.query import MAX_PER_PAGE, SearchResults, search

FILTER_PARAMS = ("column", "kind", "genre", "speaker", "meeting", "validity", "from", "to")
# What a feed's address keeps of a search's: the query and its filters (a feed is always newest first, one page).
FEED_PARAMS = ("q", *FILTER_PARAMS)
# Each facet lists this many values (the most frequent; years: the most recent); the rest fold under 更多.
FACET_SHOWN = 10


def search_page(request):
    form = SearchForm(request.GET)
    as_json = request.GET.get("format") == "json"
    if not form.is_valid():
        errors = form.error_messages()
        if as_json:
            return JsonResponse({"error": " ".join(errors), "errors": errors}, status=400,
                                json_dumps_params={"ensure_ascii": False})
        return _render(request, form, SearchResults(messages=errors), status=400)
    args = form.search_args(json=as_json)
    results = search(**args)
    # The search service down (a cluster): 503 with the Chinese message, so that caches and crawlers retry later.
    status = 503 if results.down else 200
    if as_json:
        return JsonResponse(
            {
                "query": results.query,
                "count": results.count,
                "page": results.page,
                "per_page": results.per_page,
                "num_pages": results.num_pages,
                "messages": results.messages,
                "equivalents": [{"term": term, "forms": forms} for term, forms in results.equivalents],
                "exact_query": results.exact_query or None,
                "searched_instead": results.searched or None,
                "left_out": results.relaxed,
                "index_unavailable": results.unavailable,
                "incomplete": results.cut,
                "results": [hit.as_json() for hit in results.hits],
                # A short first page: then the results that do not hold the term `also_without`.
                "also_without": results.also_without or None,
                "also": [hit.as_json() for hit in results.also],
                "facets": {
                    name: [{"value": v, "label": label, "count": n} for v, label, n in items]
                    for name, items in results.facets.items()
                },
            },
            json_dumps_params={"ensure_ascii": False}, status=status,
        )
    # Each result opens its article with the query's matches marked there (the JSON keeps the documents' own URLs).
    results.hits = [replace(hit, url=find_in_page.result_link(hit.url, results.query)) for hit in results.hits]
    results.also = [replace(hit, url=find_in_page.result_link(hit.url, results.query)) for hit in results.also]
    return _render(request, form, results, status=status, chart_args=args)


def search_feed(request):
    """RSS of a search's newest matching documents; parameters are checked as the page's (a 400 page if not).
    Without a query or a filter: the site's feed."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _render(request, form, SearchResults(messages=form.error_messages()), status=400)
    args = form.search_args()
    if not args["q"] and not args["filters"]:
        return LatestFeed()(request)  # nothing searched: what the site published last, as its own feed
    # The newest matches by document date, of which the feed keeps those published last (feeds.SearchFeed).
    results = search(**{**args, "sort": "newest", "page": 1, "per_page": MAX_PER_PAGE})
    if results.unavailable:
        # Not an empty feed: a reader would take it for "nothing matches any more".
        message = "搜索暂不可用，请稍后再试。" if results.down else "索引正在重建，请稍后再试。"
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "300"
        return response
    return SearchFeed()(request, form=form, results=results)


def suggest(request):
    """Up to 8 suggestions for what is typed in a search box (JSON); format=opensearch: the OpenSearch
    suggestions form that browsers' search bars read."""
    typed = request.GET.get("q", "")
    site = cache_invalidation.SITE
    found = suggestions.suggest(typed, generation=cache_invalidation.tokens([site])[site])
    if request.GET.get("format") == "opensearch":
        payload = [typed[:MAX_QUERY_CHARS], [s.text for s in found], [s.hint for s in found],
                   [request.build_absolute_uri(s.url) for s in found]]
        # The type opensearch.xml announces for this form, which OpenSearch clients expect.
        content_type = "application/x-suggestions+json"
    else:
        payload = {"suggestions": [s.as_json() for s in found]}
        content_type = "application/json"
    return JsonResponse(payload, safe=False, content_type=content_type, json_dumps_params={"ensure_ascii": False})


def opensearch(request):
    """Lets browsers add the site's search (linked from every page by base.html)."""
    return render(request, "search/opensearch.xml", {"base_url": request.build_absolute_uri("/").rstrip("/")},
                  content_type="application/opensearchdescription+xml")


def _url(params, **changes):
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


def _chart(params, args, results):
    """Documents per year of this search. With a date filter on, of the same search without it (counted by the
    backend on the way, or one more search of a single result): every year stays one click away, and the
    filtered ones show as current."""
    filters = args["filters"]
    dated = filters.date_from or filters.date_to
    if dated and results.any_date is not None:
        total, counts = results.any_date
        years = list(counts.items())
    else:
        if dated:
            results = search(**{**args, "filters": replace(filters, date_from=None, date_to=None), "page": 1,
                                "per_page": 1})
        total, years = results.count, [(value, count) for value, _, count in results.facets.get("year", [])]
    first = filters.date_from.year if filters.date_from else 0
    last = filters.date_to.year if filters.date_to else 9999
    return year_chart(
        years,
        lambda year: _url(params, **{"from": f"{year}-01-01", "to": f"{year}-12-31"}),
        is_current=lambda year: bool(dated) and first <= year <= last,
        undated=total - sum(count for _, count in years),
    )


def _chips(params, form):
    """Each filter in use as (label, the address without it): the page shows them as chips that remove one, so a
    filter folded away under 筛选 on a phone is still seen."""
    if not form.is_valid():
        return []
    data, chips = form.cleaned_data, []
    named = {"column": (Column, "栏目"), "speaker": (Speaker, "发言人"), "meeting": (Meeting, "会议")}
    for name in FILTER_PARAMS:
        if name in named and data[name]:
            model, title = named[name]
            label = model.objects.filter(slug=data[name]).values_list("name", flat=True).first() or data[name]
        elif name == "genre" and data[name]:
            title, label = "文件种类", data[name]
        elif name in ("kind", "validity") and data[name]:
            title = {"kind": "类型", "validity": "时效性"}[name]
            label = dict({"kind": Article.Kind.choices, "validity": Article.Validity.choices}[name])[data[name]]
        else:
            continue
        chips.append((f"{title}：{label}", _url(params, **{name: None})))
    start, end = (dates.format_partial_date(d, dates.DAY) if d else "" for d in (data["date_from"], data["date_to"]))
    if start or end:
        first, last = data["date_from"], data["date_to"]
        if first and last and first.year == last.year and (first.month, first.day) == (1, 1) \
                and (last.month, last.day) == (12, 31):
            label = f"{first.year}年"
        else:
            label = f"{start}—{end}" if start and end else f"{start}起" if start else f"{end}止"
        chips.append((f"日期：{label}", _url(params, **{"from": None, "to": None})))
    return chips


def _render(request, form, results, status=200, chart_args=None):
    params = {k: v for k, v in request.GET.items() if k not in ("page", "format")}
    filters_active = [name for name in FILTER_PARAMS if params.get(name)]
    facet_links = {
        name: [(label, count, _url(params, **{name: value}), params.get(name) == value)
               for value, label, count in items]
        for name, items in results.facets.items() if name != "year"
    }
    facet_links["year"] = [
        (label, count, _url(params, **{"from": f"{value}-01-01", "to": f"{value}-12-31"}),
         params.get("from") == f"{value}-01-01" and params.get("to") == f"{value}-12-31")
        for value, label, count in results.facets.get("year", [])
    ]
    pages = range(max(1, results.page - 4), min(results.num_pages, results.page + 4) + 1)
    searched = bool(chart_args) and (results.query or filters_active)
    feed_params = {k: v for k, v in params.items() if k in FEED_PARAMS}
    context = {
        "invalid": status == 400,  # the parameters were refused: nothing was searched, no advice on the words
        "chart": _chart(params, chart_args, results) if searched and not results.unavailable else None,
        "chart_all_years_url": _url({k: v for k, v in params.items() if k not in ("from", "to")})
        if params.get("from") or params.get("to") else None,
        "feed_url": reverse("documents:search_feed") + _url(feed_params) if searched else None,
        "form": form,
        "results": results,
        "q": normalize_input(request.GET.get("q", "")),
        "facets": [
            (title, facet_links.get(name, [])[:FACET_SHOWN], facet_links.get(name, [])[FACET_SHOWN:])
            for name, title in (("column", "栏目"), ("kind", "类型"), ("genre", "文件种类"), ("validity", "时效性"),
                                ("year", "年份"),
                                ("speaker", "发言人"))
        ],
        "filters_active": bool(filters_active),
        "chips": _chips(params, form),
        "drop_filters_url": _url({k: v for k, v in params.items() if k not in FILTER_PARAMS}),
        "exact_url": _url(params, q=results.exact_query) if results.exact_query else None,
        # A relaxed search (relaxing.py): the query searched, and each term left out searched on its own.
        "relaxed_links": [(f"只查“{results.searched}”", _url(params, q=results.searched))]
        + [(f"只查“{term}”", _url(params, q=term)) for term in results.relaxed] if results.searched else [],
        "first_rank": (results.page - 1) * results.per_page + 1,
        "page_links": [(n, _url(params, page=n)) for n in pages] if results.count else [],
        "prev_url": _url(params, page=results.page - 1) if results.page > 1 else None,
        "next_url": _url(params, page=results.page + 1) if results.page < results.num_pages else None,
        "sort_links": [(label, _url(params, sort=value), (params.get("sort") or "relevance") == value)
                       for value, label in (("relevance", "相关度"), ("newest", "最新"), ("oldest", "最早"))],
    }
    return render(request, "search/search.html", context, status=status)
