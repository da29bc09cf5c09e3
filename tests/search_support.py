"""Helpers for the search tests: pointing haystack at a given index folder, and the sample documents."""

import contextlib
import json
import os
import threading
import uuid
from pathlib import Path

from django.conf import settings as django_settings

SAMPLE = Path(__file__).parent / "fixtures" / "search_sample.jsonl"


@contextlib.contextmanager
def use_index(path, settings=None):
    """Make haystack's default connection use the Whoosh index in `path` (settings: pytest-django's fixture,
    so the change is undone after the test)."""
    from haystack import connections

    conf = {"default": {**django_settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(path)}}
    if settings is not None:
        settings.HAYSTACK_CONNECTIONS = conf
    saved = connections.connections_info, connections.thread_local
    connections.connections_info, connections.thread_local = conf, threading.local()
    try:
        yield path
    finally:
        connections.connections_info, connections.thread_local = saved


def sample_records():
    with SAMPLE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_sample(rewrite=None):
    """The sample documents as published articles with fixed ids (1..n), so an index built once matches the
    database of every test; rewrite(pk, record) may change a record first (the same way in every test)."""
    from documents.common.dates import parse_partial_date
    from documents.models import Article, Column, Meeting, Speaker

    columns = {c.name: c for c in Column.objects.all()}
    kinds = {label: value for value, label in Article.Kind.choices}
    articles = []
    for pk, record in enumerate(sample_records(), start=1):
        record = rewrite(pk, record) if rewrite else record
        article = Article(
            pk=pk, title=record["title"], column=columns[record["category"]], kind=kinds[record["kind"]],
            doc_number=record.get("doc_number") or "", issuer=record.get("issuer") or "",
            speaker_title=record.get("speaker_title") or "", status=Article.Status.PUBLISHED,
        )
        article.set_partial_date(parse_partial_date(record.get("date")))
        if record.get("speaker"):
            article.speaker = Speaker.objects.get_or_create(name=record["speaker"], organization="")[0]
        if record.get("meeting"):
            article.meeting = Meeting.objects.get_or_create(name=record["meeting"])[0]
        article.set_plain_text_body(record["body"])
        articles.append(article)
    return Article.objects.bulk_create(articles)


# --- the OpenSearch cluster of the behaviour suite ------------------------------------------------------------------

# The cluster the OpenSearch parametrisation runs against (`.ci/run` starts one and sets it; locally: `make opensearch`
# then SEARCH_TEST_URL=http://127.0.0.1:9200/,http://127.0.0.1:9201/). Unset: those tests are skipped; set but
# unreachable: they fail, so that a CI pass can never count a skipped backend as a passing one.
CLUSTER_URL = os.environ.get("SEARCH_TEST_URL", "")


def cluster_or_skip():
    """The test cluster's URL; skips when none is configured, fails when the configured one does not answer."""
    import pytest

    if not CLUSTER_URL:
        if os.environ.get("SEARCH_TEST_REQUIRED") == "1":  # a CI pass that must exercise the cluster
            pytest.fail("SEARCH_TEST_REQUIRED=1 but no SEARCH_TEST_URL names a cluster")
        pytest.skip("no SEARCH_TEST_URL: the OpenSearch backend is not exercised here")
    from opensearchpy import OpenSearch

    from documents.search.backends.opensearch import hosts

    client = OpenSearch(hosts=hosts(CLUSTER_URL), timeout=10)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="30s", params={"request_timeout": 40})
    except Exception as exc:  # noqa: BLE001 - any failure to answer is the same failure here
        pytest.fail(f"SEARCH_TEST_URL={CLUSTER_URL} does not answer: {exc}")
    assert health["status"] in ("green", "yellow"), health
    return CLUSTER_URL


@contextlib.contextmanager
def use_cluster(url, prefix, settings=None):
    """Make haystack's default connection the OpenSearch backend on `url` with indexes named `prefix`-…"""
    from haystack import connections

    conf = {"default": {"ENGINE": "documents.search.backends.opensearch.OpenSearchEngine", "URL": url,
                        "INDEX_PREFIX": prefix}}
    if settings is not None:
        settings.HAYSTACK_CONNECTIONS = conf
    saved = connections.connections_info, connections.thread_local
    connections.connections_info, connections.thread_local = conf, threading.local()
    try:
        yield connections["default"].get_backend()
    finally:
        connections.connections_info, connections.thread_local = saved


def unique_prefix(name):
    """An index prefix no other test run uses at the same time (CI and developers may share one cluster)."""
    return f"test-{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
