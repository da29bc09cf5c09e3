"""The OpenSearch backend: the archive's index on an OpenSearch 2 cluster (settings.SEARCH_URL), answering the same
parsed queries as the Whoosh path with the same analysis.

The texts are sent pre-tokenised by analysis.py (jieba words for ranking, character bigrams with their positions
for exact substring recall, NFKC, lower case and the traditional/simplified fold already applied), and the cluster
only splits them on spaces: both engines see identical terms. A bigram stream keeps the Whoosh positions, an empty
position between runs being a GAP token that the index drops (its position stays empty). A string is a phrase over
its bigrams, a single character the prefix of the bigrams (served by the field's one-character prefix index, one
term: the Whoosh path's expansion bound has nothing to bound here).

Ranking follows ranking.py's order: what the whole query names, then the tiers (the string in the title > the byline
> the body > only its words; an equivalent form weighs equivalents.SHARE of the typed one), all as constant scores;
then a document not superseded before one 已被修改, then the band of the words' BM25, then newest first (ORDER
turns the summed score into that key). The BM25 is OpenSearch's (its idf differs a little from the Whoosh path's),
so inside a tier two documents of neighbouring bands may swap (docs/search-cluster.md).

The live index is an alias over a physical index; rebuild() builds a new physical index beside it and moves the
alias in one step. A write refreshes the index before it returns: a save is searchable once the queue let go of it
(waiting for the periodic refresh instead cost the admin's save a second more; batches are small, a full build
refreshes once).
"""

import datetime
import multiprocessing
import os
from urllib.parse import urlsplit

from django.conf import settings
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from opensearchpy import OpenSearch, helpers
from opensearchpy import exceptions as errors

from .. import analysis, schema
from ..language import budget, equivalents
from . import ranking
from ..interface import Found, IndexUnavailable, SearchUnavailable

GAP = "_"  # never a term: analysis.RUN leaves out the underscore
PRETOKENISED, POSITIONED = schema.PRETOKENISED, schema.POSITIONED
# Scores: the tiers are constant scores, multiples of the smallest gap between two (an equivalent found in the
# body). Below that gap, the script of ORDER adds what Whoosh's sort key has after the tier: IN_FORCE for a document
# not superseded (已被修改 last), then the band of the words' BM25 (sent squeezed under WORDS_CAP, unsqueezed there),
# scaled under BAND_ROOM. What the whole query names sits at NAME_STEP levels (in ranking.names' order), far above
# any tier sum yet low enough for a float score to keep the smaller parts.
SMALLEST_TIER = ranking.BODY_SCORE * equivalents.SHARE
IN_FORCE = SMALLEST_TIER / 2
WORDS_CAP = SMALLEST_TIER / 2 * 0.98
WORDS_HALF = 10.0  # the BM25 score squeezed to half of WORDS_CAP
BAND_ROOM = SMALLEST_TIER / 2 * 0.98
BANDS = 80  # the bands kept: BM25 from 1.25 ** -40 to 1.25 ** 40
NAME_STEP = 1e6
ORDER = """
double s = _score;
double level = 0;
if (s >= params.name_step) { level = params.name_step * Math.floor(s / params.name_step); s = 0; }
double tier = params.smallest * Math.floor(s / params.smallest);
double w = Math.min(s - tier, params.cap * 0.999);
double band = 0;
if (w > 0) {
  double bm25 = params.half * w / (params.cap - w);
  double b = Math.floor(Math.log(bm25) / Math.log(params.ratio)) + params.bands / 2;
  band = Math.max(0, Math.min(params.bands, b)) * params.room / params.bands;
}
boolean amended = doc[params.validity].size() > 0 && doc[params.validity].value == 'amended';
return level + tier + band + (amended ? 0 : params.in_force);
"""
AGGREGATION_SIZE = 10_000  # every value of a facet (years, columns, speakers: hundreds at most)
# How deep results may be read (index.max_result_window): search() reads pages of at most 100, and a recall check
# reads every result at once.
MAX_WINDOW = 100_000
TIMEOUT = 10  # seconds a search may take (each attempt)
WRITE_TIMEOUT = 120  # seconds a bulk write may take (each attempt): long laws, and a node busy collecting garbage
BUILD_CHUNK = 200
CHUNK_BYTES = 8 * 1024 * 1024


