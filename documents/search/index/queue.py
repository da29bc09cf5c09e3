"""The durable queue of index updates.

Every save or delete of an Article (admin, import, shell) records an IndexOperation through the change path
(documents/changes/service.py, `IndexQueue`), in the same database transaction as the change (a block of many
changes: once at its end). Nothing
touches the index there: apply_pending() applies the queue later, under the index lock, one writer at a time.
Each operation only names an article: applying it looks at the article's state *now* (published -> indexed,
anything else -> removed), so the order and number of operations do not matter.

When an HTTP request (in practice an admin save) queued operations, the operations of the articles it touched
(at most REQUEST_LIMIT of them) are applied once the response has been sent (request_finished), without waiting
for the lock: a published article is searchable within a second, and a worker never takes on the backlog
others left (a big import, a batch action on thousands of articles). Public page views queue nothing and so
never write. Imports and scripts call apply_pending() (or `manage.py search_sync`) at the end; whatever stays
queued is applied by the applier (`search_sync --loop`, started by `make serve`) or a cron'd `search_sync`.
"""

import logging
import threading
import time

from django.db import close_old_connections, connections

from ...models import Article, Attachment, Column, IndexOperation, Meeting, Speaker
from ..backends.whoosh.backend import LOCK_TIMEOUT, ChineseWhooshSearchBackend, index_lock
from ..interface import IndexBusy, IndexUnavailable

log = logging.getLogger(__name__)
BATCH = 500
REBUILD_ABOVE = 1000  # pending operations
# Articles a web request brings up to date after its response: about a second of index writing at most.
REQUEST_LIMIT = 200

_request_state = threading.local()


def enqueue(article_ids, action=IndexOperation.Action.UPDATE):
    ops = [IndexOperation(article_id=article_id, action=action) for article_id in article_ids]
    if ops:
        IndexOperation.objects.bulk_create(ops)
        touched = getattr(_request_state, "articles", None)
        if touched is not None:  # inside a request: remembered for request_finished
            touched.update(op.article_id for op in ops)


def pending_count():
    return IndexOperation.objects.count()


def apply_pending(*, wait=True, build_missing=True, articles=None, using="default"):
    """Apply the queued operations; return how many were applied. One writer at a time: waits for the lock
    (bounded), or with wait=False does not wait; IndexBusy when the lock stays taken (the operations stay
    queued). A missing index is built from scratch (build_missing) or left alone (the operations stay).
    `articles`: only the operations of these article ids (what one web request queued), in place."""
    from . import indexing

    backend = indexing.get_backend(using)
    exists = backend.index_exists()  # a cluster that does not answer raises SearchUnavailable: nothing is lost
    if not exists and not build_missing:
        return 0
    # From a command (build_missing), a missing index or a large backlog (a big import) is rebuilt whole, in
    # parallel, and swapped in: far faster than updating documents one by one. Never after a web request.
    queued = pending_count() if build_missing and articles is None else 0
    if not exists or queued > REBUILD_ABOVE:
        indexing.rebuild(using=using, lock_timeout=LOCK_TIMEOUT if wait else 0)
        return queued
    applied = 0
    with index_lock(backend.path, LOCK_TIMEOUT if wait else 0):
        while True:
            ops = list(_queued(articles)[:BATCH])
            if not ops:
                break
            ids = [op.article_id for op in ops]
            if isinstance(backend, ChineseWhooshSearchBackend):
                with backend.writer(locked=True) as writer:
                    indexing.index_documents(backend, writer, ids, using)
            else:  # a cluster: returns once it acknowledged every document (raises otherwise)
                indexing.send_documents(backend, ids, using)
            # Only the rows read: an operation committed meanwhile stays for the next round.
            IndexOperation.objects.filter(id__in=[op.id for op in ops]).delete()
            applied += len(ops)
    return applied


def _queued(articles):
    ops = IndexOperation.objects.order_by("id")
    return ops if articles is None else ops.filter(article_id__in=articles)


def apply_forever(interval, *, rounds=None, chores=()):
    """The applier beside the web workers (`search_sync --loop`): apply the queue every `interval` seconds,
    never failing on a busy or broken index; `rounds` bounds the loop (tests). `chores`: callables run before each
    round's applying (what they save is applied in the same round); one failing is logged, the round goes on."""
    done = 0
    while rounds is None or done < rounds:
        for chore in chores:
            try:
                chore()
            except Exception:
                log.exception("the search applier's chore %s failed; it runs again next round", chore)
        try:
            apply_pending(wait=False)
        except IndexBusy:
            log.info("search index busy; the applier tries again")
        except Exception:
            log.exception("the search applier failed; it tries again")
        finally:
            _close_idle_connections()
        done += 1
        if rounds is None or done < rounds:
            time.sleep(interval)


# --- keeping it true: the change path's subscriber (registered in DocumentsConfig.ready) -----------------------


class IndexQueue:
    """Queues an index update of every changed article (its status, or a derived field such as 时效性, changed what
    it is found by), a removal of every deleted one."""

    name, command, remembers, follows_derived = "搜索索引", "search_sync", (), True

    def one(self, change):
        enqueue(sorted((change.saved | change.derived) - change.deleted))
        enqueue(sorted(change.deleted), IndexOperation.Action.DELETE)

    many = one


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
    _request_state.articles = set()


def request_finished(**kwargs):
    """Apply what this request queued (bounded), if nobody else is writing; never fails the request."""
    touched, _request_state.articles = getattr(_request_state, "articles", None), None
    if not touched:
        return
    try:
        apply_pending(wait=False, build_missing=False, articles=sorted(touched)[:REQUEST_LIMIT])
    except (IndexBusy, IndexUnavailable):
        log.info("search index busy or missing; the queue stays for search_sync")
    except Exception:
        log.exception("applying the search queue after a request failed; it stays for search_sync")
    finally:
        # Django closed the request's connection before this handler ran; close the one we opened, as Django would.
        _close_idle_connections()


def _close_idle_connections():
    """Close connections as Django does after a request, but not inside a transaction (a test wraps everything
    in one): closing would break it."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


def connect():
    from django.core import signals
    from django.db.models.signals import post_delete, post_save

    post_save.connect(attachment_changed, sender=Attachment, dispatch_uid="search_attachment_saved")
    post_delete.connect(attachment_changed, sender=Attachment, dispatch_uid="search_attachment_deleted")
    for model in (Speaker, Meeting, Column):
        post_save.connect(related_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
    signals.request_started.connect(request_started, dispatch_uid="search_request_started")
    signals.request_finished.connect(request_finished, dispatch_uid="search_request_finished")
