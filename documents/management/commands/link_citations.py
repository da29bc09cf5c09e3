"""manage.py link_citations: recompute every 《》 citation (documents.legislation.citation_index.relink_all)."""

from django.core.management.base import BaseCommand

from ...legislation.citation_index import outcome_counts, relink_all
from documents.models import Citation


class Command(BaseCommand):
    help = "重新计算所有文章中《》引用的链接（升级后或批量修改数据库后运行一次）"

    def handle(self, *args, **options):
        relink_all()
        counts = outcome_counts()
        self.stdout.write("，".join(
            f"{label} {counts.get(outcome, (0, 0))[0]} 处" for outcome, label in Citation.Outcome.choices
        ))