def hosts(url):
    """The client's hosts from SEARCH_URL: one URL or several, comma-separated (each node: a client survives one)."""
    found = []
    for part in filter(None, (p.strip() for p in url.split(","))):
        parts = urlsplit(part)
        found.append({"host": parts.hostname, "port": parts.port or 9200, "use_ssl": parts.scheme == "https",
                      **({"http_auth": (parts.username, parts.password or "")} if parts.username else {})})
    return found


# --- the index's settings, mapping and documents -----------------------------------------------------------------


def index_body(replicas):
    texts = [f.name for f in schema.FIELDS if f.kind in (schema.WORDS, schema.BIGRAMS)]
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": replicas,
            "max_result_window": MAX_WINDOW,
            "similarity": {"default": {"type": "BM25", "k1": schema.BM25_K1, "b": schema.BM25_B}},
            "analysis": {
                "filter": {"gap": {"type": "stop", "stopwords": [GAP]}},
                "analyzer": {
                    PRETOKENISED: {"type": "custom", "tokenizer": "whitespace"},
                    POSITIONED: {"type": "custom", "tokenizer": "whitespace", "filter": ["gap"]},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            # The texts are rebuilt from the database, never read back: the source keeps only the small fields.
            "_source": {"excludes": texts},
            "properties": schema.opensearch_mapping(),
        },
    }


def bigram_stream(text):
    """The bigram terms of `text` in position order, GAP where Whoosh leaves a position empty."""
    positions = analysis.bigram_positions(text)
    if not positions:
        return ""
    slots = [GAP] * (1 + max(p for poses in positions.values() for p in poses))
    for term, poses in positions.items():
        for pos in poses:
            slots[pos] = term
    return " ".join(slots)


def to_document(prepared):
    """The cluster's document of haystack's prepared values (SearchIndex.full_prepare)."""
    doc = {}
    for field in schema.FIELDS:
        value = prepared.get(field.name)
        if value is None or value == "" or value == []:
            continue
        if field.kind == schema.WORDS:
            doc[field.name] = " ".join(analysis.words(value))
        elif field.kind == schema.BIGRAMS:
            doc[field.name] = bigram_stream(value)
        elif field is schema.BYLINE:
            doc[field.name] = analysis.normalize(value)  # matched by substring, as Whoosh's byline table is
        elif field.kind == schema.DATE_KIND:
            doc[field.name] = (value.date() if isinstance(value, datetime.datetime) else value).isoformat()
        elif field.kind == schema.KEYS:
            doc[field.name] = list(value)
        else:
            doc[field.name] = str(value)
    return doc


def _prepared(index, objects):
    for obj in objects:
        try:
            yield index.full_prepare(obj)
        except SkipDocument:
            pass


def _documents(index, objects, procs):
    """The cluster's documents of the objects, in order; with procs > 1 the texts are cut (jieba, bigrams: most of
    a build's time) in that many forked processes while this one reads the database and sends."""
    prepared = _prepared(index, objects)
    if procs <= 1:
        yield from map(to_document, prepared)
        return
    analysis.load_dictionary()  # once, shared by the forked processes
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        yield from pool.imap(to_document, prepared, chunksize=8)


# --- queries -----------------------------------------------------------------------------------------------------


def _constant(query, score):
    return {"constant_score": {"filter": query, "boost": score}}


def _run_in(fieldname, run):
    """Documents whose bigram field contains one run (a single character: any bigram it begins)."""
    if len(run) == 1:
        return {"prefix": {fieldname: run}}
    return {"match_phrase": {fieldname: {"query": " ".join(analysis.run_terms(run)), "analyzer": PRETOKENISED}}}


def string_in(fieldname, runs):
    return {"bool": {"filter": [_run_in(fieldname, run) for run in runs]}}


def _byline_contains(runs):
    return {"bool": {"filter": [{"wildcard": {schema.BYLINE.name: {"value": f"*{_escape(run)}*"}}} for run in runs]}}


