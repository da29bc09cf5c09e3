"""Regulations as living documents: version groups (Regulation), 时效性, 施行日期, repeal statements.

Existing archives: run `manage.py sync_regulations` once after migrating to group the versions already stored."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Editors see the groups (and attach a document to one from its page); reviewers also merge them (change and
# delete), as they merge speakers.
GROUP_PERMISSIONS = {"编辑": ["view_regulation"], "审核": ["view_regulation", "change_regulation", "delete_regulation"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=codenames))


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0009_citation'),
    ]

    operations = [
        migrations.CreateModel(
            name='Regulation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='名称')),
                ('title_key', models.CharField(db_index=True, editable=False, max_length=300, verbose_name='匹配用名称')),
                ('issuer', models.CharField(blank=True, max_length=200, verbose_name='发文机关')),
                ('key', models.CharField(editable=False, max_length=32, unique=True, verbose_name='标识')),
            ],
            options={
                'verbose_name': '法规（版本组）',
                'verbose_name_plural': '法规（版本组）',
                'ordering': ['title', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Repeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title_key', models.CharField(db_index=True, max_length=300, verbose_name='被废止的名称')),
            ],
            options={
                'verbose_name': '废止声明',
                'verbose_name_plural': '废止声明',
            },
        ),
        migrations.AddField(
            model_name='article',
            name='effective_date',
            field=models.DateField(blank=True, help_text='留空则从正文读取（如“本条例自2025年1月1日起施行”）。', null=True, verbose_name='施行日期'),
        ),
        migrations.AddField(
            model_name='article',
            name='regulation_by_hand',
            field=models.BooleanField(default=False, help_text='勾选时不再按标题自动归组；取消勾选则恢复自动归组。', verbose_name='手动归组'),
        ),
        migrations.AddField(
            model_name='article',
            name='validity',
            field=models.CharField(blank=True, choices=[('current', '现行有效'), ('amended', '已被修改'), ('repealed', '已废止'), ('pending', '尚未生效')], editable=False, max_length=10, verbose_name='时效性'),
        ),
        migrations.AddField(
            model_name='article',
            name='validity_override',
            field=models.CharField(blank=True, choices=[('current', '现行有效'), ('amended', '已被修改'), ('repealed', '已废止'), ('pending', '尚未生效')], help_text='留空则自动判断：最新版本为现行有效，旧版本为已被修改，被废止的为已废止，施行日期未到的为尚未生效。', max_length=10, verbose_name='时效性（人工设定）'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='effective_date',
            field=models.DateField(blank=True, help_text='留空则从正文读取（如“本条例自2025年1月1日起施行”）。', null=True, verbose_name='施行日期'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='regulation_by_hand',
            field=models.BooleanField(default=False, help_text='勾选时不再按标题自动归组；取消勾选则恢复自动归组。', verbose_name='手动归组'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='validity_override',
            field=models.CharField(blank=True, choices=[('current', '现行有效'), ('amended', '已被修改'), ('repealed', '已废止'), ('pending', '尚未生效')], help_text='留空则自动判断：最新版本为现行有效，旧版本为已被修改，被废止的为已废止，施行日期未到的为尚未生效。', max_length=10, verbose_name='时效性（人工设定）'),
        ),
        migrations.AddField(
            model_name='article',
            name='regulation',
            field=models.ForeignKey(blank=True, help_text='同一法规的各个版本。法规类文章按标题自动归组；在这里选择即改为手动归组。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='versions', to='documents.regulation', verbose_name='所属法规'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='regulation',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='同一法规的各个版本。法规类文章按标题自动归组；在这里选择即改为手动归组。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='documents.regulation', verbose_name='所属法规'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['status', 'deleted_at', 'column', 'validity', 'pinned', 'date'], name='portal_column_validity'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['regulation', 'status', 'deleted_at'], name='portal_versions'),
        ),
        migrations.AddField(
            model_name='repeal',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='repeals', to='documents.article', verbose_name='废止文件'),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
