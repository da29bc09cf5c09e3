"""Scale benchmark (issue 15): the archive at 1 ×, 3 × and 10 × the test corpus on the same machine.

    .venv/bin/python bench/scale.py [CORPUS ...] [--sizes 1,3,10] [--queries 200] [--seed 2022] [--keep]
                                    [--unit 1] [--workers 2] [--recall 50] [--saves 5] [--results FILE]
                                    [--backends whoosh,opensearch] [--search-url URL]

For each size, in its own temporary folder (removed at the end unless --keep), a corpus is made from the real
documents (default ../shared/corpus/): the documents as they are, then copies of them, each a distinct document
(its own source, its title marked 第N版, its body made of as many paragraphs dealt from a shuffle of all the
paragraphs of its kind: new combinations, so postings grow as they would with new documents). A size below 1
takes that share of the corpus; `--unit 0.02` makes 1 × mean 2 % of the corpus (to check the script quickly).

Measured per size: the import through the real importer (documents.ingest.importer.import_paths), the full
build (documents.search.index.indexing.rebuild(procs=2)), the index on disk beside the text it holds, search()
p50/p95/p99 over a query mix (1-3 terms of 2-8 characters taken from the texts, half quoted, half with a filter:
kind, column, speaker or years), recall against a plain substring scan (SQL LIKE, which is also timed) on a
sample of the mix, the same queries through SQLite FTS5 trigram; then gunicorn with `make serve`'s config
(warmed master, WORKERS workers, the applier): the first search of a fresh and of a respawned worker (server
time, from the access log), the search page over HTTP, the workers' private and index-mapped memory once the
busiest served --queries searches, the time from an admin save (the admin's add form through Django's test client) until the
article is found over HTTP, and searches over HTTP during `manage.py rebuild_index`. Prints the figures side
by side with their growth from the first size to the last, and the issue's goals beside them. Asserts nothing.

--backends runs each size on each backend: the embedded Whoosh index, and an OpenSearch cluster at --search-url
(default: SEARCH_URL, else `make opensearch`'s two local nodes), the same corpus copies for both (the same seed). On
OpenSearch the index size is the primary shard's store, and the nodes' resident memory is measured beside the
workers'.

With --results FILE each size's figures are kept in FILE (JSON, with the commit and the time they were measured
at) as soon as it is done, and the table covers every size in the file: sizes can be run one at a time (the
10 × size alone takes over an hour on 2 cores) and shown together; each size's commit is printed above it.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from common import (PYTHON, create_fts5, han_substring, manage, percentile, read_records, serve,
                    worker_pids)
from throwaway import ROOT, setup_site

DISK_PER_UNIT = 2.5e9  # bytes a 1 × size needs at most: database, FTS5 table, index and the rebuild's copy
ACCESS_FORMAT = "%(p)s %(D)s %(s)s %(U)s"  # <pid> microseconds status path
ALL = 10**9  # "every result" for the recall check


# --- the corpus -------------------------------------------------------------------------------------------------


def paragraphs(record):
    return [p for p in (record.get("body") or "").split("\n\n") if p.strip()]


def copies(unit, seed):
    """The unit's documents as they are, then copy after copy of them, endlessly. In copy k each document gets
    a distinct source and title, and as many paragraphs as it has, dealt from a shuffle of all the paragraphs
    of the documents of its kind."""
    kinds = defaultdict(list)
    for record in unit:
        kinds[record.get("kind")] += paragraphs(record)
    yield from unit
    for k in itertools.count(1):
        rng = random.Random(f"{seed}:{k}")
        dealt = {}
        for kind, pool in kinds.items():
            pool = pool[:]
            rng.shuffle(pool)
            dealt[kind] = iter(pool)
        for record in unit:
            body = "\n\n".join(itertools.islice(dealt[record.get("kind")], len(paragraphs(record))))
            yield {**record, "title": f"{record['title']}（第{k + 1}版）", "body": body,
                   "source": f"{record.get('source') or record['title']}#copy{k}"}


def write_corpus(corpus, unit, size, seed, out):
    """Write size × the unit (unit: a share of the corpus, a seeded sample) to out; (documents, unit size)."""
    records = list(read_records(corpus))
    random.Random(seed).shuffle(records)  # a share below 1 is a random sample, not the first file's documents
    records = records[: max(1, round(unit * len(records)))]
    wanted = max(1, round(size * len(records)))
    with open(out, "w", encoding="utf-8") as handle:
        for record in itertools.islice(copies(records, seed), wanted):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return wanted, len(records)


# --- the query mix ------------------------------------------------------------------------------------------------


@dataclass
class Query:
    terms: list
    quoted: bool
    filters: dict  # the search page's parameters: column, kind, speaker (values), from / to (YYYY-MM-DD)

    @property
    def q(self):
        return " ".join(f'"{term}"' if self.quoted else term for term in self.terms)

    def params(self):
        return {"q": self.q, **self.filters}

    def search_filters(self):
        from documents.search.query import Filters

        get, day = self.filters.get, datetime.date.fromisoformat
        return Filters(column=get("column", ""), kind=get("kind", ""), speaker=get("speaker", ""),
                       date_from=day(get("from")) if get("from") else None,
                       date_to=day(get("to")) if get("to") else None)

    def matching(self):
        """The published articles with every term in their title or text, within the filters: a plain substring
        scan (SQL LIKE '%term%'), newest first."""
        from django.db.models import F, Q

        from documents.models import Article

        articles = Article.objects.published()
        lookups = {"column": "column__slug", "kind": "kind", "speaker": "speaker__slug", "from": "date__gte",
                   "to": "date__lte"}
        articles = articles.filter(**{lookups[name]: value for name, value in self.filters.items()})
        for term in self.terms:
            articles = articles.filter(Q(title__contains=term) | Q(text__contains=term))
        return articles.order_by(F("date").desc(nulls_last=True), "-pk")


def a_filter(article, rng):
    """One filter the article passes: its kind, column or speaker, or years around its date."""
    values = {"kind": article.kind, "column": article.column.slug}
    if article.speaker_id:
        values["speaker"] = article.speaker.slug
    choice = rng.choice(list(values) + ["years"] * bool(article.date))
    if choice == "years":
        year = article.date.year
        return {"from": f"{year - rng.randint(0, 5)}-01-01", "to": f"{year + rng.randint(0, 5)}-12-31"}
    return {choice: values[choice]}


def query_mix(count, seed):
    """count queries from random published articles: 1-3 terms (weights 5:3:2) of 2-8 characters from the
    article's text, half of the queries quoted, half with one filter the article passes."""
    from documents.models import Article

    rng = random.Random(seed)
    pks = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    queries = []
    while len(queries) < count:
        article = Article.objects.select_related("column", "speaker").get(pk=rng.choice(pks))
        terms = [han_substring(article.text, rng) for _ in range(rng.choices((1, 2, 3), (5, 3, 2))[0])]
        if all(terms):
            queries.append(Query(terms, rng.random() < 0.5, a_filter(article, rng) if rng.random() < 0.5 else {}))
    return queries


