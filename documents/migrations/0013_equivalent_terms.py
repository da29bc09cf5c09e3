"""The table of equivalent terms (documents.search.language.equivalents), editable by 审核 (编辑 view it), seeded with the
common forms of official writing.

Each seeded group is a usage of official documents, and none floods results: left out are 人大 / 人民代表大会
(人大 is also 中国人民大学, and it is in every 人大常委会 and 人大代表, which have groups of their own),
常委会 / 常务委员会 (also a party committee's 常务委员会) and 最高法 / 最高人民法院 (最高法 is in 最高法律效力, which
laws print in their first articles). A form containing another form of its group (中华人民共和国国务院 contains
国务院) finds nothing more than it and is not searched for it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

REVIEWER, EDITOR = "审核", "编辑"
SEED = [
    (["人大常委会", "人民代表大会常务委员会"], "人民代表大会常务委员会的简称（市人大常委会 = 市人民代表大会常务委员会）"),
    (["全国人大", "全国人民代表大会"], "全国人民代表大会的简称"),
    (["全国人大常委会", "全国人民代表大会常务委员会"], "全国人民代表大会常务委员会的简称"),
    (["人大代表", "人民代表大会代表"], "人民代表大会代表的简称（全国人大代表、市人大代表）"),
    (["人代会", "人民代表大会会议"], "人民代表大会会议的简称（全国人代会、市人代会）"),
    (["地方人大", "地方各级人民代表大会"], "宪法、地方组织法的写法"),
    (["法工委", "法制工作委员会"], "人大常委会法制工作委员会的简称"),
    (["政协", "政治协商会议"], "中国人民政治协商会议的简称"),
    (["全国政协", "中国人民政治协商会议全国委员会"], "中国人民政治协商会议全国委员会的简称"),
    (["中共中央", "中国共产党中央委员会"], "中国共产党中央委员会的简称"),
    (["国务院", "中华人民共和国国务院"], "法律、法规抬头与正文的两种写法"),
    (["两高", "最高人民法院 最高人民检察院"], "两高：最高人民法院和最高人民检察院（联合发布的司法解释）"),
    (["省政府", "省人民政府"], "省人民政府的简称"),
    (["市政府", "市人民政府"], "市人民政府的简称"),
]


def seed(apps, schema_editor):
    EquivalentTerms = apps.get_model("documents", "EquivalentTerms")
    EquivalentTerms.objects.bulk_create(EquivalentTerms(forms="\n".join(forms), note=note) for forms, note in SEED)
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in [(REVIEWER, ("add", "change", "delete", "view")), (EDITOR, ("view",))]:
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_equivalentterms" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=codenames))


def unseed(apps, schema_editor):
    apps.get_model("documents", "EquivalentTerms").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0012_related"),
    ]

    operations = [
        migrations.CreateModel(
            name="EquivalentTerms",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("forms", models.TextField(
                    help_text="每行一个说法，至少两个，例如“人大常委会”和“人民代表大会常务委员会”。一个说法里用空格分开的几个词"
                    "都要出现（“最高人民法院 最高人民检察院”）。不能是单字，也不能与另一组重复；繁体、简体不必分别填写。",
                    verbose_name="等同说法")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
            ],
            options={"verbose_name": "等同说法", "verbose_name_plural": "等同说法", "ordering": ["id"]},
        ),
        migrations.RunPython(seed, unseed),
    ]
