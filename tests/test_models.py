import datetime

import pytest
from django.db import IntegrityError

from documents.common import dates
from documents.models import Article, Column, Meeting, Speaker

pytestmark = pytest.mark.django_db

PORTAL_ORDER = ["人大简介", "机构设置", "人大要闻", "公文发布", "监督工作", "人事任免", "代表工作", "会议报道",
                "工作研究", "机关建设"]


def test_migration_creates_the_portal_columns_in_order():
    assert list(Column.objects.filter(in_navigation=True).values_list("name", flat=True)) == PORTAL_ORDER
    notices = Column.objects.get(name="通知公告")
    assert not notices.in_navigation


def make_article(**fields):
    fields.setdefault("title", "测试文章")
    fields.setdefault("column", Column.objects.get(slug="news"))
    article = Article(**fields)
    article.save()
    return article


def test_body_is_sanitized_on_every_save_and_text_derived():
    article = make_article(body="<p>正文<script>alert(1)</script></p>")
    assert article.body == "<p>正文</p>" and article.text == "正文"
    article.body = '<p onclick="x()">改</p><img src=x onerror=alert(1)>'
    article.save()
    article.refresh_from_db()
    assert article.body == "<p>改</p><img>"
    assert article.text == "改"


def test_plain_text_body_is_escaped():
    article = Article(title="t", column=Column.objects.get(slug="news"))
    article.set_plain_text_body("一段\n\n<script>alert(1)</script>")
    article.save()
    article.refresh_from_db()
    assert "<script>" not in article.body and "&lt;script&gt;" in article.body
    assert article.text == "一段\n\n<script>alert(1)</script>"


@pytest.mark.parametrize(
    "value, shown",
    [("2022-09-22", "2022年9月22日"), ("2022-09", "2022年9月"), ("1954", "1954年"), (None, "日期不详")],
)
def test_partial_dates(value, shown):
    article = Article(title="t", column=Column.objects.get(slug="news"))
    article.set_partial_date(dates.parse_partial_date(value))
    article.save()
    article.refresh_from_db()
    assert article.date_display == shown
    assert article.partial_date.isoformat() == value


def test_missing_date_means_unknown_precision():
    article = make_article(date=None, date_precision=dates.DAY)
    assert article.date_precision == dates.UNKNOWN


def test_speaker_keeps_position_held_at_the_time():
    speaker = Speaker.objects.create(name="张雷明", position="市委书记")
    speech = make_article(speaker=speaker, speaker_title="市委书记", date=datetime.date(2022, 9, 22))
    speaker.position = "省人大常委会副主任"
    speaker.save()
    speech.refresh_from_db()
    assert speech.speaker_title == "市委书记"


def test_speaker_unique_by_name_and_organization():
    Speaker.objects.create(name="王伟", organization="市人大常委会")
    Speaker.objects.create(name="王伟", organization="市政府")
    with pytest.raises(IntegrityError):
        Speaker.objects.create(name="王伟", organization="市人大常委会")


def test_slugs_are_readable_and_unique():
    first = Speaker.objects.create(name="王伟", organization="甲")
    second = Speaker.objects.create(name="王伟", organization="乙")
    assert first.slug == "王伟" and second.slug == "王伟-2"
    meeting = Meeting.objects.create(name="市十二届人大常委会第五次会议")
    assert meeting.slug == "市十二届人大常委会第五次会议"


def test_published_excludes_drafts_and_recycled():
    from django.utils import timezone

    draft = make_article()
    live = make_article(status=Article.Status.PUBLISHED)
    binned = make_article(status=Article.Status.PUBLISHED, deleted_at=timezone.now())
    assert list(Article.objects.published()) == [live]
    assert set(Article.objects.live()) == {draft, live}
    assert live.published_at is not None and draft.published_at is None
    assert binned.is_published is False


def test_history_is_recorded():
    article = make_article(title="第一版")
    article.title = "第二版"
    article.save()
    assert list(article.history.values_list("title", flat=True)) == ["第二版", "第一版"]


@pytest.mark.django_db(transaction=True)
def test_save_and_its_index_operation_commit_together(monkeypatch):
    """Outside any transaction (a shell), an article is never saved without its search-queue row."""
    from documents.models import IndexOperation

    def broken_queue(*args, **kwargs):
        raise RuntimeError("queue table unavailable")

    # A transactional test may run after another one flushed the columns the migration made.
    column, _ = Column.objects.get_or_create(slug="news", defaults={"name": "人大要闻"})
    monkeypatch.setattr(IndexOperation.objects, "bulk_create", broken_queue)
    with pytest.raises(RuntimeError):
        Article(title="半途而废", column=column).save()
    assert not Article.objects.filter(title="半途而废").exists()


def test_a_migration_cleans_text_saved_before_every_save_did(db):
    import importlib

    from django.apps import apps

    from tests.portal_helpers import make_article

    migration = importlib.import_module("documents.migrations.0011_clean_stored_text")
    article = make_article("旧标题")
    Article.objects.filter(pk=article.pk).update(title="旧\x07标题\u200b", amendments=[{"event": "通过\x1b"}])
    clean = make_article("干净的标题")
    migration.clean_rows(apps, None)
    article.refresh_from_db()
    assert article.title == "旧标题" and article.amendments == [{"event": "通过"}]
    assert Article.objects.get(pk=clean.pk).title == "干净的标题"
