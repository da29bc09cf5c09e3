"""The portal's columns, in the portal's order. Staff may rename or reorder them later in the admin."""

from django.db import migrations

COLUMNS = [
    ("人大简介", "about", True),
    ("机构设置", "organization", True),
    ("人大要闻", "news", True),
    ("公文发布", "documents", True),
    ("监督工作", "supervision", True),
    ("人事任免", "appointments", True),
    ("代表工作", "deputies", True),
    ("会议报道", "meetings", True),
    ("工作研究", "research", True),
    ("机关建设", "office", True),
    # The notices box of the home page, not a navigation entry.
    ("通知公告", "notices", False),
]


def create_columns(apps, schema_editor):
    Column = apps.get_model("documents", "Column")
    for order, (name, slug, in_navigation) in enumerate(COLUMNS, start=1):
        Column.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order * 10, "in_navigation": in_navigation}
        )


def remove_columns(apps, schema_editor):
    Column = apps.get_model("documents", "Column")
    Column.objects.filter(slug__in=[slug for _, slug, _ in COLUMNS], articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(create_columns, remove_columns)]
