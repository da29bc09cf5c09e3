"""Staff read Chinese everywhere in the admin: the history page's columns, reasons and values, the restore form,
the login page after a wrong password, the sidebar's table headers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from documents.editorial import workflow
from documents.models import Column, Speaker
from tests.portal_helpers import make_article, page_text
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(Changes|None|Revision seen|Model name|Add link|Change or view list link|Error|Deleted|pk=)\b")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer():
    client = Client()
    client.force_login(staff_user("lisi", "审核"))
    return client


def visible_english(response):
    return ENGLISH.findall(page_text(response))


def test_the_history_page_names_fields_values_and_reasons_in_chinese(reviewer):
    user = staff_user("wangwu", "审核")
    article = make_article("关于预算审查监督的决定")
    workflow.unpublish([article], user)
    article.refresh_from_db()
    article.column = Column.objects.get(slug="notices")
    article.speaker = Speaker.objects.create(name="临时发言人")
    workflow.save_edit(article, user)
    Speaker.objects.filter(name="临时发言人").delete()
    workflow.publish([article], user)

    response = reviewer.get(reverse("admin:documents_article_history", args=[article.pk]))
    text = page_text(response)
    assert visible_english(response) == []
    assert "状态：已发布 → 草稿" in text and "状态：草稿 → 已发布" in text
    assert "改动" in text and "原因" in text and "撤回为草稿" in text
    assert "（已删除的" in text


def test_the_restore_form_has_no_english_label(reviewer):
    article = make_article("关于预算审查监督的决定")
    record = article.history.first()
    response = reviewer.get(reverse("admin:documents_article_simple_history", args=[article.pk, record.pk]))
    assert response.status_code == 200 and visible_english(response) == []


def test_a_wrong_password_is_told_in_chinese_and_the_sidebar_speaks_chinese(reviewer):
    staff_user("zhaoliu", "编辑")
    response = Client().post(reverse("admin:login"), {"username": "zhaoliu", "password": "wrong"})
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.startswith("错误：") and "Error" not in title
    index = reviewer.get(reverse("admin:index"))
    assert "Model name" not in index.content.decode() and "Add link" not in index.content.decode()
