"""The whole staff path through the admin: upload -> draft -> publish -> edit -> review -> history -> restore -> 回收站."""

import datetime

import pytest
from django.urls import reverse

from documents.models import Article
from documents.search.query import search
from documents.search.index.queue import apply_pending
from tests.staff_support import docx_bytes, form_data, staff_user, upload

pytestmark = pytest.mark.django_db(transaction=False)

CHANGELIST = "admin:documents_article_changelist"
BIN = "admin:documents_recycledarticle_changelist"


@pytest.fixture
def search_index(settings, tmp_path):
    """An empty index of this test's own (the search helper's shared fixture replaces this when it lands)."""
    from haystack import connections

    original = settings.HAYSTACK_CONNECTIONS
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(tmp_path / "index")}
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    yield
    connections.connections_info = original
    connections.reload("default")


def found(query, article):
    """Whether the index (not only the database) returns `article` for `query`."""
    apply_pending()
    results = search(query)
    return article.pk in [hit.pk for hit in results.hits], results.count


def test_upload_publish_edit_restore_recycle(client, search_index):
    editor, reviewer = staff_user("editor", "编辑"), staff_user("reviewer", "审核")

    # An editor uploads a Word file: a draft with the file's title, date and body.
    client.force_login(editor)
    response = upload(client, ("审查报告.docx", docx_bytes(
        "关于市级预算执行情况的审查报告", "2022年9月22日", "市人大常委会对预算执行情况进行了审查。",
    )))
    assert response.context["outcomes"][0].ok
    article = Article.objects.get()
    assert (article.title, article.date, article.status) == (
        "关于市级预算执行情况的审查报告", datetime.date(2022, 9, 22), Article.Status.DRAFT,
    )
    assert "进行了审查" in article.text and article.attachments.count() == 1

    # Invisible to the public and to search.
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert found("预算执行", article) == (False, 0)

    # A reviewer publishes: visible and found.
    client.force_login(reviewer)
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [article.pk]})
    client.logout()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and "关于市级预算执行情况的审查报告" in page.content.decode()
    assert found("预算执行", article)[0]

    # The editor corrects the title: the change waits for review, the public still sees the published title.
    client.force_login(editor)
    change_url = reverse("admin:documents_article_change", args=[article.pk])
    data = form_data(client.get(change_url).context["adminform"].form)
    data["title"] = "关于2022年市级预算执行情况的审查报告（修改稿）"
    response = client.post(change_url, data, follow=True)
    assert "修改已提交审核" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "关于市级预算执行情况的审查报告" and article.status == Article.Status.PUBLISHED
    assert not found("修改稿", article)[0]

    # A reviewer compares and approves: published and found; the history names both people.
    client.force_login(reviewer)
    review_url = reverse("admin:documents_article_revision", args=[article.pk, article.revisions.get().pk])
    assert "（修改稿）" in client.get(review_url).content.decode()
    assert client.post(review_url, {"decision": "approve"}).status_code == 302
    article.refresh_from_db()
    assert article.title.endswith("（修改稿）") and article.status == Article.Status.PUBLISHED
    assert found("修改稿", article)[0]

    history_page = client.get(reverse("admin:documents_article_history", args=[article.pk])).content.decode()
    assert "关于市级预算执行情况的审查报告" in history_page and "（修改稿）" in history_page
    assert "editor" in history_page and "审核通过：编辑 editor 的修改" in history_page
    versions = list(article.history.order_by("history_date"))
    assert [v.history_user.username for v in versions] == ["editor", "reviewer", "reviewer"]
    assert [v.title for v in versions][0] == "关于市级预算执行情况的审查报告"

    # The editor restores the first version (the uploaded draft): an edit too, so it waits for review; once
    # approved its fields come back and the status stays published.
    client.force_login(editor)
    first = versions[0]
    revert_url = reverse("admin:documents_article_simple_history", args=[article.pk, first.history_id])
    assert revert_url in client.get(reverse("admin:documents_article_history", args=[article.pk])).content.decode()
    revert_form = client.get(revert_url).context["adminform"].form
    assert revert_form["title"].value() == "关于市级预算执行情况的审查报告"
    assert client.post(revert_url, form_data(revert_form)).status_code == 302
    article.refresh_from_db()
    assert article.title.endswith("（修改稿）")
    client.force_login(reviewer)
    restored = article.revisions.get(status="pending")
    client.post(reverse("admin:documents_article_revision", args=[article.pk, restored.pk]), {"decision": "approve"})
    article.refresh_from_db()
    assert article.title == "关于市级预算执行情况的审查报告" and article.status == Article.Status.PUBLISHED
    assert article.history.count() == 4
    assert not found("修改稿", article)[0] and found("预算执行", article)[0]

    # The reviewer deletes it: it goes to the 回收站, off the site and out of search.
    delete_url = reverse("admin:documents_article_delete", args=[article.pk])
    assert "确定要将文章“关于市级预算执行情况的审查报告”移入回收站吗" in client.get(delete_url).content.decode()
    response = client.post(delete_url, {"post": "yes"}, follow=True)
    assert "已移入回收站" in response.content.decode()
    assert article.title not in client.get(reverse(CHANGELIST)).content.decode()
    assert article.title in client.get(reverse(BIN)).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert found("预算执行", article) == (False, 0)

    # ...and restores it from there.
    client.post(reverse(BIN), {"action": "restore", "_selected_action": [article.pk]})
    assert article.title in client.get(reverse(CHANGELIST)).content.decode()
    assert article.title not in client.get(reverse(BIN)).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert found("预算执行", article)[0]
    assert [v.history_change_reason for v in article.history.order_by("history_date")][-2:] == ["移入回收站", "从回收站恢复"]
