"""The documents app: connects the model signals that keep the search index and the page cache true."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "文档"

    def ready(self):
        # Every Article change queues an index update (documents/search/queue.py).
        from . import cache_invalidation
        from .search import queue

        queue.connect()
        # Every change also retires the cached public pages that showed it (documents/cache_invalidation.py).
        cache_invalidation.connect()
