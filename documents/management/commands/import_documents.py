"""manage.py import_documents PATH [PATH ...]: a thin shell over documents.ingest.importer."""

from django.core.management.base import BaseCommand, CommandError

from documents.changes import service
from documents.ingest.importer import import_paths
from documents.ingest.pipeline import ImportProblem, LookupCache
from documents.models import Article
from documents.search.interface import IndexBusy
from ...search.index.queue import apply_pending


class Command(BaseCommand):
    help = "导入文档：JSON Lines（.jsonl、.jsonl.gz）、旧网站页面（.txt、.html）和办公文件（.docx、.pdf）；可给文件夹。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹（递归读取）")
        parser.add_argument("--status", choices=Article.Status.values, default=Article.Status.PUBLISHED,
                            help="没有写明状态的文档以此状态导入（默认 published）")
        parser.add_argument("--column", help="没有写明栏目的文档放入此栏目（名称或网址名，默认 人大要闻）")
        parser.add_argument("--update", action="store_true", help="已导入过但内容有变化的文档用新内容更新")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        if options["column"]:
            try:
                LookupCache().column(options["column"])
            except ImportProblem as problem:
                raise CommandError(str(problem)) from None
        try:
            report = import_paths(
                options["paths"],
                status=options["status"],
                default_column=options["column"],
                update=options["update"],
                dry_run=options["dry_run"],
                progress=False if options["no_progress"] else None,
            )
        except KeyboardInterrupt:
            raise CommandError("导入被中断：已保存的文档保留；再次导入会跳过它们，请依次运行 "
                               f"{service.resume_hint()} 补全（可重复运行）", returncode=1) from None
        for failure in report.failures:
            self.stderr.write(f"失败：{failure}")
        for note in report.notes:
            self.stdout.write(f"提示：{note}")
        for what, command in report.unfinished:
            self.stderr.write(f"未完成：{what}。文档已保存；运行 manage.py {command} 补全（可重复运行）")
        if not options["dry_run"]:
            # Indexed in bulk once the documents are in, not one index commit per document.
            try:
                apply_pending()
            except IndexBusy:
                self.stdout.write("提示：搜索索引正被另一个进程写入；排队的更新由后台（search_sync --loop）或 "
                                  "manage.py search_sync 写入")
        self.stdout.write(("（试运行，没有写入任何内容）" if options["dry_run"] else "") + report.summary())
        if report.failed or report.unfinished:
            problems = report.failed + len(report.unfinished)
            raise CommandError(f"有 {problems} 处导入失败或未完成，见上面的说明", returncode=1)
