"""manage.py build_open_data [--loop] [--if-stale]: a thin shell over documents.opendata.bulk."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from documents.opendata import bulk


class Command(BaseCommand):
    help = "生成开放数据页面的整体下载文件（JSON Lines 与 CSV），附大小、文件数和 SHA-256。"

    def add_arguments(self, parser):
        parser.add_argument("--if-stale", action="store_true", help="只在文件发生变化后重新生成")
        parser.add_argument("--loop", action="store_true", help="每隔 --interval 秒检查一次，有变化时重新生成（make serve 随网站启动）")
        parser.add_argument("--interval", type=float, default=600.0, help="--loop 的间隔秒数（默认 600）")

    def handle(self, *args, if_stale=False, loop=False, interval=600.0, **options):
        while True:
            if not (if_stale or loop) or bulk.stale():
                manifest = bulk.build(settings.SITE_URL)
                for entry in manifest["files"]:
                    self.stdout.write(f"{entry['name']}：{entry['documents']} 篇，{filesizeformat(entry['size'])}，"
                                      f"SHA-256 {entry['sha256']}")
            if not loop:
                return
            time.sleep(interval)
