"""Rows saved before every save cleaned its text (documents.common.sanitize.clean_text) are cleaned once: a control
character left in an old title would make the RSS feeds, which no longer work around it, fail."""

from django.db import migrations

from documents.models import clean_text_fields

MODELS = ("Article", "Speaker", "Meeting", "Column", "Attachment", "ArticleRevision")


def clean_rows(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("documents", name)
        text_types = ("CharField", "TextField", "JSONField")
        fields = [f for f in model._meta.concrete_fields if f.get_internal_type() in text_types]
        changed = []
        for row in model.objects.order_by("pk").iterator(chunk_size=500):
            before = {f.attname: getattr(row, f.attname) for f in fields}
            clean_text_fields(row)
            if any(getattr(row, name) != value for name, value in before.items()):
                changed.append(row)
            if len(changed) == 500:
                model.objects.bulk_update(changed, [f.name for f in fields])
                changed = []
        if changed:
            model.objects.bulk_update(changed, [f.name for f in fields])


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_regulation")]

    operations = [migrations.RunPython(clean_rows, migrations.RunPython.noop)]
