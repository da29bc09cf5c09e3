"""The index stays true: the queue, one writer at a time, concurrent writers, the commands, recovery."""

import multiprocessing
import shutil
from contextlib import contextmanager

import pytest
from django.core import signals
from django.core.management import CommandError, call_command
from django.db import close_old_connections, transaction
from django.utils import timezone

from documents.models import Article, Column, IndexOperation
from documents.search.backends.whoosh.backend import index_lock
from documents.search.interface import IndexBusy
from documents.search.index.indexing import get_backend, indexed_ids, rebuild
from documents.search.query import search
from documents.search.index.queue import apply_forever, apply_pending, enqueue

pytestmark = pytest.mark.django_db


def make(title, body, status=Article.Status.PUBLISHED, **fields):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=status, **fields)
    article.set_plain_text_body(body)
    article.save()
    return article


@contextmanager
def request_cycle():
    """The signals around a request, sent as Django's test client sends them: without Django's own handler that
    closes the database connection (the test's transaction lives on it)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        signals.request_started.send(sender=None)
        yield
        signals.request_finished.send(sender=None)
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def found(q):
    return [hit.pk for hit in search(q).hits]


def test_every_change_is_queued_and_applied():
    published = make("常委会会议", "会议审议了监督报告。")
    draft = make("草稿标题", "尚未发布的草稿正文独有词甲乙丙。", status=Article.Status.DRAFT)
    assert IndexOperation.objects.filter(article_id__in=[published.pk, draft.pk]).count() == 2
    assert apply_pending() == 2  # no index yet: built from scratch
    assert IndexOperation.objects.count() == 0
    assert found("监督报告") == [published.pk]
    assert found("甲乙丙") == []

    draft.status = Article.Status.PUBLISHED
    draft.save()
    apply_pending()
    assert found("甲乙丙") == [draft.pk]

    draft.status = Article.Status.DRAFT
    draft.save()
    apply_pending()
    assert found("甲乙丙") == []

    published.deleted_at = timezone.now()  # the recycle bin
    published.save()
    apply_pending()
    assert found("监督报告") == []

    published.deleted_at = None
    published.save()
    published.title = "常委会全体会议"
    published.save()
    assert apply_pending() == 2
    assert found("全体会议") == [published.pk]
    published.delete()
    apply_pending()
    assert found("监督报告") == [] and indexed_ids(get_backend()) == set()


def test_the_operation_belongs_to_the_saving_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        make("回滚的文章", "正文")
        raise RuntimeError
    assert IndexOperation.objects.count() == 0 and Article.objects.count() == 0


def test_a_request_that_changed_articles_applies_the_queue_after_its_response():
    rebuild()
    with request_cycle():
        article = make("刚刚发布", "发布后马上可以检索到的文章丁戊己。")
    assert IndexOperation.objects.count() == 0
    assert found("丁戊己") == [article.pk]


def test_a_request_applies_what_it_queued_never_the_backlog():
    rebuild()
    backlog = [make(f"积压的文章{n}", "导入留下的积压癸子丑。") for n in range(3)]
    enqueue([a.pk for a in backlog] * 400)  # more than REBUILD_ABOVE: a command would rebuild the whole index
    waiting = IndexOperation.objects.count()
    with request_cycle():
        article = make("管理员刚保存", "保存后马上可以检索寅卯辰。")
    assert found("寅卯辰") == [article.pk]
    assert found("癸子丑") == []
    assert IndexOperation.objects.count() == waiting
    assert not IndexOperation.objects.filter(article_id=article.pk).exists()


def test_a_request_that_touched_many_articles_applies_a_bounded_part(monkeypatch):
    from documents.search.index import queue

    rebuild()
    monkeypatch.setattr(queue, "REQUEST_LIMIT", 2)
    with request_cycle():
        articles = [make(f"批量发布{n}", "批量操作的文章巳午未。") for n in range(5)]
    assert len(found("巳午未")) == 2
    assert IndexOperation.objects.count() == 3
    apply_forever(0, rounds=1)  # the applier beside the web workers takes the rest
    assert sorted(found("巳午未")) == sorted(a.pk for a in articles)


def test_the_applier_survives_a_busy_index_and_applies_later():
    rebuild()
    article = make("等待应用", "由后台应用的文章申酉戌。")
    with index_lock(get_backend().path):
        apply_forever(0, rounds=2)  # does not wait, does not raise
    assert IndexOperation.objects.count() == 1
    apply_forever(0, rounds=1)
    assert found("申酉戌") == [article.pk] and IndexOperation.objects.count() == 0


def test_a_busy_index_leaves_the_queue_for_later():
    rebuild()
    article = make("排队的文章", "锁被占用时排队庚辛壬。")
    backend = get_backend()
    with index_lock(backend.path):
        with pytest.raises(IndexBusy):
            apply_pending(wait=False)
        with pytest.raises(IndexBusy):  # never swallowed, never retried forever
            with backend.writer(timeout=0.2):
                pass
        with request_cycle():  # the request does not wait and does not fail
            make("另一篇", "正文")
    assert IndexOperation.objects.count() == 2
    assert found("庚辛壬") == []
    call_command("search_sync")
    assert found("庚辛壬") == [article.pk]


def _write_documents(path, first, count):
    """In a child process: index `count` documents, one commit each, through the project's writer."""
    from tests.search_support import use_index

    with use_index(path):
        backend = get_backend()
        for pk in range(first, first + count):
            text = f"并发写入测试文档{pk}号"
            with backend.writer() as writer:
                writer.update_document(
                    id=f"documents.article.{pk}", django_ct="documents.article", django_id=str(pk),
                    text=text, text_bigrams=text, title=text, title_bigrams=text, column="news", kind="news",
                )


