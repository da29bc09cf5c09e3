"""Search benchmark: build time, query latency and recall of documents.search.query.search() on a corpus,
side by side with SQL LIKE and SQLite FTS5 trigram on the same data; recall across scripts (a share of the
documents converted to traditional characters by OpenCC's converter) and through the seeded equivalent terms, and
the latency with equivalent terms beside the same queries without them; then the CPU time of costly queries (many
single characters, many words) beside that of common ones.

    .venv/bin/python bench/search.py [CORPUS_DIR_OR_JSONL ...] [--queries 200] [--seed 2022] [--procs 2]
                                     [--traditional 0.1]

Needs the test extras (`opencc`, OpenCC's converters, makes the traditional documents and queries).

Default corpus: ../shared/corpus/. Everything happens in a temporary directory (database and index); nothing
in var/ is touched. Prints figures; asserts nothing.
"""

import argparse
import random
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import opencc

from common import create_fts5, han_substring, percentile, read_records
from throwaway import ROOT, setup_site


def load(records):
    """Insert the records as published articles with bulk operations (signals off: the index is rebuilt)."""
    from documents.common.dates import InvalidDate, parse_partial_date
    from documents.models import Article, Column, Meeting, Speaker

    columns = {c.name: c for c in Column.objects.all()}
    default_column = columns.get("公文发布") or next(iter(columns.values()))
    kinds = {label: value for value, label in Article.Kind.choices}
    speakers, meetings, batch, count = {}, {}, [], 0
    for record in records:
        article = Article(
            title=record["title"][:300], subtitle=(record.get("subtitle") or "")[:300],
            column=columns.get(record.get("category") or "", default_column),
            kind=kinds.get(record.get("kind"), Article.Kind.OTHER),
            speaker_title=(record.get("speaker_title") or "")[:100], issuer=(record.get("issuer") or "")[:200],
            doc_number=(record.get("doc_number") or "")[:100], source=(record.get("source") or "")[:500],
            status=Article.Status.PUBLISHED,
        )
        if record.get("speaker"):
            name = record["speaker"]
            if name not in speakers:
                speakers[name] = Speaker.objects.get_or_create(name=name, organization="")[0]
            article.speaker = speakers[name]
        if record.get("meeting"):
            name = record["meeting"][:200]
            if name not in meetings:
                meetings[name] = Meeting.objects.get_or_create(name=name)[0]
            article.meeting = meetings[name]
        try:
            article.set_partial_date(parse_partial_date(record.get("date")))
        except InvalidDate:
            pass
        article.set_plain_text_body(record.get("body") or "")
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    Article.objects.bulk_create(batch)
    return count + len(batch)


TO_TRADITIONAL = opencc.OpenCC("s2t").convert
TO_SIMPLIFIED = opencc.OpenCC("t2s").convert


def in_traditional(records, share, seed):
    """The records with a share of them (chosen by seed) converted to traditional characters, title and body, as
    older documents and readers in Hong Kong or Taiwan write them."""
    rng = random.Random(seed)
    for record in records:
        if rng.random() < share:
            record = {**record, "title": TO_TRADITIONAL(record["title"]),
                      "body": TO_TRADITIONAL(record.get("body") or "")}
        yield record


def pick_queries(texts, n, seed):
    """n random substrings of 2-8 Chinese characters taken from random documents."""
    rng = random.Random(seed)
    pks = sorted(texts)
    queries = []
    while len(queries) < n:
        query = han_substring(texts[rng.choice(pks)], rng)
        if query:
            queries.append(query)
    return queries