def ms(seconds):
    return [s * 1000 for s in seconds]


def spread(figures, name, timings_ms):
    """figures[name_p50/_p95/_p99] from timings in milliseconds."""
    for fraction in (0.5, 0.95, 0.99):
        figures[f"{name}_p{round(fraction * 100)}"] = percentile(timings_ms, fraction)


# --- one size, in its own process (settings are read once per process) -----------------------------------------


def note(text):
    print(text, flush=True)


def build_archive(figures, args, workdir):
    """The corpus of this size imported through the real importer, then the full index build."""
    from django.db import connection

    from documents.ingest.importer import import_paths
    from documents.search.index.indexing import rebuild

    corpus = workdir / "corpus.jsonl"
    figures["documents"], unit = write_corpus(args.corpus, args.unit, args.child, args.seed, corpus)
    note(f"corpus: {figures['documents']} documents ({unit} a copy), {corpus.stat().st_size / 1e6:.0f} MB of "
         f"JSON Lines; free disk {shutil.disk_usage(workdir).free / 1e9:.1f} GB")

    started = time.perf_counter()
    report = import_paths([corpus], status="published", progress=False)
    figures["import_s"] = time.perf_counter() - started
    note(f"import (import_paths, the importer's path): {report.summary()} in {figures['import_s']:.1f} s")
    if report.failures:
        raise SystemExit(f"the import failed for {len(report.failures)} documents")
    corpus.unlink()

    started = time.perf_counter()
    indexed = rebuild(procs=2)
    figures["build_s"] = time.perf_counter() - started
    figures["index_mb"] = index_bytes(workdir) / 1e6
    figures["text_mb"] = indexed_text_bytes() / 1e6
    figures["index_ratio"] = figures["index_mb"] / figures["text_mb"]
    figures["db_mb"] = database_bytes(connection) / 1e6
    note(f"full build (rebuild(procs=2)): {indexed} documents in {figures['build_s']:.1f} s; index "
         f"{figures['index_mb']:.0f} MB = {figures['index_ratio']:.2f} × the {figures['text_mb']:.0f} MB of text "
         f"it holds; database {figures['db_mb']:.0f} MB")


