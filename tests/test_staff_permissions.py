"""What each staff group may do: 编辑 write drafts; 审核 also publish, unpublish, delete and empty the bin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from documents.models import Article, Column, RecycledArticle
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:documents_article_changelist"
BIN = "admin:documents_recycledarticle_changelist"


@pytest.fixture
def column():
    return Column.objects.get(slug="news")


def login(client, group):
    client.force_login(staff_user(f"user-{group}", group))
    return client


def article_form(article, **changes):
    data = {
        "title": article.title, "subtitle": "", "column": article.column_id, "kind": article.kind,
        "speaker_title": "", "doc_number": "", "issuer": "", "date": "", "date_precision": "unknown",
        "body": article.body, "cover_alt": "", "source": "", "amendments": "",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_groups_exist_with_the_publish_permission_only_for_reviewers():
    editor = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    reviewer = set(Group.objects.get(name="审核").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_speaker", "add_meeting", "add_attachment"} <= editor
    assert not {"publish_article", "delete_article", "delete_recycledarticle"} & editor
    assert editor < reviewer
    assert {"publish_article", "delete_article", "change_recycledarticle", "delete_recycledarticle"} <= reviewer


def test_editor_creates_drafts_but_cannot_publish_through_the_form(client, column):
    login(client, "编辑")
    page = client.get(reverse("admin:documents_article_add")).content.decode()
    assert 'name="status"' not in page  # shown read-only
    response = client.post(
        reverse("admin:documents_article_add"),
        article_form(Article(title="编辑写的稿子", column=column, body="<p>正文</p>"), status="published"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="编辑写的稿子")
    assert article.status == Article.Status.DRAFT

    article.status = Article.Status.PUBLISHED
    article.save()
    response = client.post(
        reverse("admin:documents_article_change", args=[article.pk]),
        article_form(article, title="改过的标题", status="draft"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    # Published: the edit waits for review (tests/test_staff_review.py), and the status is not the editor's.
    assert article.title == "编辑写的稿子" and article.status == Article.Status.PUBLISHED
    assert article.revisions.get().proposed == {"title": "改过的标题"}


def test_editor_has_no_publish_unpublish_or_delete_action(client, column):
    login(client, "编辑")
    article = Article.objects.create(title="草稿", column=column)
    page = client.get(reverse(CHANGELIST)).content.decode()
    for action in ("publish", "unpublish", "recycle", "delete_selected"):
        assert f'value="{action}"' not in page
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [article.pk]})
    client.post(reverse(CHANGELIST), {"action": "recycle", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.deleted_at is None
    assert client.get(reverse("admin:documents_article_delete", args=[article.pk])).status_code == 403
    assert client.post(reverse("admin:documents_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_editor_sees_the_bin_but_cannot_restore_or_empty_it(client, column):
    login(client, "编辑")
    article = Article.objects.create(title="回收站里的", column=column)
    Article.objects.filter(pk=article.pk).update(deleted_at="2024-01-01T00:00Z")
    page = client.get(reverse(BIN)).content.decode()
    assert "回收站里的" in page
    assert 'value="restore"' not in page and 'value="purge"' not in page and 'value="delete_selected"' not in page
    client.post(reverse(BIN), {"action": "restore", "_selected_action": [article.pk]})
    client.post(reverse(BIN), {"action": "purge", "_selected_action": [article.pk], "post": "yes"})
    assert client.post(reverse("admin:documents_recycledarticle_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    assert RecycledArticle.objects.filter(pk=article.pk, deleted_at__isnull=False).exists()


def test_reviewer_publishes_unpublishes_deletes_restores_and_empties_the_bin(client, column):
    login(client, "审核")
    article = Article.objects.create(title="审核的稿子", column=column)
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    client.post(reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    response = client.post(reverse("admin:documents_article_change", args=[article.pk]), article_form(article, status="published"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    client.post(reverse(CHANGELIST), {"action": "recycle", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.deleted_at is not None
    client.post(reverse(BIN), {"action": "restore", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.deleted_at is None

    client.post(reverse("admin:documents_article_delete", args=[article.pk]), {"post": "yes"})
    assert Article.objects.filter(pk=article.pk, deleted_at__isnull=False).exists()
    confirm = client.post(reverse(BIN), {"action": "purge", "_selected_action": [article.pk]})
    assert confirm.status_code == 200
    assert "确定要彻底删除以下 1 篇文章吗？删除后不能恢复" in confirm.content.decode()
    assert f"<li>{article.title}</li>" in confirm.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()  # only asked for confirmation so far
    done = client.post(reverse(BIN), {"action": "purge", "_selected_action": [article.pk], "post": "yes"}, follow=True)
    assert "已彻底删除 1 篇文章及其 0 个文件。" in done.content.decode()
    assert not Article.objects.filter(pk=article.pk).exists()
    assert article.history.filter(history_type="-").exists()


def test_bin_messages_speak_of_articles_not_of_bins(client, column):
    login(client, "审核")
    article = Article.objects.create(title="旧稿", column=column, deleted_at="2024-01-01T00:00Z")
    url = reverse("admin:documents_recycledarticle_delete", args=[article.pk])
    confirm = client.get(url).content.decode()
    assert "确定要彻底删除文章“旧稿”吗？" in confirm
    done = client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert "已彻底删除文章“旧稿”。" in done and not Article.objects.filter(pk=article.pk).exists()
    for page in (confirm, done):
        assert "个 回收站" not in page and "删除回收站“" not in page and "删除 回收站“" not in page


def test_columns_are_managed_by_reviewers_and_only_viewed_by_editors(client):
    login(client, "编辑")
    assert client.get(reverse("admin:documents_column_changelist")).status_code == 200
    assert client.get(reverse("admin:documents_column_add")).status_code == 403
    login(client, "审核")
    assert client.get(reverse("admin:documents_column_add")).status_code == 200
    assert client.get(reverse("admin:documents_meeting_add")).status_code == 200
