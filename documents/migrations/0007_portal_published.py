"""The feeds' index: latest published first (see Article.Meta)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_attachment_text")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "published_at"], name="portal_published"),
        ),
    ]