def cluster_backend():
    """The OpenSearch backend this site searches, or None on Whoosh."""
    from documents.search.index.indexing import get_backend

    backend = get_backend()
    return backend if hasattr(backend, "client") else None


def index_bytes(workdir):
    """The index on disk: Whoosh's folder, or the primary shard's store on the cluster (its replica doubles it)."""
    backend = cluster_backend()
    if backend is None:
        return sum(f.stat().st_size for f in (workdir / "whoosh_index").iterdir())
    backend.client.indices.refresh(index=backend.alias)
    stats = backend.client.indices.stats(index=backend.alias, metric="store")
    return stats["_all"]["primaries"]["store"]["size_in_bytes"]


def node_memory(figures):
    """The resident memory of the local cluster's node processes (search-cluster/cluster.sh's pid files)."""
    pids = [int(p.read_text()) for p in sorted((ROOT / "var" / "opensearch").glob("node-*.pid"))]
    sizes = [memory(pid, "/nonexistent")[2] for pid in pids if Path(f"/proc/{pid}").exists()]
    if sizes:
        figures["node_rss_mb"] = max(sizes)
        note(f"OpenSearch nodes resident: {', '.join(f'{size:.0f} MB' for size in sizes)}")


def indexed_text_bytes():
    """UTF-8 bytes of what the index is built from: each published article's title and searchable text."""
    from documents.search.index.indexing import get_search_index

    search_index = get_search_index()
    return sum(len(article.title.encode()) + len(search_index.searchable_text(article).encode())
               for article in search_index.index_queryset().iterator(chunk_size=500))


def database_bytes(connection):
    name = Path(connection.settings_dict["NAME"])
    return sum(p.stat().st_size for p in (name, Path(f"{name}-wal")) if p.exists())


def time_search(figures, queries):
    from documents.search.query import search

    search("预热")  # opens the searcher and loads jieba once, as a running site has
    timings = defaultdict(list)
    for query in queries:
        started = time.perf_counter()
        search(query.q, filters=query.search_filters())  # first page of 20 with the total and the facets
        elapsed = (time.perf_counter() - started) * 1000
        timings["all"].append(elapsed)
        timings["quoted" if query.quoted else "unquoted"].append(elapsed)
        timings["filtered" if query.filters else "unfiltered"].append(elapsed)
        timings["multi" if len(query.terms) > 1 else "single"].append(elapsed)
    spread(figures, "search", timings["all"])
    for name, values in timings.items():
        figures[f"search_p95_{name}"] = percentile(values, 0.95)
    note(f"search(): p50/p95/p99 {figures['search_p50']:.1f}/{figures['search_p95']:.1f}/"
         f"{figures['search_p99']:.1f} ms over {len(queries)} queries")


def like_and_recall(figures, sample):
    """The sample through SQL LIKE (timed: every matching id, newest first, = the count and the first page),
    which is the ground truth; search()'s complete result set must hold all of it."""
    from documents.search.index.indexing import get_backend
    from documents.search.language.parsing import parse_query

    truth, timings = [], []
    for query in sample:
        started = time.perf_counter()
        truth.append(set(query.matching().values_list("pk", flat=True)))
        timings.append((time.perf_counter() - started) * 1000)
    spread(figures, "like", timings)

    # The evaluation search() runs, every id at once (paging through search() would evaluate it again for each
    # hundred results).
    backend, found, expected, missed = get_backend(), 0, 0, []
    for query, true_ids in zip(sample, truth):
        ids = backend.run_query(parse_query(query.q), query.search_filters(), "relevance", 1, ALL).ids
        found, expected = found + len(true_ids & set(ids)), expected + len(true_ids)
        if not true_ids <= set(ids):
            missed.append(query)
    figures["recall"] = found / expected if expected else 1.0
    figures["recall_queries"] = len(sample)
    note(f"recall of search() against LIKE on {len(sample)} queries ({expected} expected results): "
         f"{figures['recall']:.3f}" + (f"; missed results for {missed[:3]}" if missed else ""))
    return truth