def test_two_processes_indexing_at_once_lose_nothing(settings):
    rebuild()
    path = settings.SEARCH_INDEX_DIR
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_documents, args=(path, first, 15)) for first in (1000, 2000)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert indexed_ids(get_backend()) == set(range(1000, 1015)) | set(range(2000, 2015))


def test_search_check_reports_differences():
    a = make("第一篇", "正文一")
    b = make("第二篇", "正文二")
    call_command("search_sync")
    call_command("search_check")  # consistent: no error
    Article.objects.filter(pk=a.pk).update(status=Article.Status.DRAFT)  # behind the signals' back
    Article.objects.bulk_create([Article(title="批量", column=b.column, status=Article.Status.PUBLISHED)])
    with pytest.raises(CommandError):
        call_command("search_check")
    call_command("rebuild_index")
    call_command("search_check")


def test_missing_or_corrupt_index_says_rebuilding_and_rebuild_recovers(client, settings):
    article = make("恢复测试", "索引被删除后重建可以恢复。")
    call_command("rebuild_index")
    assert found("重建可以恢复") == [article.pk]

    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    results = search("重建可以恢复")
    assert results.unavailable and "索引正在重建" in results.messages[0]
    page = client.get("/search/", {"q": "重建可以恢复"})
    assert page.status_code == 200 and "索引正在重建" in page.content.decode()
    assert not settings.SEARCH_INDEX_DIR.exists()  # reading never creates an index
    call_command("rebuild_index")
    assert found("重建可以恢复") == [article.pk]

    get_backend().close_searcher()
    for toc in settings.SEARCH_INDEX_DIR.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    assert search("重建可以恢复").unavailable
    assert client.get("/search/", {"q": "恢复"}).status_code == 200
    call_command("rebuild_index")
    assert found("重建可以恢复") == [article.pk]


def test_rebuild_keeps_search_up_and_covers_the_queue():
    article = make("重建期间", "重建期间照常搜索。")
    rebuild()
    assert IndexOperation.objects.count() == 0
    searcher_before = get_backend().searcher()
    make("新文章", "重建之后的新文章。")
    rebuild()  # swaps a new directory in
    assert found("照常搜索") == [article.pk]
    assert searcher_before is not get_backend().searcher()


def test_haystacks_own_commands_work_with_the_backend():
    published = make("已发布", "正文")
    make("草稿", "正文", status=Article.Status.DRAFT)
    call_command("update_index", verbosity=0)
    assert indexed_ids(get_backend()) == {published.pk}
    call_command("clear_index", interactive=False, verbosity=0)
    assert indexed_ids(get_backend()) == set()


def test_a_large_backlog_is_rebuilt_whole_but_never_after_a_request(monkeypatch):
    from documents.search.index import indexing, queue

    rebuild()
    monkeypatch.setattr(queue, "REBUILD_ABOVE", 2)
    calls = []
    real_rebuild = indexing.rebuild
    monkeypatch.setattr(indexing, "rebuild", lambda **kwargs: calls.append(kwargs) or real_rebuild(**kwargs))

    first = [make(f"积压文章{i}", f"积压正文癸{i}号") for i in range(3)]
    apply_pending(wait=False, build_missing=False)  # what a web request runs: updates in place
    assert calls == [] and IndexOperation.objects.count() == 0

    more = [make(f"又一批{i}", f"积压正文癸又{i}号") for i in range(3)]
    assert apply_pending() == 3  # what search_sync and imports run: the backlog is rebuilt whole
    assert len(calls) == 1 and IndexOperation.objects.count() == 0
    assert sorted(found("积压正文癸")) == sorted(a.pk for a in first + more)


def test_the_amendment_history_is_searched_with_the_byline(db):
    """修订沿革 names the meetings that adopted and amended a law (real events of the corpus, laws.jsonl): a
    document found by nothing else is found by them."""
    from documents.search.query import search

    law = Article(title="上海市某条例", column=Column.objects.get(slug="documents"), status=Article.Status.PUBLISHED,
                  kind=Article.Kind.REGULATION, amendments=[
                      {"date": "2011-11-17", "event": "上海市第十三届人民代表大会常务委员会第三十次会议通过"},
                      {"date": "2020-05-14", "event": "上海市第十五届人民代表大会常务委员会第二十一次会议《关于修改本市部分地方性法规的决定》第一次修正"}])
    law.set_plain_text_body("第一条　为了规范管理，制定本条例。")
    law.save()
    apply_pending()
    for q in ("第十三届人民代表大会常务委员会第三十次会议", "关于修改本市部分地方性法规的决定"):
        assert [hit.pk for hit in search(q).hits] == [law.pk], q
