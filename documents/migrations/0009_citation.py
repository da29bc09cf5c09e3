"""Citations in 《》 (documents.legislation.citation_index) and the title key they are matched on, filled for existing articles.
Their citations are computed by `manage.py link_citations`."""

import django.db.models.deletion
from django.db import migrations, models

from ..common.titles import title_key


def fill_title_keys(apps, schema_editor):
    Article = apps.get_model("documents", "Article")
    articles = list(Article.objects.only("id", "title"))
    for article in articles:
        article.title_key = title_key(article.title)
    Article.objects.bulk_update(articles, ["title_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("documents", "0008_article_revision")]

    operations = [
        migrations.CreateModel(
            name='Citation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title_key', models.CharField(max_length=300, verbose_name='被引标题匹配键')),
                ('outcome', models.CharField(choices=[('linked', '已链接'), ('missing', '档案中没有'), ('ambiguous', '对应多篇文件'), ('self', '引用自身')], default='missing', max_length=10, verbose_name='结果')),
                ('citing_published', models.BooleanField(default=False, verbose_name='引用的文章已发布')),
                ('count', models.PositiveIntegerField(default=1, verbose_name='次数')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='顺序')),
            ],
            options={
                'verbose_name': '引用',
                'verbose_name_plural': '引用',
                'ordering': ['citing', 'position'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='title_key',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='标题匹配键'),
        ),
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['title_key', 'status', 'deleted_at', 'date', 'issuer'], name='article_title_key'),
        ),
        migrations.AddField(
            model_name='citation',
            name='cited',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='citations_received', to='documents.article', verbose_name='被引用的文章'),
        ),
        migrations.AddField(
            model_name='citation',
            name='citing',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='citations', to='documents.article', verbose_name='引用的文章'),
        ),
        migrations.AddIndex(
            model_name='citation',
            index=models.Index(fields=['title_key'], name='citation_title_key'),
        ),
        migrations.AddConstraint(
            model_name='citation',
            constraint=models.UniqueConstraint(fields=('citing', 'title_key'), name='unique_citation'),
        ),
    ]
