"""A revision records what its editor started from (ArticleRevision.base). Pending revisions saved before this are
taken to start from the article as it is at the upgrade: how they were approved until now."""

import datetime

from django.db import migrations, models


def fill_base(apps, schema_editor):
    Article = apps.get_model("documents", "Article")
    ArticleRevision = apps.get_model("documents", "ArticleRevision")
    for revision in ArticleRevision.objects.filter(status="pending").select_related("article"):
        base = {}
        for name in revision.proposed:
            value = Article._meta.get_field(name).value_from_object(revision.article)
            base[name] = value.isoformat() if isinstance(value, datetime.date) else value
        revision.base = base
        revision.save(update_fields=["base"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0014_attachment_body_status")]

    operations = [
        migrations.AddField(
            model_name="articlerevision",
            name="base",
            field=models.JSONField(default=dict, editable=False, verbose_name="编辑开始时的内容"),
        ),
        migrations.RunPython(fill_base, migrations.RunPython.noop),
    ]
