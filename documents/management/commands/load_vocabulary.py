"""manage.py load_vocabulary: merge the short forms the published documents define and the reviewed colloquial
forms (documents/search/language/vocabulary.py) into the equivalent terms staff edit.

Run it after an import and whenever the reviewed list changes; it only adds: rows staff edited or deleted forms
from are extended, never rewritten, and a form already in a row stays where it is. --dry-run prints what it
would add.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.models import Article, EquivalentTerms
from ...changes import cache_invalidation
from ...search.language import vocabulary


class Command(BaseCommand):
    help = "把文件中自行定义的简称和审定的口语说法并入“等同说法”（只增加，不改动已有的说法）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将要增加的说法，不写入")
        parser.add_argument("--no-definitions", action="store_true", help="不从文件中提取简称，只并入口语说法")

    def handle(self, *args, dry_run=False, no_definitions=False, **options):
        groups = vocabulary.colloquial_groups()
        if not no_definitions:
            texts = Article.objects.published().values_list("title", "text").iterator(chunk_size=200)
            groups += vocabulary.defined_groups(texts)
        with transaction.atomic():
            stored = list(EquivalentTerms.objects.select_for_update().order_by("pk"))
            rows = [[[line.strip() for line in row.forms.splitlines() if line.strip()], row.note] for row in stored]
            added, extended = vocabulary.merge(rows, groups)
            for index in sorted(extended) + added:
                forms, note = rows[index]
                self.stdout.write(f"{'扩充' if index in extended else '新增'}：{' / '.join(forms)}（{note}）")
            if dry_run:
                transaction.set_rollback(True)
            else:
                for index in extended:
                    stored[index].forms = "\n".join(rows[index][0])
                    stored[index].save()
                EquivalentTerms.objects.bulk_create(
                    EquivalentTerms(forms="\n".join(rows[i][0]), note=rows[i][1]) for i in added)
                cache_invalidation.invalidate([cache_invalidation.EQUIVALENTS])  # bulk_create sends no signal
        self.stdout.write(f"等同说法：新增 {len(added)} 组，扩充 {len(extended)} 组" + ("（未写入）" if dry_run else ""))