def _escape(text):
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def _tiers(form, scale, weights):
    """The constant score of where a form's string is found: the sum over title, byline and body."""
    return {"bool": {"should": [
        _constant(string_in(schema.TITLE_BIGRAMS.name, form.runs), weights.title * scale),
        _constant(_byline_contains(form.runs), weights.byline * scale),
        _constant(string_in(schema.TEXT_BIGRAMS.name, form.runs), weights.body * scale),
    ], "minimum_should_match": 1}}


def _words(clause):
    """BM25 of the clause's jieba words, all of them in the title (counting double) or all in the text."""
    text = " ".join(clause.words)
    return {"bool": {"should": [
        {"match": {schema.TITLE.name: {"query": text, "operator": "and", "analyzer": PRETOKENISED, "boost": 2.0}}},
        {"match": {schema.TEXT.name: {"query": text, "operator": "and", "analyzer": PRETOKENISED}}},
    ], "minimum_should_match": 1}}


def _clause(clause, weights):
    """A clause matches by its string (or an equivalent's: each document keeps its best form) or by its words (or
    an equivalent's)."""
    forms = [_tiers(clause, 1.0, weights)] + [_tiers(f, weights.equivalent, weights) for f in clause.equivalents]
    options = [{"dis_max": {"queries": forms, "tie_breaker": 0.0}}]
    # Its words, or a variant's, apart: they match; the typed words' score is counted once, below.
    options += [{"bool": {"filter": _words(c)}} for c in (clause, *clause.equivalents) if not c.phrase and c.words]
    return {"bool": {"should": options, "minimum_should_match": 1}}


def _filters(filters):
    found = [{"term": {name: getattr(filters, name)}} for name in schema.FILTERS if getattr(filters, name)]
    return found


def _date_range(filters):
    if not (filters.date_from or filters.date_to):
        return None
    bounds = {}
    if filters.date_from:
        bounds["gte"] = filters.date_from.isoformat()
    if filters.date_to:
        bounds["lte"] = filters.date_to.isoformat()
    return {"range": {schema.DATE.name: bounds}}


def build_query(parsed, filters, named, weights):
    """The cluster's query of a parsed query: what must match, and the scores ranking.py's order needs."""
    must = [{"bool": {"should": [_clause(c, weights) for c in group], "minimum_should_match": 1}}
            for group in parsed.groups]
    must_not = [string_in(fieldname, clause.runs) for clause in parsed.excluded for fieldname in schema.STRING_FIELDS]
    should = []
    if parsed.groups:
        words = [_words(c) for c in parsed.positive if not c.phrase and c.words]
        if words:
            should.append({"script_score": {
                "query": {"bool": {"should": words}},
                "script": {"source": "params.cap * _score / (_score + params.half)",
                           "params": {"cap": WORDS_CAP, "half": WORDS_HALF}},
            }})
        levels = [(n, NAME_STEP * (len(named) - i)) for i, n in enumerate(named)]
        names = [_constant({"term": {n.field: n.key}}, level) for n, level in levels if n.key and n.weight]
        if names:
            should.append({"dis_max": {"queries": names}})
    query = {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not, "should": should,
                      "filter": _filters(filters)}}
    if not parsed.groups:
        return query
    return {"script_score": {"query": query, "script": {"source": ORDER, "params": {
        "name_step": NAME_STEP, "smallest": SMALLEST_TIER, "cap": WORDS_CAP, "half": WORDS_HALF,
        "ratio": weights.band, "bands": BANDS, "room": BAND_ROOM, "in_force": IN_FORCE,
        "validity": schema.VALIDITY.name}}}}


def _sort(sort):
    if sort == "newest":
        return [{schema.DATE.name: {"order": "desc", "missing": "_last"}}]
    if sort == "oldest":
        return [{schema.DATE.name: {"order": "asc", "missing": "_last"}}]
    return ["_score", {schema.DATE.name: {"order": "desc", "missing": "_last"}}]


