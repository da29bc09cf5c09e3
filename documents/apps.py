from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "文档"

    def ready(self):
        # Every Article change queues an index update (documents/search/queue.py).
        from . import cache, citation_index, regulations
        from .search import queue

        queue.connect()
        # Every change also retires the cached public pages that showed it (documents/cache.py).
        cache.connect()
        # And brings the stored 《》 citations up to date (documents/citation_index.py).
        citation_index.connect()
        # Every change also regroups the regulation's versions and re-derives their 时效性 (documents/regulations.py).
        regulations.connect()
