"""The OpenSearch backend's operations on a real cluster (SEARCH_TEST_URL; skipped without one, failing when it does
not answer): rebuild beside the live index and switch the alias, the index queue retrying until the cluster
acknowledges, and an unreachable cluster answered by 搜索暂不可用 (503) while pages keep working. Node faults are in
test_search_cluster_faults.py."""

import pytest
from django.urls import reverse

from documents.models import Article, IndexOperation
from documents.search.index import indexing, queue
from documents.search.backends.opensearch import OpenSearchBackend
from documents.search.interface import SearchUnavailable
from documents.search.query import search
from tests.search_support import cluster_or_skip, load_sample, unique_prefix, use_cluster

# Nothing listens here (a port of this project's range kept free): the cluster as a site sees it when it is down.
DOWN_URL = "http://127.0.0.1:8199/"


@pytest.fixture
def cluster(db, settings):
    url, prefix = cluster_or_skip(), unique_prefix("ops")
    with use_cluster(url, prefix, settings) as backend:
        yield backend
    OpenSearchBackend("default", URL=url, INDEX_PREFIX=prefix).clear()


def live_indexes(backend):
    return sorted(backend.client.indices.get_alias(name=backend.alias).keys())


def rebuild(backend):
    search_index = indexing.get_search_index()
    return backend.rebuild(search_index, search_index.index_queryset())


def test_rebuild_fills_a_new_index_while_the_old_one_answers_then_moves_the_alias(cluster):
    load_sample()
    assert rebuild(cluster) == 40
    before, expected = live_indexes(cluster), search("国务院").count
    assert expected > 0
    seen_while_building = []

    def articles():
        for number, article in enumerate(indexing.get_search_index().index_queryset()):
            if number == 20:  # halfway: the site still answers from the live index, and it is still the old one
                seen_while_building.append((search("国务院").count, live_indexes(cluster)))
            yield article

    search_index = indexing.get_search_index()
    assert cluster.rebuild(search_index, articles()) == 40
    assert seen_while_building == [(expected, before)]
    after = live_indexes(cluster)
    assert len(after) == 1 and after != before
    assert cluster.client.indices.exists(index=before[0]) is False  # the old index is dropped
    assert search("国务院").count == expected
    settings = cluster.client.indices.get_settings(index=after[0])[after[0]]["settings"]["index"]
    assert settings["number_of_replicas"] == "1"


def test_the_queue_keeps_what_the_cluster_did_not_acknowledge_and_drains_when_it_answers(cluster, settings):
    load_sample()
    rebuild(cluster)
    article = Article.objects.get(pk=1)
    article.title = "水母保护专项条例"
    article.save()
    assert queue.pending_count() == 1
    with use_cluster(DOWN_URL, cluster.alias.removesuffix("-articles"), settings):
        with pytest.raises(SearchUnavailable):
            queue.apply_pending()
        assert queue.pending_count() == 1  # nothing acknowledged: the operation stays
        results = search("水母")
        assert results.unavailable and results.messages == ["搜索暂不可用，请稍后再试。"]
    assert search("水母").count == 0
    assert queue.apply_pending() == 1 and queue.pending_count() == 0
    assert [hit.pk for hit in search("水母").hits] == [1]
    article.status = Article.Status.DRAFT
    article.save()
    assert queue.apply_pending() == 1
    assert search("水母").count == 0 and 1 not in cluster.indexed_ids()
    article.delete()
    assert queue.apply_pending() == 1  # removing what is already gone is no error


def test_a_down_cluster_gives_a_503_search_page_and_pages_still_work(client, cluster, settings):
    load_sample()
    with use_cluster(DOWN_URL, "down", settings):
        response = client.get(reverse("documents:search"), {"q": "国务院"})
        assert response.status_code == 503
        assert "搜索暂不可用" in response.content.decode()
        article = Article.objects.get(pk=1)
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/").status_code == 200
    assert not IndexOperation.objects.exists()
