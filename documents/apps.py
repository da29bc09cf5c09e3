"""The documents app: connects the model signals that keep the search index and the page cache true."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "文档"

    def ready(self):
        # Every Article change queues an index update (documents/search/queue.py).
        from .changes import cache_invalidation
        from .legislation import citation_index, regulations
        from .related import related_index
        from .search import queue

        queue.connect()
        # Every change also retires the cached public pages that showed it (documents/cache_invalidation.py).
        cache_invalidation.connect()
        # And brings the stored 《》 citations up to date (documents/citation_index.py).
        citation_index.connect()
        # Every change also regroups the regulation's versions and re-derives their 时效性 (documents/regulations.py).
        regulations.connect()
        # Last, once the version group is known: the related documents' lists (documents/related_index.py).
        related_index.connect()
