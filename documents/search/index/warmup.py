"""Loading what the first search needs before a process serves anyone: jieba's dictionary, the index's
per-segment tables, the common postings and the ORM's first queries (about 2 s of a first search otherwise)."""

import logging

from django.db import connections

from .. import analysis
from ..backends.whoosh import engine
from ..backends.whoosh.backend import ChineseWhooshSearchBackend
from ..interface import IndexUnavailable
from .indexing import get_backend

log = logging.getLogger(__name__)
# A common query: its words and bigrams are the postings most searches read again.
QUERY = "人民代表大会常务委员会"


def warm_up(using="default", *, keep_open=False):
    """Safe before a fork (gunicorn's preload): it leaves no database connection and no open index file
    behind, only data the workers then share (the dictionary, segment tables, decoded postings). In a worker
    (keep_open: gunicorn's post_fork) the index stays open for its requests."""
    from ..query import search

    analysis.load_dictionary()
    try:
        engine.check_whoosh()  # at process start: a Whoosh read otherwise than its own matcher reads is refused
    except engine.UnsupportedIndex:
        log.exception("search refuses the installed Whoosh: every search answers 索引正在重建 until it is fixed")
    backend = get_backend(using)
    try:
        if isinstance(backend, ChineseWhooshSearchBackend):
            for subsearcher, _ in backend.searcher().leaf_searchers():
                if subsearcher.reader().segment() is not None:
                    engine.tables(subsearcher.reader())
        search(QUERY, using=using)
    except IndexUnavailable:
        log.warning("search index missing: the first searches wait for rebuild_index")
    except Exception:  # a database not migrated yet must not stop the site from starting
        log.exception("warming up search failed; the first search loads what it needs")
    finally:
        if isinstance(backend, ChineseWhooshSearchBackend) and not keep_open:
            backend.close_searcher()
        connections.close_all()
