import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from documents.models import Article, Column, Meeting, Speaker

pytestmark = pytest.mark.django_db

# Each page and what it must show: its Chinese title and the records made by the `records` fixture.
ADMIN_PAGES = {
    "admin:documents_article_changelist": ["<h1>选择 文章 来修改</h1>", "关于某事的通知", "发布所选文章"],
    "admin:documents_article_add": ["<h1>增加 文章</h1>", 'name="title"', "发言人与会议", "修订沿革"],
    "admin:documents_column_changelist": ["<h1>选择 栏目 来修改</h1>", "人大要闻", "通知公告"],
    "admin:documents_speaker_changelist": ["<h1>选择 发言人 来修改</h1>", "张雷明", "合并所选发言人"],
    "admin:documents_meeting_changelist": ["<h1>选择 会议 来修改</h1>", "第五次会议"],
    "admin:documents_recycledarticle_changelist": ["<h1>选择 回收站中的文章 来修改</h1>", "回收站里的稿子"],
}


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("editor", "editor@example.cn", "a-long-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def records():
    column = Column.objects.get(slug="news")
    Article.objects.create(title="关于某事的通知", column=column, speaker=Speaker.objects.create(name="张雷明"))
    Article.objects.create(title="回收站里的稿子", column=column, deleted_at=timezone.now())
    Meeting.objects.create(name="市十一届人大常委会第五次会议")


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_show_their_records_in_chinese(staff_client, records, name):
    response = staff_client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ADMIN_PAGES[name]:
        assert text in page, text
    assert "回收站里的稿子" not in page or name.endswith("recycledarticle_changelist")


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_speaks_chinese_to_an_english_browser(staff_client, records, name):
    page = staff_client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans"' in page and ADMIN_PAGES[name][0] in page
    for english in ("Select ", "Welcome", "View site", "Log out", "Filter", "Action:", "Save", "Django"):
        assert english not in page, english


def test_login_page_speaks_chinese_to_an_english_browser(client):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "用户名" in page and "密码" in page and "Username" not in page


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_refuses_anonymous(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_refuses_non_staff_user(client):
    user = User.objects.create_user("citizen", password="a-long-password-1")
    client.force_login(user)
    response = client.get(reverse("admin:documents_article_changelist"))
    assert response.status_code == 302


def test_publish_and_unpublish_actions(staff_client):
    article = Article.objects.create(title="待发布", column=Column.objects.get(slug="news"))
    url = reverse("admin:documents_article_changelist")
    staff_client.post(url, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at
    staff_client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    reasons = [(v.history_user.username, v.history_change_reason) for v in article.history.order_by("history_id")[1:]]
    assert reasons == [("editor", "发布"), ("editor", "撤回为草稿")]


def test_changelist_filters_and_search(staff_client):
    news, notices = Column.objects.get(slug="news"), Column.objects.get(slug="notices")
    Article.objects.create(title="关于某事的通知", doc_number="平人常〔2022〕5号", column=news)
    Article.objects.create(title="已发布的要闻", column=news, status=Article.Status.PUBLISHED)
    Article.objects.create(title="另一栏目的草稿", column=notices)
    url = reverse("admin:documents_article_changelist")
    found = staff_client.get(url, {"q": "〔2022〕5号"}).content.decode()
    assert "关于某事的通知" in found and "已发布的要闻" not in found
    filtered = staff_client.get(url, {"status__exact": "draft", "column__id__exact": news.pk}).content.decode()
    assert "关于某事的通知" in filtered
    assert "已发布的要闻" not in filtered and "另一栏目的草稿" not in filtered
