from django.core.management.base import BaseCommand, CommandError

from documents.search.backend import IndexBusy
from documents.search.queue import apply_pending


class Command(BaseCommand):
    help = "应用待处理的索引操作（索引不存在时完整重建）"

    def handle(self, *args, **options):
        try:
            applied = apply_pending()
        except IndexBusy as exc:
            raise CommandError(f"索引正被另一个进程写入，请稍后重试：{exc}") from exc
        self.stdout.write(f"已应用 {applied} 个索引操作")
