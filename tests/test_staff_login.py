"""Repeated failed admin logins are throttled (django-axes): 5 failures lock that user from that address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.staff_support import PASSWORD, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Every attempt hashes a password; the real hasher's slowness is no part of what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_fifth_failure_locks_out_even_the_right_password(client, settings):
    staff_user("clerk", "编辑")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "clerk", "wrong-password")
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    locked = attempt(client, "clerk", "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟后再试" in page
    # The page is rendered outside the admin: it names the site itself, never Django.
    assert f'<div id="site-name"><a href="/admin/">{settings.SITE_NAME}</a></div>' in page
    assert f"<title>登录已暂时锁定 | {settings.SITE_NAME}</title>" in page and "Django" not in page
    assert attempt(client, "clerk", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address_and_ends_after_the_cool_off(client, settings):
    staff_user("clerk", "编辑")
    staff_user("colleague", "审核")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk", "wrong-password")
    assert attempt(client, "clerk", PASSWORD).status_code == 429
    # A colleague behind the same office address, and the clerk from elsewhere, still get in.
    assert attempt(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "clerk", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1))
    assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_successful_login_resets_the_count(client, settings):
    staff_user("clerk", "编辑")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "clerk", "wrong-password")
    assert attempt(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "clerk", "wrong-password")
    assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_login_without_a_request_still_works(client):
    # The test client's login() and shell scripts authenticate without a request; axes is skipped there.
    User.objects.create_user("script", password=PASSWORD, is_staff=True)
    assert client.login(username="script", password=PASSWORD)
    assert not client.login(username="script", password="wrong")


def test_the_login_page_has_a_heading(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert html.count("<h1") == 1 and "<h1>登录文档管理</h1>" in html
    assert 'name="username"' in html  # still Django's form under it
