"""The /search/ page and its JSON form (format=json). Reads only: nothing here writes to the index."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render

from ..errors import safe_methods_only
from .forms import SearchForm
from .query import SearchResults, normalize_input, search

FILTER_PARAMS = ("column", "kind", "speaker", "meeting", "from", "to")
# Each facet lists this many values (the most frequent; years: the most recent); the rest fold under 更多.
FACET_SHOWN = 10


@safe_methods_only
def search_page(request):
    form = SearchForm(request.GET)
    as_json = request.GET.get("format") == "json"
    if not form.is_valid():
        errors = form.error_messages()
        if as_json:
            return JsonResponse({"error": " ".join(errors), "errors": errors}, status=400,
                                json_dumps_params={"ensure_ascii": False})
        return _render(request, form, SearchResults(messages=errors), status=400)
    results = search(**form.search_args(json=as_json))
    if as_json:
        return JsonResponse(
            {
                "query": results.query,
                "count": results.count,
                "page": results.page,
                "per_page": results.per_page,
                "num_pages": results.num_pages,
                "messages": results.messages,
                "index_unavailable": results.unavailable,
                "results": [hit.as_json() for hit in results.hits],
                "facets": {
                    name: [{"value": v, "label": label, "count": n} for v, label, n in items]
                    for name, items in results.facets.items()
                },
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return _render(request, form, results)


def _url(params, **changes):
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


def _render(request, form, results, status=200):
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
    context = {
        "form": form,
        "results": results,
        "q": normalize_input(request.GET.get("q", "")),
        "facets": [
            (title, facet_links.get(name, [])[:FACET_SHOWN], facet_links.get(name, [])[FACET_SHOWN:])
            for name, title in (("column", "栏目"), ("kind", "类型"), ("year", "年份"), ("speaker", "发言人"))
        ],
        "filters_active": bool(filters_active),
        "drop_filters_url": _url({k: v for k, v in params.items() if k not in FILTER_PARAMS}),
        "first_rank": (results.page - 1) * results.per_page + 1,
        "page_links": [(n, _url(params, page=n)) for n in pages] if results.count else [],
        "prev_url": _url(params, page=results.page - 1) if results.page > 1 else None,
        "next_url": _url(params, page=results.page + 1) if results.page < results.num_pages else None,
        "sort_links": [(label, _url(params, sort=value), (params.get("sort") or "relevance") == value)
                       for value, label in (("relevance", "相关度"), ("newest", "最新"), ("oldest", "最早"))],
    }
    return render(request, "search/search.html", context, status=status)
