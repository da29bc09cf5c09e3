"""The two staff groups: 编辑 write and upload drafts; 审核 also publish, delete and empty the recycle bin.

Give a staff account one of them in the admin (用户 → 组). Permissions are created here rather than left to
the post_migrate signal, which runs only after all migrations, so that the groups can be filled right away.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"
REVIEWER = "审核"

EDITOR_PERMISSIONS = [
    "add_article", "change_article", "view_article",
    "add_attachment", "change_attachment", "delete_attachment", "view_attachment",
    "add_speaker", "change_speaker", "view_speaker",
    "add_meeting", "change_meeting", "view_meeting",
    "view_column",
    "view_recycledarticle",
]
REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + [
    "publish_article", "delete_article",
    # Restoring from the recycle bin is a change of the proxy, emptying it a delete.
    "change_recycledarticle", "delete_recycledarticle",
    "delete_speaker", "delete_meeting",
    "add_column", "change_column",
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [(EDITOR, EDITOR_PERMISSIONS), (REVIEWER, REVIEWER_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="documents", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, REVIEWER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_staff_permissions_recycle_bin"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
