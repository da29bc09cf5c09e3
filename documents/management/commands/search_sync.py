"""`search_sync`: the queued index operations applied, once or in a loop."""

from django.core.management.base import BaseCommand, CommandError

from documents.search.backend import IndexBusy
from documents.search.queue import apply_forever, apply_pending


class Command(BaseCommand):
    help = "应用待处理的索引操作（索引不存在时完整重建）；--loop 持续运行（make serve 随网站一起启动）"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="每隔 --interval 秒应用一次，直到进程被终止")
        parser.add_argument("--interval", type=float, default=5.0, help="--loop 的间隔秒数（默认 5）")

    def handle(self, *args, loop=False, interval=5.0, **options):
        if loop:
            apply_forever(interval)
            return
        try:
            applied = apply_pending()
        except IndexBusy as exc:
            raise CommandError(f"索引正被另一个进程写入，请稍后重试：{exc}") from exc
        self.stdout.write(f"已应用 {applied} 个索引操作")
