"""Cache of the public pages, shared by every gunicorn worker (the `default` cache: files under VAR_DIR/cache).

Only anonymous GET/HEAD requests are cached: a request carrying a session cookie (staff) never reads or fills it,
nor does a query string other than `page` and `format=json`. Each cached page records the generation tokens of
what it shows; a change replaces those tokens (signal handlers below), so every worker re-renders the pages that
showed the old state on their next request. Tokens:

    site          any change of an article, attachment, column, speaker or meeting: home, lists, archive, feeds,
                  sitemap, speaker and meeting pages depend on it (and each process's index of the search box's
                  suggestions, documents/suggestions.py, though not a page)
    meta          columns, speakers, meetings: their names show on article and column pages (and the navigation)
    column:<id>   an article of that column changed: the column's pages and its articles' pages (previous/next);
                  also when another version of one of its regulations changed (documents.regulations), since a
                  version's page and a 新旧对照 list every version

Tokens are random, not counters: a token the cache evicted comes back as a new value, which can only make pages
re-render, never serve a stale one.
"""

import hashlib
import secrets
import threading
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SITE, META = "site", "meta"
# The query parameters a cached page may carry, with the values allowed (None: a page number).
QUERY_PARAMS = {"page": None, "format": {"json"}, "validity": {"current", "amended", "repealed", "pending"}}


def column_token(column_id):
    return f"column:{column_id}"


def _token_key(name):
    return f"pagegen:{name}"


def tokens(names):
    """The current token of each name; a missing one is created."""
    keys = {_token_key(name): name for name in names}
    found = cache.get_many(list(keys))
    for key in keys.keys() - found.keys():
        cache.add(key, secrets.token_hex(8), timeout=None)
        found[key] = cache.get(key)
    return {keys[key]: value for key, value in found.items()}


def bump(names):
    """Replace the tokens of `names`: `site` first, so that a render that sees any new token also sees a new site
    token (checked last) and is not stored."""
    names = [SITE] + [name for name in names if name != SITE]
    for name in names:
        cache.set(_token_key(name), secrets.token_hex(8), timeout=None)


_batch = threading.local()


@contextmanager
def batched_invalidation():
    """Inside this block (an import of thousands of documents) changes only collect the tokens to replace, and
    they are replaced once at the end: replacing them for every document was half of an import's time. Pages
    cached meanwhile are retired then, with everything else that showed the old state."""
    if getattr(_batch, "names", None) is not None:  # nested: the outer block replaces them
        yield
        return
    _batch.names = set()
    try:
        yield
    finally:
        names, _batch.names = _batch.names, None
        if names:
            bump(names)


def invalidate(names):
    """Bump now (this transaction's own later reads) and again once committed: a page rendered in another worker
    between the two bumps read the data from before the commit."""
    names = list(names)
    if getattr(_batch, "names", None) is not None:
        _batch.names.update(names)
        return
    bump(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump(names))


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


# --- invalidation (signal handlers, connected in DocumentsConfig.ready) ---------------------------------------


def _article_column(article_id):
    from .models import Article

    return Article.objects.filter(pk=article_id).values_list("column_id", flat=True).first()


def article_pre_save(sender, instance, raw=False, **kwargs):
    # The column it leaves loses it from its list and its neighbours' previous/next links.
    instance._page_cache_old_column = _article_column(instance.pk) if instance.pk and not raw else None


def article_changed(sender, instance, raw=False, **kwargs):
    if raw:
        invalidate([SITE, META])  # fixtures: no old state known, everything goes
        return
    columns = {instance.column_id, getattr(instance, "_page_cache_old_column", None)} - {None}
    invalidate([SITE, *map(column_token, columns)])


def attachment_changed(sender, instance, **kwargs):
    column_id = _article_column(instance.article_id)
    invalidate([SITE, column_token(column_id)] if column_id else [SITE, META])


def related_changed(sender, instance, **kwargs):
    invalidate([SITE, META])


def connect():
    from django.db.models.signals import post_delete, post_save, pre_save

    from .models import Article, Attachment, Column, Meeting, Speaker

    pre_save.connect(article_pre_save, sender=Article, dispatch_uid="page_cache_article_pre_save")
    post_save.connect(article_changed, sender=Article, dispatch_uid="page_cache_article_saved")
    post_delete.connect(article_changed, sender=Article, dispatch_uid="page_cache_article_deleted")
    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(attachment_changed, sender=Attachment, dispatch_uid=f"page_cache_attachment_{event}")
        for model in (Column, Speaker, Meeting):
            signal.connect(related_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_{event}")
