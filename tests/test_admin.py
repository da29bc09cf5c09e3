import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from documents.models import Article, Column

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:documents_article_changelist",
    "admin:documents_article_add",
    "admin:documents_column_changelist",
    "admin:documents_speaker_changelist",
    "admin:documents_meeting_changelist",
]


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("editor", "editor@example.cn", "a-long-password-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_load_for_staff_in_chinese(staff_client, name):
    response = staff_client.get(reverse(name))
    assert response.status_code == 200
    assert "文章" in response.content.decode() or "栏目" in response.content.decode()


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
    Article.objects.create(title="关于某事的通知", doc_number="平人常〔2022〕5号", column=Column.objects.get(slug="news"))
    url = reverse("admin:documents_article_changelist")
    assert "关于某事的通知" in staff_client.get(url, {"q": "〔2022〕5号"}).content.decode()
    assert staff_client.get(url, {"status__exact": "draft", "column__id__exact": 3}).status_code == 200