def fts5(figures, queries, sample, truth):
    """The same queries through an SQLite FTS5 trigram table (only those whose terms all have 3+ characters:
    the trigram tokenizer cannot match fewer), timed as count + first page by rank; recall on the sample."""
    from django.db import connection

    before = database_bytes(connection)
    with connection.cursor() as cursor:
        figures["fts_build_s"] = create_fts5(cursor)
        figures["fts_mb"] = (database_bytes(connection) - before) / 1e6
        timings = []
        for query in queries:
            if min(map(len, query.terms)) >= 3:
                where, params = fts_where(query)
                started = time.perf_counter()
                cursor.execute(f"SELECT COUNT(*) FROM bench_fts WHERE {where}", params)
                cursor.fetchone()
                cursor.execute(f"SELECT rowid FROM bench_fts WHERE {where} ORDER BY rank LIMIT 20", params)
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
        found = expected = 0
        for query, true_ids in zip(sample, truth):
            if min(map(len, query.terms)) >= 3:
                where, params = fts_where(query)
                cursor.execute(f"SELECT rowid FROM bench_fts WHERE {where}", params)
                got = {row[0] for row in cursor.fetchall()}
                found, expected = found + len(got & true_ids), expected + len(true_ids)
    spread(figures, "fts", timings)
    figures["fts_queries"] = len(timings)
    figures["fts_recall"] = found / expected if expected else float("nan")
    note(f"FTS5 trigram: built in {figures['fts_build_s']:.1f} s ({figures['fts_mb']:.0f} MB), p50/p95/p99 "
         f"{figures['fts_p50']:.1f}/{figures['fts_p95']:.1f}/{figures['fts_p99']:.1f} ms over {len(timings)} "
         f"queries of 3+ characters a term; recall {figures['fts_recall']:.3f}")


def fts_where(query):
    columns = {"kind": "kind", "column": "column_slug", "speaker": "speaker_slug"}
    where = ["bench_fts MATCH %s"]
    params = [" AND ".join(f'"{term}"' for term in query.terms)]
    for name, value in query.filters.items():
        where.append(f"{columns[name]} = %s" if name in columns else f"date {'>=' if name == 'from' else '<='} %s")
        params.append(value)
    return " AND ".join(where), params


# --- served by gunicorn ---------------------------------------------------------------------------------------------


class AccessLog:
    """The lines gunicorn's workers append to the access log, read as they come: (pid, server ms, status, path)."""

    def __init__(self, path):
        self.path, self.offset, self.served = path, 0, Counter()

    def new(self):
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        data = data[: data.rfind(b"\n") + 1]  # a line being written is read next time
        self.offset += len(data)
        lines = []
        for line in data.decode().splitlines():
            pid, micros, status, path = line.split(" ", 3)
            lines.append((int(pid.strip("<>")), int(micros) / 1000, int(status), path))
            self.served[lines[-1][0]] += 1
        return lines


def get(port, path):
    """(status, body, seconds) of one GET on a new connection (gunicorn's sync workers close each one);
    status 0 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        status, body = response.status, response.read()
    except (OSError, http.client.HTTPException):
        status, body = 0, b""
    finally:
        conn.close()
    return status, body, time.perf_counter() - started


def search_path(query, **extra):
    return "/search/?" + urllib.parse.urlencode({**query.params(), **extra})


def first_searches(port, log, pids, queries, limit=500):
    """{pid: server ms of its first search} for the given workers, sending searches until each served one."""
    wanted, first = set(pids), {}
    for _ in range(limit):
        get(port, search_path(next(queries)))
        for pid, elapsed, _, path in log.new():
            if path == "/search/" and pid in wanted:
                first.setdefault(pid, elapsed)
        if wanted <= first.keys():
            return first
    raise RuntimeError(f"workers {sorted(wanted - first.keys())} served no search in {limit} requests")


def fresh_workers(figures, server, port, log, queries, workers):
    """The first search of the workers forked at start, then of one forked again after a worker stopped."""
    pids = worker_pids(server.pid)
    figures["first_search_ms"] = max(first_searches(port, log, pids, queries).values())
    os.kill(pids[0], signal.SIGTERM)  # the master forks a replacement from its warmed state
    deadline = time.monotonic() + 120
    while (pids[0] in (now := worker_pids(server.pid))) or len(now) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not replace the stopped worker")
        time.sleep(0.05)
    figures["respawn_first_search_ms"] = max(first_searches(port, log, set(now) - set(pids), queries).values())
    note(f"first search of a fresh worker (server time): {figures['first_search_ms']:.0f} ms for those started "
         f"with the master (slowest of {len(pids)}), {figures['respawn_first_search_ms']:.0f} ms for a respawned one")


def http_searches(figures, port, log, queries):
    log.new()
    timings, errors = [], 0
    for query in queries:
        status, _, elapsed = get(port, search_path(query))
        timings.append(elapsed * 1000)
        errors += status != 200
    spread(figures, "http", timings)
    figures["http_errors"] = errors
    figures["http_server_p95"] = percentile([e for _, e, _, path in log.new() if path == "/search/"], 0.95)
    note(f"search page over HTTP: p50/p95/p99 {figures['http_p50']:.1f}/{figures['http_p95']:.1f}/"
         f"{figures['http_p99']:.1f} ms ({figures['http_server_p95']:.1f} ms p95 server time), {errors} errors")


def memory(pid, index_dir):
    """(private anonymous, index files mapped, total resident) in MB from /proc/<pid>/smaps: private = Private_Clean +
    Private_Dirty of mappings backed by no file; mapped = Rss of the mappings of the index's files."""
    private = mapped = rss = 0
    path = ""
    with open(f"/proc/{pid}/smaps") as handle:
        for line in handle:
            fields = line.split()
            if not fields[0].endswith(":"):  # a mapping's header: address perms offset dev inode [path]
                path = fields[5] if len(fields) > 5 else ""
                continue
            kb = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
            anonymous = not path or (path.startswith("[") and path not in ("[vdso]", "[vvar]", "[vsyscall]"))
            if fields[0] in ("Private_Clean:", "Private_Dirty:") and anonymous:
                private += kb
            elif fields[0] == "Rss:":
                rss += kb
                mapped += kb if path.startswith(index_dir) else 0
    return private / 1024, mapped / 1024, rss / 1024


