"""`rebuild_index`: the search index built anew beside the old one, then swapped in."""

import time

from django.core.management.base import BaseCommand, CommandError

from documents.search.interface import IndexBusy
from ...search.index.indexing import rebuild


class Command(BaseCommand):
    help = "完整重建搜索索引：在旁边的目录里建好再替换，重建期间搜索照常可用"

    def add_arguments(self, parser):
        parser.add_argument(
            "--procs", type=int, default=None,
            help="用几个进程分析文本（默认：文章多时用 SEARCH_BUILD_PROCS 个，少时 1 个）",
        )
        # Accepted for compatibility with haystack's command of the same name.
        parser.add_argument("--noinput", "--no-input", action="store_true", help="不询问（本命令从不询问）")

    def handle(self, *args, procs, **options):
        started = time.monotonic()
        try:
            count = rebuild(procs=procs and max(1, procs), progress=lambda n: self.stdout.write(f"  已索引 {n} 篇…"))
        except IndexBusy as exc:
            raise CommandError(f"索引正被另一个进程写入，请稍后重试：{exc}") from exc
        self.stdout.write(f"已重建索引：{count} 篇，用时 {time.monotonic() - started:.1f} 秒")