def search_body(parsed, filters, sort, page, per_page, named, weights):
    start = min((page - 1) * per_page, MAX_WINDOW)
    size = min(per_page, MAX_WINDOW - start)
    facets = {name: {"terms": {"field": name, "size": AGGREGATION_SIZE}} for name in schema.FACETS}
    body = {"query": build_query(parsed, filters, named, weights), "sort": _sort(sort), "from": start,
            "size": size, "track_total_hits": True, "_source": False}
    dates = _date_range(filters)
    if dates is None:
        body["aggs"] = facets
    else:
        # Facets count what the page shows (dates applied); the year chart also wants the years without them.
        body["post_filter"] = dates
        body["aggs"] = {"dated": {"filter": dates, "aggs": facets},
                        "undated": {"filter": {"match_all": {}}},
                        "years": {"terms": {"field": schema.YEAR.name, "size": AGGREGATION_SIZE}}}
    return body


def _counts(aggregation):
    return {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}


def read_answer(answer, parsed, messages):
    aggs = answer.get("aggregations", {})
    ids = [int(hit["_id"].rsplit(".", 1)[1]) for hit in answer["hits"]["hits"]]
    total = answer["hits"]["total"]["value"]
    if "dated" in aggs:
        facets = {name: _counts(aggs["dated"][name]) for name in schema.FACETS}
        any_date = (aggs["undated"]["doc_count"], _counts(aggs["years"]))
    else:
        facets, any_date = {name: _counts(aggs.get(name, {"buckets": []})) for name in schema.FACETS}, None
    return Found(ids, total, facets, parsed, messages, any_date=any_date)


# --- the backend ---------------------------------------------------------------------------------------------------


