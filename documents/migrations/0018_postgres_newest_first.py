"""PostgreSQL only: indexes of the public lists in their newest-first order (`date DESC NULLS LAST`).

PostgreSQL's ascending indexes keep NULLs last, so read backwards they give `DESC NULLS FIRST`: the portal_*
indexes of the model cannot hand a list its first rows in order there, and every column page, neighbour link,
speaker, meeting or date page and feed sorted the whole of its rows. SQLite keeps NULLs first in ascending order,
reads the portal_* indexes backwards and needs none of these; its CREATE INDEX has no NULLS LAST either, which is
why they are not in Article.Meta. Partial: only the published rows the public pages read.
"""

from django.db import migrations

PUBLIC = "status = 'published' AND deleted_at IS NULL"
# name: the columns, in the order of pages.py's querysets (newest_first, chronological, recently_published).
INDEXES = {
    "pg_column_newest": "column_id, pinned DESC, date DESC NULLS LAST, id DESC",
    "pg_column_validity_newest": "column_id, validity, pinned DESC, date DESC NULLS LAST, id DESC",
    "pg_column_chronological": "column_id, date DESC NULLS LAST, id DESC",
    "pg_speaker_chronological": "speaker_id, date DESC NULLS LAST, id DESC",
    "pg_meeting_chronological": "meeting_id, date DESC NULLS LAST, id DESC",
    "pg_chronological": "date DESC NULLS LAST, id DESC",
    "pg_recently_published": "published_at DESC NULLS LAST, id DESC",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON documents_article ({columns}) WHERE {PUBLIC}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0017_citation_version"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
