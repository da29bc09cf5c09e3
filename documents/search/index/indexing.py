"""Writing the index: documents in batches, full rebuilds beside the live index swapped into place (a Whoosh
directory, or a cluster's index behind an alias), and the consistency check. All writes hold the index lock
(backends.whoosh.index_lock, beside the index or under var/ for a cluster): one writer at a time."""

import os
import shutil

from django.conf import settings
from haystack import connections
from whoosh import index as whoosh_index

from ...models import Article, IndexOperation
from .. import schema
from ..backends.whoosh.backend import LOCK_TIMEOUT, ChineseWhooshSearchBackend, index_lock
from ..interface import IndexUnavailable
from ..codec import writing_codec

IDENTIFIER = "documents.article.{}"
BUILD_MEMORY_MB = 1024  # per writer process; the whole corpus needs about 700 MB in each of two


def get_backend(using="default"):
    return connections[using].get_backend()


def get_search_index(using="default"):
    return connections[using].get_unified_index().get_index(Article)


def index_documents(backend, writer, article_ids, using="default"):
    """Bring the given articles' documents up to date: published ones (re)indexed, the others removed."""
    search_index = get_search_index(using)
    ids = sorted(set(article_ids))
    published = {article.pk: article for article in search_index.index_queryset(using).filter(pk__in=ids)}
    for article_id in ids:
        article = published.get(article_id)
        doc = backend.prepare(search_index, article) if article is not None else None
        if doc is not None:
            writer.update_document(**doc)
        else:
            writer.delete_by_term(schema.DOCUMENT_ID.name, IDENTIFIER.format(article_id))


def send_documents(backend, article_ids, using="default"):
    """The same on a cluster backend: published ones sent, the others removed; returns once acknowledged."""
    search_index = get_search_index(using)
    ids = set(article_ids)
    published = list(search_index.index_queryset(using).filter(pk__in=ids))
    if published:
        backend.update(search_index, published)
    for article_id in sorted(ids - {article.pk for article in published}):
        backend.remove(IDENTIFIER.format(article_id))


# Below this many documents, starting writer processes costs more than it saves.
PARALLEL_ABOVE = 500


def rebuild(*, procs=None, using="default", lock_timeout=LOCK_TIMEOUT, progress=None):
    """Build a complete index in a sibling directory, then swap it in: search stays up meanwhile.
    Returns the number of documents indexed. Queue entries seen before the build are covered by it.
    procs=None: settings.SEARCH_BUILD_PROCS writer processes for a large archive, one for a small one."""
    backend = get_backend(using)
    search_index = get_search_index(using)
    if procs is None:
        large = search_index.index_queryset(using).count() >= PARALLEL_ABOVE
        procs = settings.SEARCH_BUILD_PROCS if large else 1
    if not isinstance(backend, ChineseWhooshSearchBackend):
        with index_lock(backend.path, lock_timeout):
            covered = list(IndexOperation.objects.values_list("id", flat=True))
            count = backend.rebuild(search_index, search_index.index_queryset(using).iterator(chunk_size=200),
                                    progress, procs=procs)
            IndexOperation.objects.filter(id__in=covered).delete()
        return count
    path = os.path.normpath(backend.path)
    with index_lock(path, lock_timeout):
        covered = list(IndexOperation.objects.values_list("id", flat=True))
        backend.setup_complete = False
        _, whoosh_schema = backend.build_schema(connections[using].get_unified_index().all_searchfields())
        building = path + ".building"
        shutil.rmtree(building, ignore_errors=True)
        os.makedirs(building)
        ix = whoosh_index.create_in(building, whoosh_schema)
        # Postings stay in memory (no sorted runs pickled to disk).
        options = {"limitmb": BUILD_MEMORY_MB, "codec": writing_codec()}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = ix.writer(**options)
        count = 0
        try:
            for article in search_index.index_queryset(using).iterator(chunk_size=200):
                doc = backend.prepare(search_index, article)
                if doc is not None:
                    writer.add_document(**doc)
                    count += 1
                    if progress and count % 500 == 0:
                        progress(count)
        except BaseException:
            writer.cancel()
            shutil.rmtree(building, ignore_errors=True)
            raise
        writer.commit()
        _swap(building, path)
        backend.setup_complete = False
        backend.close_searcher()
        IndexOperation.objects.filter(id__in=covered).delete()
    return count


def _swap(new, path):
    old = path + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(path):
        os.rename(path, old)
    os.rename(new, path)
    shutil.rmtree(old, ignore_errors=True)


def indexed_ids(backend):
    """Article ids of the live documents in the index (raises IndexUnavailable)."""
    if not isinstance(backend, ChineseWhooshSearchBackend):
        return backend.indexed_ids()
    return {int(fields[schema.ARTICLE_ID.name]) for fields in backend.searcher().all_stored_fields()}


def check(using="default"):
    """(missing, extra): published article ids absent from the index, and indexed ids that should not be."""
    backend = get_backend(using)
    if not backend.index_exists():
        raise IndexUnavailable(backend.path)
    in_index = indexed_ids(backend)
    published = set(get_search_index(using).index_queryset(using).values_list("pk", flat=True))
    return sorted(published - in_index), sorted(in_index - published)