def worker_memory(figures, server, port, log, index_dir, more_queries, searches):
    """The workers' memory once the busiest has served `searches` searches (more distinct queries sent as needed,
    so that its postings cache holds what that many queries read)."""
    more_queries = iter(more_queries)
    while max(log.served.values(), default=0) < searches:
        get(port, search_path(next(more_queries)))
        log.new()
    rows = [(memory(pid, index_dir), log.served[pid], pid) for pid in worker_pids(server.pid)]
    (private, mapped, rss), served, pid = max(rows)
    figures.update(worker_private_mb=private, worker_mapped_mb=mapped, worker_rss_mb=rss, worker_requests=served)
    for (private, mapped, rss), served, pid in sorted(rows, key=lambda row: row[2]):
        note(f"worker {pid} after {served} requests: private {private:.0f} MB, index files mapped {mapped:.0f} MB, "
             f"resident {rss:.0f} MB")


def admin_saves(figures, port, count):
    """Articles added through the admin (the add form, in this process through Django's test client: the request
    cycle applies what it queued after the response), each timed until a search over HTTP finds it."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from documents.models import Column

    client = Client()
    client.force_login(User.objects.create_superuser("bench", password=secrets.token_urlsafe(16)))
    column, marker, waits = Column.objects.get(slug="news"), secrets.token_hex(3), []
    for i in range(count):
        title = f"规模基准保存测试第{i}号稿{marker}"
        started = time.perf_counter()
        response = client.post(reverse("admin:documents_article_add"), {
            "title": title, "column": column.pk, "kind": "news", "status": "published", "date_precision": "unknown",
            "body": f"<p>{title}：管理后台保存后多久可以搜到。</p>", "amendments": "",
            "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        })
        if response.status_code != 302:
            raise RuntimeError(f"the admin refused the article: HTTP {response.status_code}")
        waits.append(None)
        while time.perf_counter() - started < 30:
            status, body, _ = get(port, "/search/?" + urllib.parse.urlencode({"q": f'"{title}"', "format": "json"}))
            if status == 200 and json.loads(body)["count"]:
                waits[-1] = time.perf_counter() - started
                break
    found = [wait for wait in waits if wait is not None]
    figures["save_searchable_median_s"] = percentile(found, 0.5)
    figures["save_searchable_max_s"] = max(found) if len(found) == len(waits) else float("inf")
    note(f"admin save until found over HTTP: median {figures['save_searchable_median_s']:.2f} s, slowest "
         f"{figures['save_searchable_max_s']:.2f} s over {count} saves ({count - len(found)} not found within 30 s)")


def searches_during_rebuild(figures, env, port, queries, workdir):
    """`manage.py rebuild_index --procs 2` in the background while one client keeps searching over HTTP."""
    with open(workdir / "rebuild.log", "w") as output:
        started = time.perf_counter()
        rebuild = subprocess.Popen([PYTHON, "manage.py", "rebuild_index", "--procs", "2"], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
        timings, errors, unavailable = [], 0, 0
        while rebuild.poll() is None:
            status, body, elapsed = get(port, search_path(next(queries)))
            timings.append(elapsed * 1000)
            errors += status != 200
            unavailable += "索引正在重建".encode() in body
        figures["rebuild_serving_s"] = time.perf_counter() - started
    if rebuild.returncode:
        raise RuntimeError(f"rebuild_index failed: {(workdir / 'rebuild.log').read_text()[-2000:]}")
    status, body, _ = get(port, search_path(next(queries), format="json"))
    after = json.loads(body)["count"] if status == 200 else None
    figures.update(rebuild_requests=len(timings), rebuild_errors=errors, rebuild_unavailable=unavailable,
                   rebuild_p95=percentile(timings, 0.95))
    note(f"during rebuild_index ({figures['rebuild_serving_s']:.0f} s): {len(timings)} searches, {errors} errors,"
         f" {unavailable} 索引正在重建 pages, p95 {figures['rebuild_p95']:.0f} ms; after it a search finds {after}")


def served(figures, args, workdir, queries):
    env = {**os.environ, "ALLOWED_HOSTS": "testserver,127.0.0.1", "STATIC_MANIFEST": "1", "LOG_LEVEL": "ERROR"}
    manage(env, "collectstatic", "--noinput", "-v0")
    access, output = workdir / "access.log", workdir / "gunicorn.log"
    access.touch()
    log, cycle = AccessLog(access), itertools.cycle(queries)
    try:
        with open(output, "w") as out, serve(env, workers=args.workers, access_log=str(access),
                                             access_format=ACCESS_FORMAT, output=out) as (server, port):
            fresh_workers(figures, server, port, log, cycle, args.workers)
            http_searches(figures, port, log, queries)
            worker_memory(figures, server, port, log, str(workdir / "whoosh_index"),
                          itertools.cycle(query_mix(args.queries, args.seed + 1)), args.queries)
            admin_saves(figures, port, args.saves)
            searches_during_rebuild(figures, env, port, cycle, workdir)
            if cluster_backend() is not None:
                node_memory(figures)
    except Exception:
        note("gunicorn's log ends with:\n" + "".join(output.read_text().splitlines(True)[-20:]))
        raise


def one_size(args):
    sys.stdout.reconfigure(line_buffering=True)
    workdir = Path(args.workdir)
    if args.backend == "opensearch":
        os.environ.update(SEARCH_URL=args.search_url, SEARCH_INDEX_PREFIX=f"bench-{os.getpid()}")
    else:
        os.environ.pop("SEARCH_URL", None)
    setup_site(workdir)
    try:
        measure_size(args, workdir)
    finally:
        if cluster_backend() is not None:
            cluster_backend().clear()


def measure_size(args, workdir):
    figures = {}
    build_archive(figures, args, workdir)
    queries = query_mix(args.queries, args.seed)
    time_search(figures, queries)
    sample = queries[: args.recall]
    truth = like_and_recall(figures, sample)
    fts5(figures, queries, sample, truth)
    served(figures, args, workdir, queries)
    figures["disk_mb"] = sum(f.stat().st_size for f in workdir.rglob("*") if f.is_file()) / 1e6
    print("RESULT " + json.dumps(figures))


# --- the sizes side by side ---------------------------------------------------------------------------------------

ROWS = [  # (figure, label, format)
    ("documents", "documents", "{:.0f}"),
    ("text_mb", "text the index holds, MB (UTF-8)", "{:.1f}"),
    ("import_s", "import (import_paths), s", "{:.1f}"),
    ("build_s", "full build, rebuild(procs=2), s", "{:.1f}"),
    ("index_mb", "index on disk, MB", "{:.1f}"),
    ("index_ratio", "index / text", "{:.2f}"),
    ("db_mb", "database, MB", "{:.1f}"),
    ("search_p50", "search() p50, ms", "{:.1f}"),
    ("search_p95", "search() p95, ms", "{:.1f}"),
    ("search_p99", "search() p99, ms", "{:.1f}"),
    ("search_p95_unquoted", "  p95 unquoted", "{:.1f}"),
    ("search_p95_quoted", "  p95 quoted", "{:.1f}"),
    ("search_p95_single", "  p95 one term", "{:.1f}"),
    ("search_p95_multi", "  p95 2-3 terms", "{:.1f}"),
    ("search_p95_unfiltered", "  p95 no filter", "{:.1f}"),
    ("search_p95_filtered", "  p95 with a filter", "{:.1f}"),
    ("recall", "search() recall vs substring scan", "{:.3f}"),
    ("recall_queries", "  queries checked", "{:.0f}"),
    ("like_p50", "SQL LIKE p50, ms (those queries)", "{:.1f}"),
    ("like_p95", "SQL LIKE p95, ms", "{:.1f}"),
    ("like_p99", "SQL LIKE p99, ms", "{:.1f}"),
    ("fts_p50", "FTS5 trigram p50, ms", "{:.1f}"),
    ("fts_p95", "FTS5 trigram p95, ms", "{:.1f}"),
    ("fts_p99", "FTS5 trigram p99, ms", "{:.1f}"),
    ("fts_queries", "  queries (terms of 3+ chars)", "{:.0f}"),
    ("fts_recall", "  recall", "{:.3f}"),
    ("fts_build_s", "  build, s", "{:.1f}"),
    ("fts_mb", "  size, MB", "{:.1f}"),
    ("http_p50", "search page over HTTP p50, ms", "{:.1f}"),
    ("http_p95", "search page over HTTP p95, ms", "{:.1f}"),
    ("http_p99", "search page over HTTP p99, ms", "{:.1f}"),
    ("http_server_p95", "  p95 server time, ms", "{:.1f}"),
    ("http_errors", "  errors", "{:.0f}"),
    ("first_search_ms", "first search, worker started with master, ms", "{:.0f}"),
    ("respawn_first_search_ms", "first search, respawned worker, ms", "{:.0f}"),
    ("worker_private_mb", "worker private (anonymous), MB", "{:.0f}"),
    ("worker_mapped_mb", "worker index files mapped (Rss), MB", "{:.0f}"),
    ("worker_rss_mb", "worker resident, MB", "{:.0f}"),
    ("worker_requests", "  after searches", "{:.0f}"),
    ("node_rss_mb", "OpenSearch node resident (largest), MB", "{:.0f}"),
    ("save_searchable_median_s", "admin save until searchable, median s", "{:.2f}"),
    ("save_searchable_max_s", "admin save until searchable, max s", "{:.2f}"),
    ("rebuild_serving_s", "rebuild_index while serving, s", "{:.0f}"),
    ("rebuild_requests", "  searches meanwhile", "{:.0f}"),
    ("rebuild_errors", "  errors", "{:.0f}"),
    ("rebuild_unavailable", "  'index being rebuilt' pages", "{:.0f}"),
    ("rebuild_p95", "  p95, ms", "{:.0f}"),
    ("disk_mb", "work folder at the end, MB", "{:.0f}"),
]

# (goal, figure, limit, strictly below, the size it applies to: a number, "largest" or "every")
GOALS = [
    ("search() p50 ≤ 5 ms at 1 ×", "search_p50", 5, False, 1),
    ("search() p95 ≤ 20 ms at 1 ×", "search_p95", 20, False, 1),
    ("search() p95 ≤ 50 ms at 10 ×", "search_p95", 50, False, 10),
    ("search() p99 ≤ 150 ms at 10 ×", "search_p99", 150, False, 10),
    ("search page (20 results) over HTTP p95 ≤ 80 ms at 10 ×", "http_p95", 80, False, 10),
    ("index on disk ≤ 3 × the text it holds, every size", "index_ratio", 3, False, "every"),
    ("full build ≤ 8 min with two processes at 10 ×", "build_s", 480, False, 10),
    ("admin save searchable within 1 s at 10 ×", "save_searchable_max_s", 1, False, 10),
    ("worker private memory < 600 MB at 10 ×", "worker_private_mb", 600, True, 10),
    ("recall 1.000 at every size", "recall", 1.0, None, "every"),
]


def label(size):
    return f"{size:g} ×"


def column(key):
    """A results column's heading: the size, and the backend when it is not Whoosh."""
    backend, size = key
    return label(size) if backend == "whoosh" else f"{label(size)} OS"


