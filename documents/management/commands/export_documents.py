"""manage.py export_documents OUT.jsonl: the archive in the import format, a backup that imports back."""

from django.core.management.base import BaseCommand

from documents.ingest.jsonl import write_jsonl
from documents.models import Article


class Command(BaseCommand):
    help = "把文档导出为 JSON Lines（导入格式；文件名以 .gz 结尾时压缩）。回收站中的文章不导出。"

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.jsonl", help="输出文件")

    def handle(self, *args, **options):
        articles = Article.objects.live().select_related("column", "speaker", "meeting", "regulation")
        articles = articles.prefetch_related("attachments").order_by("id")
        count = write_jsonl(options["out"], articles.iterator(chunk_size=500))
        self.stdout.write(f"已导出 {count} 篇文档到 {options['out']}")
