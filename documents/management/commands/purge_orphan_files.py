"""manage.py purge_orphan_files [--dry-run]: a thin shell over documents.editorial.orphans."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from documents.editorial import orphans


class Command(BaseCommand):
    help = "删除媒体文件夹中已没有任何附件或封面使用的文件（一小时内新上传的除外）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出这些文件，不删除")

    def handle(self, *args, **options):
        found = orphans.orphans()
        for name in found:
            self.stdout.write(name)
        if options["dry_run"]:
            self.stdout.write(f"共 {len(found)} 个文件没有被使用（未删除）。")
            return
        freed = orphans.purge(found)
        self.stdout.write(f"已删除 {len(found)} 个没有被使用的文件，释放 {filesizeformat(freed)}。")