def print_table(results):
    sizes = list(results)
    growth = len(sizes) > 1 and len({backend for backend, _ in sizes}) == 1
    header = f"{'':46}" + "".join(f"{column(s):>10}" for s in sizes)
    print("\n" + header + (f"{'growth ' + column(sizes[0]) + '→' + column(sizes[-1]):>20}" if growth else ""))
    for key, text, fmt in ROWS:
        values = [results[s].get(key) for s in sizes]
        cells = "".join(f"{fmt.format(v) if v is not None else '—':>10}" for v in values)
        ratio = ""
        if growth and values[0] and values[-1] is not None and values[0] == values[0]:
            ratio = f"{values[-1] / values[0]:>19.2f}×"
        print(f"{text:46}{cells}{ratio}")


def print_goals(results, unit):
    sizes = list(results)
    print(f"\n{'goal (issue 15)':58}{'size':>8}{'measured':>10}  verdict")
    if unit != 1:
        print(f"(1 × is {unit:.0%} of the corpus here; the issue's goals are for the whole corpus)")
    for goal, key, limit, strict, where in GOALS:
        for backend in dict.fromkeys(b for b, _ in sizes):
            goal_on(results, backend, goal, key, limit, strict, where)


def goal_on(results, backend, goal, key, limit, strict, where):
    """One goal's verdict on one backend's sizes."""
    sizes = [size for b, size in results if b == backend]
    if where == "every":
        targets = sizes
    elif where in sizes:
        targets = [where]
    else:  # the size the goal names was not run: judged at the nearest one, and said so
        targets = [min(sizes, key=lambda s: abs(s - where))]
    for size in targets:
        value = results[(backend, size)].get(key)
        if strict is None:
            met = value == limit
        else:
            met = value is not None and (value < limit if strict else value <= limit)
        aside = "" if where in ("every", size) else f"  (at {label(size)}, not {label(where)})"
        shown = "—" if value is None else dict((k, f) for k, _, f in ROWS)[key].format(value)
        print(f"{goal:58}{column((backend, size)):>8}{shown:>10}  {'met' if met else 'NOT MET'}{aside}")