class OpenSearchBackend(BaseSearchBackend):
    """haystack's backend contract (update, remove, clear: the index queue and the management commands call them)
    and the project's (run_query, rebuild) on one cluster."""

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.url = options["URL"]
        self.alias = f"{options.get('INDEX_PREFIX') or 'congress'}-articles"
        # Where the writers' lock lives (backends.whoosh.index_lock): the applier, the requests' updates and a
        # rebuild of this machine take turns, as they do on Whoosh (a rebuild must not miss a save made meanwhile).
        self.path = os.path.join(settings.VAR_DIR, "opensearch-locks", self.alias)
        self.replicas = int(options.get("REPLICAS", 1))
        self.timeout = options.get("TIMEOUT", TIMEOUT)
        self._client, self._client_pid = None, None
        self._ready = False

    @property
    def client(self):
        """The cluster's client of this process: a process forked from one that searched (gunicorn's warmed
        master) must not share its keep-alive connections, so it makes its own."""
        if self._client is None or self._client_pid != os.getpid():
            self._client = OpenSearch(hosts=hosts(self.url), timeout=self.timeout, max_retries=2,
                                      retry_on_timeout=True, http_compress=True)
            self._client_pid = os.getpid()
        return self._client

    # --- the index ---------------------------------------------------------------------------------------------
    def index_exists(self):
        return bool(self._call(self.client.indices.exists_alias, name=self.alias))

    def setup(self):
        """Creates the live index and its alias when the cluster has none (the first write of a new site)."""
        if self._ready:
            return
        if not self.index_exists():
            name = self._new_index_name()
            self._call(self.client.indices.create, index=name, body=index_body(self.replicas))
            self._call(self.client.indices.put_alias, index=name, name=self.alias)
        self._ready = True

    def _new_index_name(self):
        return f"{self.alias}-{datetime.datetime.now(datetime.timezone.utc):%Y%m%d%H%M%S%f}"

    def _call(self, method, **kwargs):
        """One request; the cluster's absence (no node answers, no shard copy left) as SearchUnavailable."""
        try:
            return method(**kwargs)
        except errors.NotFoundError as exc:
            raise IndexUnavailable(self.alias) from exc
        except (errors.ConnectionError, errors.ConnectionTimeout) as exc:
            raise SearchUnavailable(self.url) from exc
        except errors.TransportError as exc:
            if isinstance(exc.status_code, int) and exc.status_code >= 500:
                raise SearchUnavailable(f"{self.url}: {exc.status_code} {exc.error}") from exc
            raise

    # --- writing (haystack's contract) -------------------------------------------------------------------------
    def _actions(self, index, iterable, target, procs=1):
        for doc in _documents(index, iterable, procs):
            yield {"_index": target, "_id": doc[schema.DOCUMENT_ID.name], "_source": doc}

    def update(self, index, iterable, commit=True):
        """Index the objects; returns once the cluster acknowledged them all and they are searchable (raises
        otherwise: the index queue keeps its operations and tries again)."""
        self.setup()
        self._call(helpers.bulk, client=self.client, actions=self._actions(index, iterable, self.alias),
                   chunk_size=BUILD_CHUNK, max_chunk_bytes=CHUNK_BYTES, refresh=True,
                   request_timeout=WRITE_TIMEOUT)

    def remove(self, obj_or_string, commit=True):
        """Remove one document (already gone: nothing to do); returns once the cluster acknowledged it."""
        self.setup()
        self._call(self.client.delete, index=self.alias, id=get_identifier(obj_or_string), refresh=True,
                   params={"ignore": 404})

    def clear(self, models=None, commit=True):
        self._drop(self._indexes())
        self._ready = False

    def _indexes(self):
        try:
            return sorted(self._call(self.client.indices.get, index=f"{self.alias}-*").keys())
        except IndexUnavailable:
            return []

    def _drop(self, names):
        for name in names:
            self._call(self.client.indices.delete, index=name, ignore_unavailable=True)

    def rebuild(self, search_index, queryset, progress=None, procs=1):
        """Build a new physical index beside the live one (no replica and no refresh while it fills; `procs`
        processes cut the texts), give it its replica, wait for it to be green, then move the alias in one step and
        drop the old ones. Returns the count."""
        old, name = self._indexes(), self._new_index_name()
        body = index_body(0)
        body["settings"]["refresh_interval"] = "-1"
        self._call(self.client.indices.create, index=name, body=body)
        count = 0
        try:
            for ok, _ in helpers.streaming_bulk(self.client, self._actions(search_index, queryset, name, procs),
                                                chunk_size=BUILD_CHUNK, max_chunk_bytes=CHUNK_BYTES,
                                                max_retries=5, raise_on_error=True, request_timeout=WRITE_TIMEOUT):
                count += ok
                if progress and count % 500 == 0:
                    progress(count)
            self._call(self.client.indices.put_settings, index=name, body={
                "index": {"number_of_replicas": self.replicas, "refresh_interval": None}})
            self._call(self.client.indices.refresh, index=name)
            self._call(self.client.cluster.health, index=name, wait_for_status="green", timeout="120s",
                       params={"request_timeout": 130})
        except BaseException:
            self._drop([name])
            raise
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        self._call(self.client.indices.update_aliases, body={"actions": actions + [{"add": {"index": name,
                                                                                             "alias": self.alias}}]})
        self._drop(old)
        self._ready = True
        return count

    # --- reading ---------------------------------------------------------------------------------------------------
    def indexed_ids(self):
        """Article ids of the documents in the live index."""
        found = helpers.scan(self.client, index=self.alias, query={"query": {"match_all": {}}}, _source=False,
                             request_timeout=TIMEOUT)
        try:
            return {int(hit["_id"].rsplit(".", 1)[1]) for hit in found}
        except errors.NotFoundError as exc:
            raise IndexUnavailable(self.alias) from exc
        except (errors.ConnectionError, errors.ConnectionTimeout) as exc:
            raise SearchUnavailable(self.url) from exc

    def run_query(self, parsed, filters, sort, page, per_page):
        """The interface.Found of a parsed query, ranked as ranking.py orders (see the module docstring)."""
        body = search_body(parsed, filters, sort, page, per_page, ranking.names(parsed), ranking.weights())
        spending = budget.current()
        if spending.deadline is not None:  # the search's deadline (SEARCH_SECONDS) as the cluster's time limit
            body["timeout"] = f"{max(1, int((spending.deadline - spending.clock()) * 1000))}ms"
        answer = self._call(self.client.search, index=self.alias, body=body)
        if answer.get("_shards", {}).get("failed"):
            raise SearchUnavailable(f"{self.url}: {answer['_shards']['failed']} shards failed")
        if answer.get("timed_out"):
            spending.cut = True  # answered with what the shards found in time; query.search() says so
        return read_answer(answer, parsed, [])


class OpenSearchEngine(BaseEngine):
    backend = OpenSearchBackend
    query = BaseSearchQuery
