"""Legal facts (issue 19): 首次施行日期 beside 本版施行日期, the loose key repeals are matched by and the dates a
repeal sentence names. Stored rows follow the new rules: title keys fold the separator between issuing organs,
a 施行日期 derived by the old rule is derived again, licence notices leave the stored bodies. Afterwards run
`manage.py sync_regulations` (repeal lists, groups, statuses) and `manage.py link_citations` (citation keys)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from documents.common.sanitize import text_to_html
    from documents.common.titles import loose_key, title_key
    from documents.ingest.noise import strip_notices
    from documents.legislation.provisions import ON_PUBLICATION, stated_effective

    Article, Regulation, Repeal = (apps.get_model("documents", name) for name in ("Article", "Regulation", "Repeal"))
    for group in Regulation.objects.all().iterator(chunk_size=500):
        group.title_key, group.repeal_key = title_key(group.title), loose_key(group.title)
        group.save(update_fields=["title_key", "repeal_key"])
    for repeal in Repeal.objects.all().iterator(chunk_size=500):
        repeal.title_key = loose_key(repeal.title_key)
        repeal.save(update_fields=["title_key"])
    fields = ("id", "title", "title_key", "body", "text", "date", "date_precision", "effective_date")
    for article in Article.objects.only(*fields).iterator(chunk_size=500):
        changed = {"title_key": title_key(article.title)}
        text, dropped = strip_notices(article.text)
        if dropped:
            if article.body == text_to_html(article.text):  # a plain-text body: its paragraphs are the text's
                changed["body"] = text_to_html(text)
                changed["text"] = text
        stated = stated_effective(article.text)
        published = article.date if article.date_precision == "day" else None
        # Derived by the old rule (the clause, or the date for 自公布之日起施行): derived again on sync.
        if article.effective_date and article.effective_date == (published if stated == ON_PUBLICATION else stated):
            changed["effective_date"] = None
        changed = {name: value for name, value in changed.items() if getattr(article, name) != value}
        if changed:
            Article.objects.filter(pk=article.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("documents", "0015_revision_base")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="first_effective_date",
            field=models.DateField("首次施行日期", null=True, blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="represented_by",
            field=models.ForeignKey(
                "documents.article", models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
                verbose_name="代表本文本的记录",
            ),
        ),
        migrations.AddField(
            model_name="regulation",
            name="repeal_key",
            field=models.CharField("废止匹配用名称", max_length=300, blank=True, db_index=True, editable=False),
        ),
        migrations.AddField(
            model_name="repeal",
            name="named_until",
            field=models.DateField("所废止文本的最晚日期", null=True, blank=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="effective_date",
            field=models.DateField(
                "本版施行日期", null=True, blank=True,
                help_text="本版本文字生效之日。留空则从正文和修订沿革读取（如“本条例自2025年1月1日起施行”）。",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="effective_date",
            field=models.DateField(
                "本版施行日期", null=True, blank=True,
                help_text="本版本文字生效之日。留空则从正文和修订沿革读取（如“本条例自2025年1月1日起施行”）。",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
