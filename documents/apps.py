"""The documents app: registers, in the order they run, what an article's change sets off (the change path)."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "文档"

    def ready(self):
        from .changes import cache_invalidation, service
        from .legislation import citation_index, regulations
        from .related import related_index
        from .search.index import queue

        # The one place that says what a change of an article sets off, in this order (documents/changes/service.py):
        service.register(
            regulations.Versions(),  # before the write: version group, 施行日期, 时效性; after: the other versions'
            citation_index.Citations(),  # the 《》 citations of and to the changed articles
            related_index.Related(),  # once the version group is known: the related documents' lists
            queue.IndexQueue(),  # the search index, of the changed articles and of versions whose 时效性 changed
            cache_invalidation.PageCache(),  # last: the cached pages that showed any of it
        )
        service.connect()  # a direct Article.save() or delete() (a shell, a migration) takes the same path
        # Other models' changes: attachments, columns, speakers, meetings, equivalent terms.
        queue.connect()
        cache_invalidation.connect()
