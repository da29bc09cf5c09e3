"""`search_sync`: the attachments never read read (bounded, documents.ingest.attachment_text), then the queued index
operations applied, once or in a loop."""

import functools

from django.core.management.base import BaseCommand, CommandError

from documents.ingest import attachment_text
from documents.search.interface import IndexBusy
from ...search.index.queue import apply_forever, apply_pending


class Command(BaseCommand):
    help = ("读取尚未提取文字的附件，再应用待处理的索引操作（索引不存在时完整重建）；--loop 持续运行（make serve 随网站一起启动，"
            f"每轮最多读取 {attachment_text.PER_ROUND} 个附件）")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="每隔 --interval 秒应用一次，直到进程被终止")
        parser.add_argument("--interval", type=float, default=5.0, help="--loop 的间隔秒数（默认 5）")

    def handle(self, *args, loop=False, interval=5.0, **options):
        if loop:
            read_some = functools.partial(attachment_text.backfill, limit=attachment_text.PER_ROUND)
            apply_forever(interval, chores=[read_some])
            return
        report = attachment_text.backfill()
        if sum(report.counts.values()):
            self.stdout.write(report.summary())
        try:
            applied = apply_pending()
        except IndexBusy as exc:
            raise CommandError(f"索引正被另一个进程写入，请稍后重试：{exc}") from exc
        self.stdout.write(f"已应用 {applied} 个索引操作")
