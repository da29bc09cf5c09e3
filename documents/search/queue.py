"""The durable queue of index updates.

Every save or delete of an Article (admin, import, shell) records an IndexOperation from a signal handler, in
the same database transaction as the change when the caller runs one (the admin and the importer do). Nothing
touches the index there: apply_pending() applies the queue later, under the index lock, one writer at a time.
Each operation only names an article: applying it looks at the article's state *now* (published -> indexed,
anything else -> removed), so the order and number of operations do not matter.

When an HTTP request (in practice an admin save) queued operations, the queue is applied once the response
has been sent (request_finished), without waiting for the lock: a published article is searchable within a
second. Public page views queue nothing and so never write. Imports and scripts call apply_pending() (or
`manage.py search_sync`) at the end; whatever stays queued (the lock was busy) is applied by the next sync.
"""

import logging
import threading

from django.db import close_old_connections, connections

from ..models import Article, Attachment, Column, IndexOperation, Meeting, Speaker
from .backend import LOCK_TIMEOUT, ChineseWhooshSearchBackend, IndexBusy, IndexUnavailable, index_lock

log = logging.getLogger(__name__)
BATCH = 500
REBUILD_ABOVE = 1000  # pending operations

_request_state = threading.local()


def enqueue(article_ids, action=IndexOperation.Action.UPDATE):
    ops = [IndexOperation(article_id=article_id, action=action) for article_id in article_ids]
    if ops:
        IndexOperation.objects.bulk_create(ops)
        _request_state.queued = True


def pending_count():
    return IndexOperation.objects.count()


def apply_pending(*, wait=True, build_missing=True, using="default"):
    """Apply the queued operations; return how many were applied. One writer at a time: waits for the lock
    (bounded), or with wait=False does not wait; IndexBusy when the lock stays taken (the operations stay
    queued). A missing index is built from scratch (build_missing) or left alone (the operations stay)."""
    from . import indexing

    backend = indexing.get_backend(using)
    if not isinstance(backend, ChineseWhooshSearchBackend):
        return _apply_through_haystack(backend, using)
    exists = backend.index_exists()
    if not exists and not build_missing:
        return 0
    # From a command (build_missing), a missing index or a large backlog (a big import) is rebuilt whole, in
    # parallel, and swapped in: far faster than updating documents one by one. Never after a web request.
    queued = pending_count() if build_missing else 0
    if not exists or queued > REBUILD_ABOVE:
        indexing.rebuild(using=using, lock_timeout=LOCK_TIMEOUT if wait else 0)
        return queued
    applied = 0
    with index_lock(backend.path, LOCK_TIMEOUT if wait else 0):
        while True:
            ops = list(IndexOperation.objects.order_by("id")[:BATCH])
            if not ops:
                break
            with backend.writer(locked=True) as writer:
                indexing.index_documents(backend, writer, [op.article_id for op in ops], using)
            # Only the rows read: an operation committed meanwhile stays for the next round.
            IndexOperation.objects.filter(id__in=[op.id for op in ops]).delete()
            applied += len(ops)
    return applied


def _apply_through_haystack(backend, using):
    """Another engine (Elasticsearch): haystack's update/remove, which the engine serialises itself."""
    from . import indexing

    search_index, applied = indexing.get_search_index(using), 0
    while ops := list(IndexOperation.objects.order_by("id")[:BATCH]):
        ids = {op.article_id for op in ops}
        published = list(search_index.index_queryset(using).filter(pk__in=ids))
        if published:
            backend.update(search_index, published)
        for article_id in ids - {a.pk for a in published}:
            backend.remove(indexing.IDENTIFIER.format(article_id))
        IndexOperation.objects.filter(id__in=[op.id for op in ops]).delete()
        applied += len(ops)
    return applied


# --- signal handlers (connected in DocumentsConfig.ready) -----------------------------------------------------


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue([instance.pk])


def article_deleted(sender, instance, **kwargs):
    enqueue([instance.pk], IndexOperation.Action.DELETE)


def attachment_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.article_id:
        enqueue([instance.article_id])


def related_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed speaker, meeting or column changes what its published articles are found by."""
    if raw or created:
        return
    field = {Speaker: "speaker", Meeting: "meeting", Column: "column"}[sender]
    enqueue(Article.objects.published().filter(**{field: instance}).values_list("pk", flat=True))


def request_started(**kwargs):
    _request_state.queued = False


def request_finished(**kwargs):
    """Apply what this request queued, if nobody else is writing; never fails the request."""
    if not getattr(_request_state, "queued", False):
        return
    _request_state.queued = False
    try:
        apply_pending(wait=False, build_missing=False)
    except (IndexBusy, IndexUnavailable):
        log.info("search index busy or missing; the queue stays for search_sync")
    except Exception:
        log.exception("applying the search queue after a request failed; it stays for search_sync")
    finally:
        # Django closed the request's connection before this handler ran; close the one we opened, as Django
        # would. Not inside a transaction (a test wraps the whole request in one): closing would break it.
        if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
            close_old_connections()


def connect():
    from django.core import signals
    from django.db.models.signals import post_delete, post_save

    post_save.connect(article_saved, sender=Article, dispatch_uid="search_article_saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="search_article_deleted")
    post_save.connect(attachment_changed, sender=Attachment, dispatch_uid="search_attachment_saved")
    post_delete.connect(attachment_changed, sender=Attachment, dispatch_uid="search_attachment_deleted")
    for model in (Speaker, Meeting, Column):
        post_save.connect(related_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
    signals.request_started.connect(request_started, dispatch_uid="search_request_started")
    signals.request_finished.connect(request_finished, dispatch_uid="search_request_finished")
