"""Faults of a real OpenSearch cluster started by search-cluster/cluster.sh (`make opensearch`): a node killed while
searches and saves run, and the whole cluster stopped and started again. They stop and start that cluster's nodes, so
they run only when SEARCH_TEST_FAULTS=1 says the cluster at SEARCH_TEST_URL is theirs to break (`.ci/run` does).
Bounded: every wait has a deadline."""

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from documents.models import Article, Column
from documents.search.index import indexing, queue
from documents.search.backends.opensearch import OpenSearchBackend
from documents.search.interface import Filters
from documents.search.language.parsing import parse_query
from documents.search.query import search
from tests.search_support import cluster_or_skip, load_sample, unique_prefix, use_cluster

SCRIPT = Path(__file__).resolve().parent.parent / "search-cluster" / "cluster.sh"
SAVES = 8


def cluster_sh(*args, timeout=240):
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.fixture
def cluster(db, settings):
    if os.environ.get("SEARCH_TEST_FAULTS") != "1":
        if os.environ.get("SEARCH_TEST_REQUIRED") == "1":
            pytest.fail("SEARCH_TEST_REQUIRED=1 but SEARCH_TEST_FAULTS is not 1")
        pytest.skip("SEARCH_TEST_FAULTS=1 not set: these tests stop nodes of the cluster at SEARCH_TEST_URL")
    url, prefix = cluster_or_skip(), unique_prefix("faults")
    load_sample()
    with use_cluster(url, prefix, settings) as backend:
        search_index = indexing.get_search_index()
        backend.rebuild(search_index, search_index.index_queryset())
        yield backend
    cluster_sh("start")  # whatever a failed test left stopped
    OpenSearchBackend("default", URL=url, INDEX_PREFIX=prefix).clear()


def save(number):
    """A published article with a title nobody else has; its index operation is queued by the save."""
    article = Article(title=f"第{number}号水獭保护公告", column=Column.objects.get(slug="news"),
                      status=Article.Status.PUBLISHED)
    article.set_plain_text_body(f"水獭保护公告第{number}号。")
    article.save()
    return article


def found(article):
    return [hit.pk for hit in search(f'"{article.title}"').hits] == [article.pk]


def health(backend, status, seconds):
    return backend.client.cluster.health(wait_for_status=status, timeout=f"{seconds}s",
                                         params={"request_timeout": seconds + 10})


def test_a_killed_node_leaves_searches_and_saves_going_and_the_cluster_heals(cluster):
    manager = cluster.client.cat.cluster_manager(format="json")[0]["node"]
    # Two manager-eligible nodes elect with one vote (the manager's): the other one can go without an election.
    victim = next(n["name"] for n in cluster.client.cat.nodes(format="json") if n["name"] != manager)
    expected = cluster.run_query(parse_query('"国务院"'), Filters(), "relevance", 1, 20).count
    answers, failures, stop = [], [], threading.Event()

    def searching():
        deadline = time.monotonic() + 300
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                answers.append(cluster.run_query(parse_query('"国务院"'), Filters(), "relevance", 1, 20).count)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                failures.append(repr(exc))

    reader = threading.Thread(target=searching)
    reader.start()
    try:
        saved = []
        for number in range(SAVES):
            if number == SAVES // 2:
                cluster_sh("kill-node", victim.removeprefix("node-"))
                before = len(answers)
                # The node is really gone (the cluster at SEARCH_TEST_URL is the one cluster.sh started).
                assert cluster.client.cluster.health(wait_for_nodes="1", timeout="60s",
                                                    params={"request_timeout": 70})["number_of_nodes"] == 1
            saved.append(save(number))
            queue.apply_pending()  # acknowledged by the cluster, or it raises and the test fails
        during = len(answers) - before
    finally:
        stop.set()
        reader.join(timeout=60)
    assert failures == [] and during > 0 and set(answers) == {expected}
    assert queue.pending_count() == 0 and all(found(article) for article in saved)
    cluster_sh("start-node", victim.removeprefix("node-"))
    assert health(cluster, "green", 120)["status"] == "green"
    assert health(cluster, "green", 5)["number_of_nodes"] == 2


def test_a_stopped_cluster_keeps_the_saves_queued_and_finds_them_once_back(cluster):
    cluster_sh("stop")
    with pytest.raises(Exception):
        cluster.client.cluster.health()  # nothing answers any more
    saved = [save(number) for number in range(3)]
    with pytest.raises(Exception):
        queue.apply_pending()
    assert queue.pending_count() == 3
    assert search("水獭").unavailable
    cluster_sh("start")
    assert queue.apply_pending() == 3 and queue.pending_count() == 0
    assert all(found(article) for article in saved)
