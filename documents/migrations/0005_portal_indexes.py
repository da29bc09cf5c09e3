"""Covering indexes for the portal's lists (see Article.Meta). portal_column replaces article_column_list, which
lacked deleted_at: SQLite, without statistics, kept choosing it and then read every row's body to test deleted_at."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_staff_groups")]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_column_list"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "column", "pinned", "date"], name="portal_column"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "column", "date"], name="portal_column_date"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "date", "date_precision"], name="portal_date"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "cover_image"], name="portal_cover"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "speaker", "date"], name="portal_speaker"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "deleted_at", "meeting", "date"], name="portal_meeting"),
        ),
    ]
