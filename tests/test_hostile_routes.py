"""Hostile path values never make a server error (issue 20): the addresses found failing, then a walk over every
URL pattern of the URLconf (public and admin) with non-numbers, numbers past the database's integers and null bytes
in each of its parameters, by GET and HEAD, as a visitor and as a superuser."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from documents.models import ArticleRevision

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db

OVERFLOW = "99999999999999999999"
JUST_PAST_BIGINT = "9223372036854775808"
HOSTILE = ["abc", OVERFLOW, JUST_PAST_BIGINT, "-1", "%00", "a%00b", "1%00", "%E4%B8%AD%E6%96%87", "..%2F..%2Fetc"]


@pytest.fixture
def site(client):
    """A published article with a second version and a pending revision, and a superuser's client."""
    first = make_article("条例（2020年）")
    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-tests")
    revision = ArticleRevision.objects.create(article=first, author=admin, proposed={"title": "条例（修改）"})
    client.raise_request_exception = False
    return {"article": first, "revision": revision, "admin": admin}


def answers(client, url):
    return [client.get(url).status_code, client.head(url).status_code]


REPORTED = [
    "/media/%00",
    "/media/a%00b",
    f"/articles/{OVERFLOW}/compare/{{a}}/",
    f"/articles/{{a}}/compare/{OVERFLOW}/",
    f"/articles/{JUST_PAST_BIGINT}/compare/{{a}}/",
    f"/articles/{{a}}/compare/{JUST_PAST_BIGINT}/",
]
REPORTED_STAFF = [
    "/admin/documents/article/abc/preview/",
    "/admin/documents/article/abc/revisions/{r}/",
    "/admin/documents/article/abc/history/",
    "/admin/documents/article/{a}/history/abc/",
    f"/admin/documents/article/{OVERFLOW}/revisions/{{r}}/",
    f"/admin/documents/article/{OVERFLOW}/preview/",
    f"/admin/documents/article/{OVERFLOW}/history/",
    f"/admin/documents/article/{{a}}/history/{OVERFLOW}/",
    f"/admin/documents/article/?date__year={OVERFLOW}",
    "/admin/documents/article/?date__year=9999",
    f"/admin/documents/meeting/?date__year={OVERFLOW}",
]


def test_reported_addresses_answer_404_or_400(client, site):
    values = {"a": site["article"].pk, "r": site["revision"].pk}
    for url in REPORTED:
        assert set(answers(client, url.format(**values))) <= {400, 404}, url
    client.force_login(site["admin"])
    for url in REPORTED_STAFF:
        statuses = answers(client, url.format(**values))
        # The changelist answers a filter it cannot apply by showing itself with ?e=1 (Django's way).
        assert all(status in (400, 404) or status == 302 and "date__year" in url for status in statuses), url


def patterns(resolvers=None, prefix=""):
    """Every URL pattern of the site as (full pattern text, is regex)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)|\([^)]*\)")


def fill(pattern, values):
    """The address of `pattern` with its parameters replaced, one by one, by `values`."""
    text = pattern.replace("^", "").replace("$", "")
    parts = PARAMETER.split(text)
    count = len(parts) - 1
    url = parts[0]
    for index in range(count):
        url += values[index] + parts[index + 1]
    return "/" + url, count


def test_every_route_with_hostile_values_answers_without_a_server_error(client, site):
    valid = str(site["article"].pk)
    seen, failures = set(), []
    all_patterns = list(patterns())
    assert len(all_patterns) > 50 and any(p.startswith("admin/") for p in all_patterns)
    for logged_in in (False, True):
        if logged_in:
            client.force_login(site["admin"])
        for pattern in all_patterns:
            _, count = fill(pattern, [valid] * 8)
            if count == 0:
                continue
            for hostile in HOSTILE:
                # Each parameter hostile in turn, the others valid, then all of them hostile.
                combos = [[hostile if i == j else valid for i in range(count)] for j in range(count)]
                combos.append([hostile] * count)
                for values in combos:
                    url, _ = fill(pattern, values)
                    if url in seen:
                        continue
                    seen.add(url)
                    for status in answers(client, url):
                        if status >= 500:
                            failures.append((status, url, "staff" if logged_in else "visitor"))
        seen.clear()
    assert not failures, "\n".join(f"{status} {url} ({who})" for status, url, who in sorted(set(failures)))
