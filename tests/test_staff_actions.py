"""Staff actions (documents/workflow.py) called directly: each records who did it and why in the history."""

import io

import pytest

from documents.editorial import workflow
from documents.models import Article, Attachment, Column, Speaker
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return staff_user("reviewer", "审核")


@pytest.fixture
def article():
    return Article.objects.create(title="关于预算的报告", column=Column.objects.get(slug="news"))


def last_version(article):
    version = article.history.order_by("-history_id").first()
    return version.history_user.username if version.history_user else None, version.history_change_reason


def test_publish_and_unpublish_record_the_reviewer_and_the_reason(article, reviewer):
    assert workflow.publish(Article.objects.filter(pk=article.pk), reviewer) == 1
    article.refresh_from_db()
    first_publication = article.published_at
    assert article.status == Article.Status.PUBLISHED and first_publication is not None
    assert last_version(article) == ("reviewer", "发布")
    assert workflow.publish([article], reviewer) == 0  # already published: no new version
    assert article.history.count() == 2

    assert workflow.unpublish([article], reviewer) == 1
    assert last_version(article) == ("reviewer", "撤回为草稿")
    workflow.publish([article], reviewer)
    article.refresh_from_db()
    # Article.save stamps the first publication only; republishing keeps it.
    assert article.published_at == first_publication


def test_recycle_restore_and_purge_record_the_reviewer(article, reviewer, settings, django_capture_on_commit_callbacks):
    attachment = Attachment(article=article, title="附件")
    attachment.file.save("附件.txt", io.BytesIO(b"text"), save=True)
    path = settings.MEDIA_ROOT / attachment.file.name

    assert workflow.recycle([article], reviewer) == 1
    assert last_version(article) == ("reviewer", "移入回收站")
    assert workflow.recycle([article], reviewer) == 0
    assert workflow.restore([article], reviewer) == 1
    assert last_version(article) == ("reviewer", "从回收站恢复")

    # Purging takes only what is in the bin.
    assert workflow.purge([article], reviewer) == (0, 0) and Article.objects.filter(pk=article.pk).exists()
    workflow.recycle([article], reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.purge([article], reviewer) == (1, 1)
    assert not Article.objects.filter(pk=article.pk).exists() and not path.exists()
    assert last_version(article) == ("reviewer", "从回收站彻底删除")


def test_merge_speakers_records_the_reviewer_on_each_moved_article(reviewer):
    column = Column.objects.get(slug="news")
    keep, twin = Speaker.objects.create(name="张雷明"), Speaker.objects.create(name="张雷明", organization="市人大")
    moved = Article.objects.create(title="讲话", column=column, speaker=twin)
    assert workflow.merge_speakers(keep, [twin], reviewer) == 1
    moved.refresh_from_db()
    assert moved.speaker == keep
    assert last_version(moved) == ("reviewer", "合并发言人到“张雷明”")


def test_an_editors_form_save_keeps_the_status_and_the_recycle_bin(article):
    editor = staff_user("editor", "编辑")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    article.status, article.title = Article.Status.PUBLISHED, "改过"
    workflow.save_edit(article, editor)
    article.refresh_from_db()
    assert (article.title, article.status) == ("改过", Article.Status.DRAFT)
    assert last_version(article) == ("editor", None)
