"""manage.py extract_attachment_text [--all] [--seconds N]: a thin shell over documents.ingest.attachment_text."""

from django.core.management.base import BaseCommand, CommandError

from documents.ingest.attachment_text import backfill
from documents.search.interface import IndexBusy
from ...search.index.queue import apply_pending


class Command(BaseCommand):
    help = "提取附件中的文字供搜索（默认只处理从未提取过的附件），然后更新搜索索引。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="重新提取所有附件的文字")
        parser.add_argument("--seconds", type=float, help="每个文件最多读取的秒数（默认 FILE_READ_SECONDS）")

    def handle(self, *args, **options):
        if options["seconds"] is not None and options["seconds"] <= 0:
            raise CommandError("--seconds 应大于 0")
        report = backfill(redo=options["all"], seconds=options["seconds"])
        self.stdout.write(report.summary())
        try:
            apply_pending()
        except IndexBusy as exc:
            raise CommandError(f"文字已提取，但索引正被另一个进程写入，请稍后运行 search_sync：{exc}") from exc
