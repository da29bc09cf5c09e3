"""The one change path (documents/changes/service.py): the only receiver of Article's signals is its thin one,
a direct save reaches the same subscribers, and a bulk action runs each subscriber once for its whole selection."""

import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.changes import service
from documents.models import Article, Citation, Column, IndexOperation
from documents.related import related_index
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db

SIGNALS = ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")


def receivers(sender):
    """Every function a signal of `sender` calls, by signal name."""
    found = {}
    for name in SIGNALS:
        sync, async_ = getattr(signals, name)._live_receivers(sender)
        found[name] = list(sync) + list(async_)
    return found


def _is_history(receiver):
    """django-simple-history's own receivers (it writes the history rows, nothing derived)."""
    return type(getattr(receiver, "__self__", None)).__module__ == "simple_history.models"


def test_the_only_project_receiver_of_articles_signals_is_the_change_paths():
    found = receivers(Article)
    ours = {name: [r for r in found_ if not _is_history(r)] for name, found_ in found.items()}
    assert ours == {"pre_save": [service.article_signal], "post_save": [service.article_signal],
                    "pre_delete": [service.article_signal], "post_delete": [service.article_signal],
                    "m2m_changed": []}
    # What remains is the history, and nothing else.
    assert {name for name, found_ in found.items() if any(_is_history(r) for r in found_)} <= {
        "pre_save", "post_save", "pre_delete", "post_delete"}


def test_the_subscribers_are_registered_in_one_order():
    names = [subscriber.name for subscriber in service.subscribers()]
    assert names == ["法规版本与时效性", "引用链接", "相关文档", "搜索索引", "页面缓存"]


def test_a_direct_save_outside_the_service_reaches_every_subscriber():
    news = Column.objects.get(slug="news")
    cited = Article.objects.create(title="预算法", column=news, status=Article.Status.PUBLISHED)
    citing = Article(title="关于预算的报告", column=news, status=Article.Status.PUBLISHED)
    citing.set_plain_text_body("依照《预算法》审查。")
    with mock.patch.object(service, "_run", wraps=service._run) as run:
        citing.save()  # a shell's save: no service call
    assert run.call_count == 1
    assert Citation.objects.get(citing=citing).cited_id == cited.pk
    assert IndexOperation.objects.filter(article_id=citing.pk).exists()


def _articles(count, status):
    news = Column.objects.get(slug="news")
    created = []
    for n in range(count):
        article = Article(title=f"第{n}号报告", column=news, status=status)
        article.set_plain_text_body(f"报告正文，依照《预算法》第{n}条。")
        created.append(service.save(article))
    return [article.pk for article in created]


def _post_action(client, action, ids):
    data = {"action": action, "_selected_action": [str(pk) for pk in ids], "index": "0"}
    return client.post(reverse("admin:documents_article_changelist"), data)


def _counting():
    """Wrap each subscriber's one() and many(): their calls, and the queries each issued."""
    calls, queries, patches = [], {}, []
    for subscriber in service.subscribers():
        for method in ("one", "many"):
            original = getattr(subscriber, method)

            def counted(change, original=original, name=subscriber.name, method=method):
                calls.append((name, method))
                with CaptureQueriesContext(connection) as captured:
                    result = original(change)
                queries[name] = queries.get(name, 0) + len(captured)
                return result

            patches.append(mock.patch.object(subscriber, method, counted))
    return calls, queries, patches


@pytest.mark.parametrize("action, status", [("publish", Article.Status.DRAFT),
                                            ("unpublish", Article.Status.PUBLISHED),
                                            ("recycle", Article.Status.PUBLISHED)])
def test_a_bulk_action_runs_each_subscriber_once_for_its_selection(client, action, status):
    client.force_login(staff_user("reviewer", "审核"))
    _articles(3, Article.Status.PUBLISHED)
    related_index.refresh_all()  # an archive whose related documents were computed: both sizes take one path
    per_size = {}
    for size in (3, 9):
        ids = _articles(size, status)
        calls, queries, patches = _counting()
        for patch in patches:
            patch.start()
        try:
            with CaptureQueriesContext(connection) as total:
                assert _post_action(client, action, ids).status_code == 302
        finally:
            for patch in patches:
                patch.stop()
        assert sorted(calls) == sorted((s.name, "many") for s in service.subscribers()), calls
        per_size[size] = (queries, len(total))
    # The subscribers' queries do not grow with the selection: each runs once for all of it.
    assert per_size[3][0] == per_size[9][0]
    # What does grow is the per-article part (its read, its write, its history row), a few queries each.
    assert per_size[9][1] - per_size[3][1] <= 6 * 8


def _failing_related():
    related = next(s for s in service.subscribers() if s.command == "refresh_related")
    return mock.patch.object(related, "many", side_effect=RuntimeError("测试：相关文档计算失败"))


def test_a_step_that_fails_after_a_bulk_action_keeps_the_saves_and_names_its_command(client):
    client.force_login(staff_user("reviewer", "审核"))
    ids = _articles(3, Article.Status.DRAFT)
    with _failing_related():
        response = _post_action(client, "publish", ids)
    assert response.status_code == 302
    assert Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED).count() == 3
    shown = [str(message) for message in response.wsgi_request._messages]
    assert any("相关文档未完成" in text and "manage.py refresh_related" in text for text in shown), shown
    # The steps after the failed one still ran.
    assert IndexOperation.objects.filter(article_id__in=ids).count() >= 3


def test_an_import_whose_step_fails_exits_with_the_command_that_finishes_it(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"title": "关于预算的报告", "date": "2022-10-01", "body": "正文"}, ensure_ascii=False),
                    encoding="utf-8")
    errors = io.StringIO()
    with _failing_related(), pytest.raises(CommandError) as failed:
        call_command("import_documents", str(path), "--no-progress", stderr=errors)
    assert "manage.py refresh_related" in errors.getvalue()
    assert failed.value.returncode == 1
    assert Article.objects.filter(title="关于预算的报告").exists()
