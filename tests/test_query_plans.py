"""The hot queries of each page family are answered by the indexes documents/archive/pages.py names, on
whichever database the suite runs (issue 26): every query a page runs is explained (SQLite's EXPLAIN QUERY PLAN,
PostgreSQL's EXPLAIN) and the plans must name those indexes and read no table of articles, citations, related
documents or attachments whole.

On PostgreSQL a table of a few test rows is cheaper to read whole, and without statistics the planner's pick
among several usable indexes is arbitrary; so for each page the test hides (drops, inside its transaction, which
is rolled back) every other index of the article table and disables sequential scans: the plans then show that
the named indexes alone answer the page. Whether the planner prefers them at a given size is measured by
bench/load.py --database postgres and described in docs/operations.md."""

import re
from contextlib import contextmanager, nullcontext

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from documents.models import Article, Citation

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db


def plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor.fetchall())


def page_plans(client, url):
    """The plans of every query the page at `url` runs (rendered fresh: the page cache is bypassed)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"plans": "1"})  # a query string the page cache does not keep
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            # The logged SQL has its parameters inlined; explaining it as is needs no parameters.
            plans.append(plan(sql.replace("%", "%%") if connection.vendor == "postgresql" else sql, ()))
    return "\n".join(plans)


@pytest.fixture
def no_sequential_scans():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
    else:
        yield


@pytest.fixture
def archive():
    """A few documents in several columns: two versions of a regulation citing each other, a picture, notices."""
    first = make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, date=(2010, 1, 1), body="第一条 绿化。")
    second = make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, date=(2020, 1, 1),
                          body="第一条 绿化。依据《平顶山市城市绿化条例》。")
    make_article("通知", column_slug="notices")
    make_article("要闻", cover_image="images/a.png", cover_alt="图")
    citing = make_article("引用者", body="根据《平顶山市城市绿化条例》。")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.regulation_id and first.regulation_id == second.regulation_id
    assert Citation.objects.filter(citing=citing, cited__isnull=False).exists()
    return {"old": first, "new": second, "cited": Citation.objects.filter(citing=citing).first().cited}


def uses(plans, index):
    """Whether a plan reads through `index` (SQLite: USING [COVERING] INDEX name; PostgreSQL: using name)."""
    return re.search(rf"USING (COVERING )?INDEX (?:{index})\b|Index (Only )?Scan (Backward )?using (?:{index})\b"
                     rf"|Bitmap Index Scan on (?:{index})\b", plans) is not None


def scans_whole(plans, table):
    """Whether a plan reads all of `table` (SQLite: SCAN table; PostgreSQL: Seq Scan on table)."""
    return re.search(rf"(^|\s)SCAN {table}\b|Seq Scan on {table}\b", plans, flags=re.M) is not None


# Page family: (address, the indexes pages.py names for its queries). No page reads a whole table of articles,
# citations, related documents or attachments.
LISTS = {
    "home": ("/", ["portal_cover", "portal_column"]),
    "column": ("/columns/news/", ["portal_column"]),
    "feed": ("/feed/", ["portal_published"]),
    "column feed": ("/columns/news/feed/", ["portal_published"]),
}
TABLES = ["documents_article", "documents_citation", "documents_relateddocument", "documents_attachment"]


def keep_only(indexes):
    """PostgreSQL: drop the other indexes of the article and citation tables (not their primary keys and
    constraints) in a savepoint that is rolled back afterwards: on tables this small the planner may pick any index
    it can walk whole, so only the named one is left to answer. SQLite: nothing (its planner shows the named
    indexes as they are)."""
    if connection.vendor != "postgresql":
        return nullcontext()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('documents_article', 'documents_citation') AND"
            " indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid IN"
            " ('documents_article'::regclass, 'documents_citation'::regclass))")
        others = [name for (name,) in cursor.fetchall() if not any(re.fullmatch(i, name) for i in indexes)]
    return hidden(others)


@contextmanager
def hidden(names):
    savepoint = transaction.savepoint()
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP INDEX "{name}"')
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def check(client, family, url, indexes):
    """SQLite: the page's plans name all of `indexes`. PostgreSQL: each of them alone answers the page."""
    for kept in [[index] for index in indexes] if connection.vendor == "postgresql" else [indexes]:
        with keep_only(kept):
            plans = page_plans(client, url)
        for index in kept:
            assert uses(plans, index), f"{family}: {index} not in\n{plans}"
        for table in TABLES:
            assert not scans_whole(plans, table), f"{family}: {table} read whole\n{plans}"


