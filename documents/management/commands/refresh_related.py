"""manage.py refresh_related: recompute every published document's related documents (documents.related.related_index).

Run it once after upgrading an archive that already holds documents, and nightly from cron: saving a document
updates its own list and those it enters or leaves, but the words' document frequencies are only recounted here.
"""

import time

from django.core.management.base import BaseCommand

from documents.models import RelatedDocument
from ...related.related_index import refresh_all


class Command(BaseCommand):
    help = "重新计算所有已发布文档的相关文档（升级后运行一次，之后每晚由 cron 运行）"

    def handle(self, *args, **options):
        started = time.monotonic()
        documents = refresh_all()
        listed = RelatedDocument.objects.order_by().values("article").distinct().count()
        seconds = time.monotonic() - started
        self.stdout.write(f"相关文档：{documents} 篇已发布文档，{listed} 篇有相关文档，用时 {seconds:.1f} 秒")
