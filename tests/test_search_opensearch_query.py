"""What the OpenSearch backend sends, checked without a cluster: the bigram stream keeps the Whoosh positions, the
score's parts stay apart whatever ranking.py's weights, and SEARCH_URL's nodes are read as the client needs them."""

from documents.search import analysis
from documents.search.language import equivalents
from documents.search.backends import ranking
from documents.search.backends import opensearch
from documents.search.language.parsing import MAX_TERMS


def test_the_bigram_stream_puts_every_term_at_its_whoosh_position():
    text = "第一条　为了规范人大常委会的工作，制定本办法。ABC 2024年"
    tokens = opensearch.bigram_stream(text).split(" ")
    positions = {}
    for position, token in enumerate(tokens):
        if token != opensearch.GAP:
            positions.setdefault(token, []).append(position)
    assert positions == {term: list(poses) for term, poses in analysis.bigram_positions(text).items()}
    assert opensearch.GAP not in analysis.runs(text + "_")


def test_tiers_names_and_the_smaller_parts_never_mix():
    weights = ranking.weights()
    tiers = [weights.title, weights.byline, weights.body]
    for value in tiers + [t * weights.equivalent for t in tiers]:
        assert abs(value / opensearch.SMALLEST_TIER - round(value / opensearch.SMALLEST_TIER)) < 1e-9, value
    assert opensearch.IN_FORCE + max(opensearch.WORDS_CAP, opensearch.BAND_ROOM) < opensearch.SMALLEST_TIER
    assert opensearch.NAME_STEP > MAX_TERMS * sum(tiers)
    assert equivalents.SHARE < 1


def test_search_url_names_one_node_or_several():
    assert opensearch.hosts("http://127.0.0.1:9200/") == [{"host": "127.0.0.1", "port": 9200, "use_ssl": False}]
    two = opensearch.hosts("http://127.0.0.1:9200/, https://u:p@search.example:9443/")
    assert two[1] == {"host": "search.example", "port": 9443, "use_ssl": True, "http_auth": ("u", "p")}


def test_a_forked_process_gets_its_own_client():
    """gunicorn forks its workers from a master that searched once (warm_up): they must not share its sockets."""
    import os

    backend = opensearch.OpenSearchBackend("default", URL="http://127.0.0.1:9200/")
    first = backend.client
    assert backend.client is first
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports whether it got a client of its own
        os.write(writer, b"own" if backend.client is not first else b"shared")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(reader, 10) == b"own"
