"""Which cached public pages a change retires: generation tokens, replaced from the models' signals.

Each cached page records the tokens of what it shows (documents/cache.py serves and stores it); a change replaces
those tokens, so every worker re-renders the pages that showed the old state on their next request. Tokens:

    site          any change of an article, attachment, column, speaker or meeting: home, lists, archive, feeds,
                  sitemap, speaker and meeting pages depend on it (and each process's index of the search box's
                  suggestions, documents/suggestions.py, though not a page)
    meta          columns, speakers, meetings: their names show on article and column pages (and the navigation)
    column:<id>   an article of that column changed: the column's pages and its articles' pages (previous/next);
                  also when another version of one of its regulations changed (documents.legislation.regulations), since a
                  version's page and a 新旧对照 list every version
    equivalents   a row of the equivalent terms changed: not a page's token, but each process's copy of the table
                  (documents/search/language/equivalents.py) follows it; `site` changes with it (the suggestions list them)

Tokens are random, not counters: a token the cache evicted comes back as a new value, which can only make pages
re-render, never serve a stale one. This side knows the models only: an article's change reaches it through the
change path (documents/changes/service.py, `PageCache`), whose `bulk()` block batches the bumps
(batched_invalidation) without knowing the views.
"""

import secrets
import threading
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction

SITE, META, EQUIVALENTS = "site", "meta", "equivalents"


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
    they are replaced once at the end: replacing them for every document was half of an import's time. Nothing
    is read from the database per attachment either: the columns of changed attachments' articles are read in one
    query at the end. Pages cached meanwhile are retired then, with everything else that showed the old state.
    The change path's `bulk()` opens it."""
    if getattr(_batch, "names", None) is not None:  # nested: the outer block replaces them
        yield
        return
    _batch.names, _batch.articles = set(), set()
    completed = False
    try:
        yield
        completed = True
    finally:
        names, articles = _batch.names, _batch.articles
        _batch.names = _batch.articles = None
        if articles:  # after an error the database may refuse the query: every column's pages go
            names |= _columns_of(articles) if completed else {META}
        if names:
            bump(names)


def _in_batch():
    return getattr(_batch, "names", None) is not None


def invalidate(names):
    """Bump now (this transaction's own later reads) and again once committed: a page rendered in another worker
    between the two bumps read the data from before the commit."""
    names = list(names)
    if _in_batch():
        _batch.names.update(names)
        return
    bump(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump(names))


def _columns_of(article_ids, chunk=500):
    """The column tokens of these articles; meta when one is gone (its column is unknown)."""
    from ..models import Article

    ids, found = list(article_ids), {}
    for start in range(0, len(ids), chunk):
        rows = Article.objects.filter(pk__in=ids[start : start + chunk]).order_by().values_list("pk", "column_id")
        found.update(rows)
    return {column_token(column_id) for column_id in found.values()} | ({META} if len(found) < len(ids) else set())


# --- keeping it true: the change path's subscriber, and signal handlers of the other models ---------------------


def _stored_column(article_id):
    from ..models import Article

    return Article.objects.filter(pk=article_id).order_by().values_list("column_id", flat=True).first()


class PageCache:
    """Retires the pages of the changed articles' columns, former columns included, and of the columns of every
    version of their regulations (a version's page and a 新旧对照 list every version). Last: the other subscribers
    only rewrite rows; what they retire themselves (citations, related lists) joins the same block's bump."""

    name, command, remembers, follows_derived = "页面缓存", None, ("column_id", "regulation_id"), True

    def one(self, change):
        names = {SITE, META} if change.raw else {SITE}
        columns = {row["column_id"] for row in change.before.values()}
        groups = {row["regulation_id"] for row in change.before.values()} - {None}
        columns |= _columns_showing(change.saved | change.derived, groups)
        invalidate(names | {column_token(column) for column in columns - {None}})

    many = one


def _columns_showing(article_ids, groups, chunk=500):
    """The columns of these articles and of every version of their regulations (and of `groups`)."""
    from django.db.models import Q

    from ..models import Article

    ids, found = sorted(article_ids), set()
    for start in range(0, max(len(ids), 1), chunk):
        part = ids[start : start + chunk]
        their_groups = Article.objects.filter(pk__in=part, regulation__isnull=False).values("regulation")
        rows = Article.objects.filter(Q(pk__in=part) | Q(regulation__in=their_groups) | Q(regulation__in=groups))
        found.update(rows.order_by().values_list("column_id", flat=True).distinct())
        groups = ()
    return found


def attachment_changed(sender, instance, **kwargs):
    if _in_batch():
        _batch.names.add(SITE)
        _batch.articles.add(instance.article_id)
        return
    column_id = _stored_column(instance.article_id)
    invalidate([SITE, column_token(column_id)] if column_id else [SITE, META])


def related_changed(sender, instance, **kwargs):
    invalidate([SITE, META])


def equivalents_changed(sender, instance, **kwargs):
    invalidate([EQUIVALENTS])  # bump() replaces `site` with it


def connect():
    from django.db.models.signals import post_delete, post_save

    from ..models import Attachment, Column, EquivalentTerms, Meeting, Speaker

    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(attachment_changed, sender=Attachment, dispatch_uid=f"page_cache_attachment_{event}")
        for model in (Column, Speaker, Meeting):
            signal.connect(related_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_{event}")
        signal.connect(equivalents_changed, sender=EquivalentTerms, dispatch_uid=f"equivalents_{event}")
