"""Public pages served from the cache shared by every gunicorn worker (the `default` cache: files under
VAR_DIR/cache): the view side. What retires them is cache_invalidation.py.

Only anonymous GET/HEAD requests are cached: a request carrying a session cookie (staff) never reads or fills it,
nor does a query string other than `page` and `format=json`. Each cached page records the generation tokens of
what it shows; it is served while they are current.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache

from ..changes.cache_invalidation import META, SITE, column_token, tokens

# The query parameters a cached page may carry, with the values allowed (None: a page number).
QUERY_PARAMS = {"page": None, "format": {"json"}, "validity": {"current", "amended", "repealed", "pending"}}


def page_key(request):
    """The cache key of an anonymous public request, or None when it must not be cached."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    params = []
    for name, values in request.GET.lists():
        if name not in QUERY_PARAMS or len(values) != 1:
            return None
        value = values[0]
        # One entry per real page: ?page=01 or ?format=xml would let anyone fill the cache with copies.
        allowed = QUERY_PARAMS[name]
        if (value not in allowed) if allowed else not (value.isdigit() and str(int(value)) == value):
            return None
        params.append(f"{name}={value}")
    raw = "|".join([request.scheme, request.get_host(), request.path, "&".join(sorted(params))])
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def depends_on_column(request, *column_ids):
    """Called by a view whose page shows the articles of one column, or two (新旧对照), not the whole site."""
    request.page_cache_depends = [META, *map(column_token, column_ids)]


def _storable(request, response):
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not (session is not None and session.accessed)  # the page looked at the user
        and "private" not in response.get("Cache-Control", "")
    )


def cached_page(view):
    """Serve a public page from the shared cache; render and store it when missing or out of date."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        entry = cache.get(key)
        if entry is not None:
            stored_tokens, response = entry
            if tokens(stored_tokens) == stored_tokens:
                return response
        site_before = tokens([SITE])[SITE]
        request.page_cache_depends = [SITE]
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (sitemap): store the bytes
        if _storable(request, response):
            current = tokens(request.page_cache_depends)
            # Read last: any change while this page was rendered leaves it unstored.
            if tokens([SITE])[SITE] == site_before:
                cache.set(key, (current, response), settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper
