"""manage.py sync_regulations: group every regulation's versions and derive every 时效性 (documents.legislation.regulations).

Run it once after upgrading an archive that already holds documents, and daily from cron: a version whose
施行日期 arrives turns from 尚未生效 to 现行有效 (and the version before it to 已被修改) only when it runs.
"""

from django.core.management.base import BaseCommand

from ...legislation.regulations import sync_all
from documents.search.interface import IndexBusy
from ...search.index.queue import apply_pending


class Command(BaseCommand):
    help = "按标题为法规的各版本归组，并重新判断所有文档的时效性（升级后运行一次，之后每天由 cron 运行）"

    def handle(self, *args, **options):
        counts = sync_all()
        self.stdout.write(f"重新归组 {counts['grouped']} 篇，时效性有变化 {counts['changed']} 篇")
        try:
            apply_pending()  # the search index shows the new statuses (filter, facet)
        except IndexBusy:
            self.stdout.write("索引正被另一个进程写入：索引操作已排队，下次 search_sync 时应用")