def test_the_list_pages_use_their_indexes(client, archive, no_sequential_scans):
    for family, (url, indexes) in LISTS.items():
        check(client, family, url, indexes)


def test_the_article_comparison_and_cited_by_pages_use_their_indexes(client, archive, no_sequential_scans):
    pages = {
        "article": (archive["new"].get_absolute_url(), ["portal_versions"]),
        "comparison": (f"/articles/{archive['old'].pk}/compare/{archive['new'].pk}/", ["portal_versions"]),
        # The citing documents by the citation rows of the cited one: Django's index on the foreign key.
        "cited by": (f"/articles/{archive['cited'].pk}/cited-by/", ["documents_citation_cited_id_[0-9a-f]+"]),
    }
    for family, (url, indexes) in pages.items():
        check(client, family, url, indexes)


# The SQL queries each page family runs, the same on SQLite and PostgreSQL (the suite runs on both; the
# sessions' and the page cache's own queries are not counted: the cache is bypassed and nobody is logged in).
# A regulation's page and its 新旧对照 read their versions' fingerprints to tell one text filed twice from two
# versions (legislation.regulations.version_records): one query more for the article, two for the comparison.
QUERY_COUNTS = {"home": 4, "column": 5, "feed": 1, "column feed": 2, "article": 10, "comparison": 5, "cited by": 4,
                "speaker list": 2, "archive month": 5}


def test_query_counts_per_page_family(client, archive):
    urls = {**{family: url for family, (url, _) in LISTS.items()},
            "article": archive["new"].get_absolute_url(),
            "comparison": f"/articles/{archive['old'].pk}/compare/{archive['new'].pk}/",
            "cited by": f"/articles/{archive['cited'].pk}/cited-by/",
            "speaker list": "/speakers/", "archive month": "/archive/2020/01/"}
    counts = {}
    for family, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"plans": "1"}).status_code == 200, family
        counts[family] = len(captured)
    assert counts == QUERY_COUNTS


# PostgreSQL: the lists' newest-first order read from the indexes of migration 0018, no sort of the list's rows
# (its ascending portal_* indexes give NULLs first when read backwards). (page, a query of it, the index.)
IN_ORDER = {
    "column": ("/columns/news/", "ORDER BY", "pg_column_newest"),
    "feed": ("/feed/", "published_at", "pg_recently_published"),
    "home": ("/", "ROW_NUMBER", "pg_column_newest"),
}


def in_order(plan_text, index):
    """Whether the plan reads `index` in the order asked: no sort above it, or (the home page's window) the
    window's rows straight from it (the few winners are sorted afterwards)."""
    if "WindowAgg" in plan_text:
        return re.search(rf"WindowAgg[^\n]*\n(?:[^\n]*(?:Run Condition|Filter)[^\n]*\n)*"
                         rf"\s*->\s+Index (?:Only )?Scan using (?:{index})\b", plan_text) is not None
    return uses(plan_text, index) and "Sort" not in plan_text


def test_postgresql_reads_the_lists_newest_first_from_its_own_indexes(client, archive):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads its portal_* indexes backwards in this order (tested above)")
    with connection.cursor() as cursor:
        # Tables of a few rows: sorting them is cheap, so the planner is told not to, to show it need not.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
    older = archive["new"].get_absolute_url()  # the article's older neighbour in its column
    # The older neighbour: (date, id) < the article's, a range of the column's index read in date order.
    pages = {**IN_ORDER, "neighbours": (older, '"id") < (', "pg_(?:column_)?chronological")}
    for family, (url, marker, index) in pages.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"plans": "1"}).status_code == 200, family
        queries = [q["sql"] for q in captured.captured_queries if marker in q["sql"] and "documents_article" in q["sql"]]
        assert queries, family
        plans = [plan(sql.replace("%", "%%"), ()) for sql in queries]
        assert any(in_order(p, index) for p in plans), f"{family}: {index}\n" + "\n\n".join(plans)
