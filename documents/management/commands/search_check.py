"""`search_check`: the search index compared with the published articles."""

from django.core.management.base import BaseCommand, CommandError

from documents.search.interface import IndexUnavailable
from ...search.index.indexing import check
from ...search.index.queue import pending_count


class Command(BaseCommand):
    help = "比较搜索索引与已发布文章；不一致时以非零状态退出"

    def handle(self, *args, **options):
        try:
            missing, extra = check()
        except IndexUnavailable as exc:
            raise CommandError("索引不存在或已损坏，请运行 rebuild_index") from exc
        for label, ids in (("索引中缺少的已发布文章", missing), ("索引中多余的文章", extra)):
            if ids:
                shown = ", ".join(map(str, ids[:50])) + (" …" if len(ids) > 50 else "")
                self.stdout.write(f"{label}（{len(ids)} 篇）：{shown}")
        queued = pending_count()
        if queued:
            self.stdout.write(f"待处理的索引操作：{queued} 个（search_sync 会应用）")
        if missing or extra:
            raise CommandError("索引与数据库不一致")
        self.stdout.write("索引与已发布文章一致")
