"""Article ids that signal handlers collect during a block of many saves (an import), handled once at its end."""

import threading
from contextlib import contextmanager

from django.db import transaction


class ArticleBatch:
    """`one(ids)` runs for each saved article, or, inside `collecting()`, `handle(ids)` once for all of them at the
    end: a few queries for thousands of documents instead of several per document. `one` defaults to `handle`."""

    def __init__(self, handle, one=None):
        self.handle, self.one, self._local = handle, one or handle, threading.local()

    @contextmanager
    def collecting(self, apply=True):
        """`apply=False` (a dry run, whose saves were rolled back) forgets what was collected. Nested: the outer
        block handles them."""
        if getattr(self._local, "ids", None) is not None:
            yield
            return
        self._local.ids = set()
        try:
            yield
        finally:
            ids, self._local.ids = self._local.ids, None
            if ids and apply:
                with transaction.atomic():
                    self.handle(ids)

    def saved(self, article_id):
        collected = getattr(self._local, "ids", None)
        if collected is not None:
            collected.add(article_id)
        else:
            self.one([article_id])