def percentiles(samples):
    """(p50, p95) in milliseconds of timings in seconds."""
    return percentile(samples, 0.5) * 1000, percentile(samples, 0.95) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--procs", type=int, default=2, help="processes for the index build")
    parser.add_argument("--traditional", type=float, default=0.1,
                        help="share of the documents converted to traditional characters")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (database and index, ~800 MB)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        run(workdir, args)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir, args):
    setup_site(workdir)
    from django.db import connection

    from documents.models import Article
    from documents.search.index.indexing import rebuild
    from documents.search.query import search

    started = time.perf_counter()
    count = load(in_traditional(read_records(args.corpus), args.traditional, args.seed))
    print(f"corpus: {count} documents loaded into SQLite in {time.perf_counter() - started:.1f} s ({workdir})")

    started = time.perf_counter()
    indexed = rebuild(procs=args.procs)
    build = time.perf_counter() - started
    size = sum(f.stat().st_size for f in (workdir / "whoosh_index").iterdir()) / 1e6
    print(f"index build: {indexed} documents in {build:.1f} s with {args.procs} process(es), {size:.0f} MB")

    texts = dict(Article.objects.published().values_list("pk", "text"))
    titles = dict(Article.objects.published().values_list("pk", "title"))
    queries = pick_queries(texts, args.queries, args.seed)

    def truth(q):
        return {pk for pk, text in texts.items() if q in text or q in titles[pk]}

    search("预热")  # opens the searcher and loads jieba once, as a running site has
    rows = {}
    for label, fmt in (("unquoted", "{}"), ("quoted", '"{}"')):
        timings, found_total, truth_total, precise = [], 0, 0, 0
        for q in queries:
            expected = truth(q)
            t = time.perf_counter()
            search(fmt.format(q))  # timed: first page of 20 with the total and the facets
            timings.append(time.perf_counter() - t)
            # Recall needs every result, not the first page: a second call with 100 a page, outside the timing.
            found, page = set(), 1
            while True:
                results = search(fmt.format(q), page=page, per_page=100)
                found |= {hit.pk for hit in results.hits}
                if page >= results.num_pages:
                    break
                page += 1
            found_total += len(found & expected)
            truth_total += len(expected)
            precise += len(found & expected) == len(found)
        rows[label] = (found_total / truth_total if truth_total else 1.0, *percentiles(timings), precise)

    like_timings = []
    with connection.cursor() as cursor:
        for q in queries:
            t = time.perf_counter()
            cursor.execute(
                "SELECT COUNT(*) FROM documents_article WHERE status='published' AND deleted_at IS NULL"
                " AND (text LIKE %s OR title LIKE %s)", [f"%{q}%"] * 2)
            cursor.fetchone()
            cursor.execute(
                "SELECT id, title FROM documents_article WHERE status='published' AND deleted_at IS NULL"
                " AND (text LIKE %s OR title LIKE %s) ORDER BY date DESC LIMIT 20", [f"%{q}%"] * 2)
            cursor.fetchall()
            like_timings.append(time.perf_counter() - t)

        fts_build = create_fts5(cursor)
        fts_timings, fts_found, fts_truth = [], 0, 0
        for q in queries:
            if len(q) < 3:
                continue  # the trigram tokenizer cannot match fewer than 3 characters
            t = time.perf_counter()
            cursor.execute("SELECT COUNT(*) FROM bench_fts WHERE bench_fts MATCH %s", ['"' + q + '"'])
            cursor.fetchone()
            cursor.execute("SELECT rowid FROM bench_fts WHERE bench_fts MATCH %s ORDER BY rank LIMIT 20",
                           ['"' + q + '"'])
            cursor.fetchall()
            fts_timings.append(time.perf_counter() - t)
            cursor.execute("SELECT rowid FROM bench_fts WHERE bench_fts MATCH %s", ['"' + q + '"'])
            got, expected = {r[0] for r in cursor.fetchall()}, truth(q)
            fts_found, fts_truth = fts_found + len(got & expected), fts_truth + len(expected)

    n = len(queries)
    print(f"\n{n} queries (seed {args.seed}), 2-8 Chinese characters from the texts; ground truth: exact substring")
    print(f"{'method':34} {'recall':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, (recall, p50, p95, precise) in rows.items():
        print(f"{'search() ' + label + ', page 1+count+facets':34} {recall:7.3f} {p50:8.1f} {p95:8.1f}"
              f"   (exact result set for {precise}/{n})")
    print(f"{'SQL LIKE (count + page 1)':34} {1.0:7.3f} {percentiles(like_timings)[0]:8.1f} "
          f"{percentiles(like_timings)[1]:8.1f}")
    if fts_timings:
        print(f"{'SQLite FTS5 trigram (>=3 chars)':34} {fts_found / max(1, fts_truth):7.3f} "
              f"{percentiles(fts_timings)[0]:8.1f} {percentiles(fts_timings)[1]:8.1f}   "
              f"(build {fts_build:.1f} s, {len(fts_timings)} queries)")
    containing = scan(texts, titles)
    other_script(queries, containing)
    with_equivalents(queries, containing)
    costly(queries[:50])


def found_all(q):
    """Every result of a search (pages of 100)."""
    from documents.search.query import search

    found, page = set(), 1
    while True:
        results = search(q, page=page, per_page=100)
        found |= {hit.pk for hit in results.hits}
        if page >= results.num_pages:
            return found
        page += 1


def scan(texts, titles):
    """A plain substring scan over both scripts: a function of a string giving the documents that contain it,
    documents and string both converted to simplified characters by OpenCC."""
    simplified = {pk: TO_SIMPLIFIED(titles[pk] + "\n" + text) for pk, text in texts.items()}

    def containing(q):
        words = [TO_SIMPLIFIED(word) for word in q.split()]
        return {pk for pk, text in simplified.items() if all(word in text for word in words)}

    return containing


def recall(pairs):
    """Σ found ∩ expected / Σ expected over (found, expected) pairs."""
    expected = sum(len(e) for _, e in pairs)
    return sum(len(f & e) for f, e in pairs) / expected if expected else 1.0


def other_script(queries, containing):
    """Each random query written in the other script (OpenCC, phrase by phrase): recall against the plain scan of
    both scripts, and whether it finds exactly what the query as taken from the text finds."""
    pairs, same, n = [], 0, 0
    for q in queries:
        other = TO_TRADITIONAL(q) if TO_TRADITIONAL(q) != q else TO_SIMPLIFIED(q)
        if other == q:
            continue  # the same characters in both scripts: nothing to measure
        n += 1
        found = found_all(other)
        pairs.append((found, containing(q)))
        same += found == found_all(q) and found_all(f'"{other}"') == found_all(f'"{q}"')
    print(f"\nthe other script: {n} of the queries write differently in it; recall {recall(pairs):.3f} against a"
          f" substring scan of both scripts; the same results as the query as taken from the text, unquoted and"
          f" quoted: {same}/{n}")


@contextmanager
def equivalents_off():
    """search() without the equivalent terms (an empty table), for the figures beside."""
    from documents.search.language import equivalents

    saved, empty = equivalents.current_table, equivalents.Table.from_rows([])
    equivalents.current_table = lambda: empty
    try:
        yield
    finally:
        equivalents.current_table = saved


def with_equivalents(queries, containing):
    """Recall of each seeded form (every document containing a form of its group, by a plain scan of both scripts)
    and the latency of search() with the equivalent terms beside the same queries without them."""
    from documents.models import EquivalentTerms
    from documents.search.language.equivalents import forms_of
    from documents.search.query import search

    groups = [forms_of(text) for text in EquivalentTerms.objects.values_list("forms", flat=True)]
    pairs, typed_only, gained = [], [], 0
    for forms in groups:
        expected = set().union(*(containing(form) for form in forms))
        for form in forms:
            found = found_all(form)
            pairs.append((found, expected))
            with equivalents_off():
                typed_only.append((found_all(form), expected))
            gained += len(found - typed_only[-1][0])
    print(f"\nequivalent terms: {sum(map(len, groups))} seeded forms, each unquoted against every document"
          f" containing a form of its group: recall {recall(pairs):.3f} ({recall(typed_only):.3f} without the"
          f" equivalents; {gained} documents found through them)")

    forms = [form for group in groups for form in group]
    print(f"{'search(), page 1+count+facets':34} {'p50 on':>7} {'p95 on':>7} {'p50 off':>8} {'p95 off':>8}")
    for label, sample in (("random substrings", queries), ("the seeded forms", forms * 3)):
        on, off = [], []
        for i, q in enumerate(sample):
            for enabled in ((True, False) if i % 2 else (False, True)):  # alternate: neither warms the other
                started = time.perf_counter()
                if enabled:
                    search(q)
                else:
                    with equivalents_off():
                        search(q)
                (on if enabled else off).append(time.perf_counter() - started)
        print(f"{label:34} {percentiles(on)[0]:7.1f} {percentiles(on)[1]:7.1f} {percentiles(off)[0]:8.1f}"
              f" {percentiles(off)[1]:8.1f}")


CHARS = "的人大法国会民政府工作报告条例规定管理委员第一二三四五六七八九十年月日市省县区发展经济社会"
TYPICAL = ["政府工作报告", "人民代表大会", "环境保护 条例", "李克强 政府工作报告", "人大 立法 OR 监督", "民法典", "食品安全",
           "人民政府"]
COSTLY = {
    "30 characters joined by OR": " OR ".join(CHARS[:30]),
    "50 characters, spaced": " ".join(CHARS[:50]),
    "50 characters, commas": "，".join(CHARS[:50]),
    "50 characters, quoted": '"' + " ".join(CHARS[:50]) + '"',
    "人民 and 11 characters excluded": "人民 " + " ".join("-" + c for c in CHARS[:11]),
    "的": "的",
    "人 法": "人 法",
    "12 common words": "人民 政府 管理 规定 条例 委员会 国务院 工作 报告 发展 经济 社会",
    "100 characters of a title": ("中华人民共和国全国人民代表大会常务委员会关于修改部分法律的决定" * 4)[:100],
}


def cpu_ms(q, repeat=5):
    from documents.search.query import search

    times = []
    for _ in range(repeat):
        started = time.process_time()
        results = search(q)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000, results


def costly(random_queries):
    """CPU time of search() (page 1, count, facets; warm caches: the median of 5 runs) for costly queries, beside
    the median over typical ones and over random substrings, with the messages saying what the bounds dropped."""
    typical = statistics.median(cpu_ms(q)[0] for q in TYPICAL)
    substrings = statistics.median(cpu_ms(q, repeat=3)[0] for q in random_queries)
    print(f"\ncostly queries, CPU ms (median of 5, warm), beside typical queries ({typical:.1f} ms: "
          f"{'、'.join(TYPICAL)}) and {len(random_queries)} random substrings ({substrings:.1f} ms)")
    for label, q in COSTLY.items():
        ms, results = cpu_ms(q)
        print(f"{label:34} {ms:7.1f} ms {ms / typical:5.1f}x  {results.count:5} found  {' '.join(results.messages)}")

if __name__ == "__main__":
    main()