def run_size(size, backend, args):
    """One size on one backend in a child process and its own temporary folder; returns its figures (None if it
    failed)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"scale-{size:g}x-"))
    free, need = shutil.disk_usage(workdir).free, DISK_PER_UNIT * size * args.unit
    print(f"\n== {label(size)} on {backend} in {workdir}: free disk {free / 1e9:.1f} GB, this size needs up to about "
          f"{need / 1e9:.1f} GB", flush=True)
    try:
        if free < need:
            print(f"not enough free disk for {label(size)}: skipped")
            return None
        command = [PYTHON, __file__, *args.corpus, "--child", str(size), "--workdir", str(workdir),
                   "--queries", str(args.queries), "--seed", str(args.seed), "--unit", str(args.unit),
                   "--workers", str(args.workers), "--recall", str(args.recall), "--saves", str(args.saves),
                   "--backend", backend, "--search-url", args.search_url]
        figures = None
        with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as child:
            for line in child.stdout:
                if line.startswith("RESULT "):
                    figures = json.loads(line[len("RESULT "):])
                else:
                    print(f"[{column((backend, size))}] {line}", end="", flush=True)
        if child.returncode or figures is None:
            print(f"{label(size)} failed (exit {child.returncode})")
            return None
        return figures
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def sizes(text):
    values = [float(part) for part in text.split(",") if part.strip()]
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError("sizes are positive numbers, e.g. 1,3,10 or 0.05,0.1")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--sizes", type=sizes, default=[1, 3, 10], help="multiples of the unit (default 1,3,10)")
    parser.add_argument("--unit", type=float, default=1.0, help="share of the corpus that 1 × means (default 1)")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix (default 200)")
    parser.add_argument("--recall", type=int, default=50, help="queries checked against LIKE, timed there too")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WORKERS; default 2)")
    parser.add_argument("--saves", type=int, default=5, help="admin saves timed until searchable")
    parser.add_argument("--keep", action="store_true", help="keep each size's work folder")
    parser.add_argument("--results", type=Path, help="JSON file keeping each size's figures across runs")
    parser.add_argument("--backends", default="whoosh", help="whoosh, opensearch or both, comma-separated")
    parser.add_argument("--search-url", default=os.environ.get("SEARCH_URL")
                        or "http://127.0.0.1:9200/,http://127.0.0.1:9201/", help="the OpenSearch cluster's nodes")
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        one_size(args)
        return
    print(f"sizes {', '.join(map(label, args.sizes))}, 1 × = {args.unit:.0%} of {' '.join(args.corpus)}; "
          f"{args.queries} queries (seed {args.seed}), {args.workers} gunicorn workers, {os.cpu_count()} cores")
    results = load_results(args.results)
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        for size in args.sizes:
            figures = run_size(size, backend, args)
            if figures is None:
                break  # a larger size would fail the same way, only later
            measured = datetime.datetime.now().isoformat(" ", "minutes")
            results[(backend, size)] = {**figures, "commit": current_commit(), "measured": measured}
            if args.results:
                args.results.write_text(json.dumps({f"{b} {s:g}": v for (b, s), v in results.items()}, indent=1))
    results = dict(sorted(results.items(), key=lambda item: (item[0][1], item[0][0] != "whoosh")))
    if results:
        for key, figures in results.items():
            print(f"{column(key)}: commit {figures.get('commit', '?')[:10]}, measured {figures.get('measured', '?')}")
        print_table(results)
        print_goals(results, args.unit)


def load_results(path):
    """{(backend, size): figures} kept by earlier runs in `path` (none without --results or before the first run);
    a key without a backend (files written before backends were a dimension) is Whoosh's."""
    if not path or not path.exists():
        return {}
    found = {}
    for key, figures in json.loads(path.read_text()).items():
        backend, _, size = key.rpartition(" ")
        found[(backend or "whoosh", float(size))] = figures
    return found


def current_commit():
    found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
