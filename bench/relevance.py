"""Relevance benchmark: precision@5, MRR and recall of search() on judged queries made from the corpus's own
metadata, beside plain alternatives ranked on the same index in the same run.

    .venv/bin/python bench/relevance.py [CORPUS_DIR_OR_JSONL ...] [--laws N] [--seed 2022] [--procs 2]
                                        [--needs-only] [--show-needs] [--results [FILE]]

Judged queries (seeded), each with the documents the metadata says it asks for:
  speaker   `李克强 政府工作报告` and `李克强`: the reports that speaker delivered
  year      `2019年政府工作报告`, `2019 政府工作报告` or `政府工作报告 2019`: that year's report
  title     a law's full title: the documents with that title (title_key, with or without 中华人民共和国)
  short     a national law's title without 中华人民共和国 (`民法典`): the same
  doc_number the 文号 a judicial interpretation prints under its title (`法释〔2023〕3号`): that document. The
            corpus has no 文号 field; the loader puts that line in the field, as staff would enter it.
  meeting   a meeting's name: the documents of that meeting
Methods: search()'s ranking; BM25 alone (the same matches, every ranking signal but the BM25 of the words off);
SQL LIKE on every word, newest first (computed in Python over the same text). precision@5 counts relevant
documents in the first five out of min(5, relevant); MRR is 1/rank of the first relevant document; recall is
over all results.

Needs (relevance_needs.json beside this file): what people type when they have a need, not a title (a legal
situation in their own words, a local topic, a policy of the work reports, a period, how the 人大 works), each
judged by reading the documents: 2 = the document that answers, 1 = relevant, 0 or unjudged = not. The judged
titles are pooled: every title either method shows in its first ten was read and graded (--pool lists those not
graded yet; `reasons` says why a title answers or is relevant). Judgments are by
title (every version of a law shares its grade); a title counts at its first place in a ranking only (the same
law shown seven times answers once). Figures: nDCG@10 (gain = grade), P@5 (documents graded 1 or 2 among the
first five, out of min(5, judged relevant)), MRR of the first answering document (grade 2; 0 when not in the
first 100), the share of answering documents in the first 10 (out of min(10, answering)), and the needs given an
empty page. Methods: search() as the page calls it (its first page of 10, its first 100 for MRR), beside all the
words as substrings, newest first (what the archive did before it ranked). With --results the figures are also
written to a dated JSON file (default bench/results/relevance-YYYY-MM-DD.json).

Everything happens in a temporary directory. Prints figures; asserts nothing.
"""

import argparse
import contextlib
import io
import datetime
import json
import math
import random
import subprocess
import re
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from search import load, read_records
from throwaway import ROOT, setup_site

DOC_NUMBER_LINE = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号")
NATIONAL = "中华人民共和国"
NEEDS = Path(__file__).with_name("relevance_needs.json")
DEPTH = 100  # how far a need's ranking is read (MRR)
ALL = 10**6  # the whole ranking, not a page


def with_doc_numbers(records):
    """The records, with the 文号 printed as a paragraph of its own near the top put in the doc_number field."""
    for record in records:
        if not record.get("doc_number"):
            head = [p.strip() for p in (record.get("body") or "").split("\n\n")[:8]]
            found = [p for p in head if DOC_NUMBER_LINE.fullmatch(p)]
            if found:
                record = {**record, "doc_number": found[0]}
        yield record


def subset(records, laws, seed):
    """Every work report and resolution, and `laws` laws drawn with the seed (all when laws is None)."""
    reports = [r for r in records if r.get("kind") != "法规"]
    others = [r for r in records if r.get("kind") == "法规"]
    if laws is not None and laws < len(others):
        others = random.Random(seed).sample(others, laws)
    return reports + others


def judged_queries(docs, seed):
    """[(class, query, {relevant pks})] from the documents' metadata; docs: [(pk, record)]."""
    from documents.common.titles import title_key

    rng = random.Random(seed)
    queries = []
    reports = [(pk, r) for pk, r in docs if r.get("kind") == "报告"]
    by_speaker = defaultdict(set)
    for pk, r in reports:
        if r.get("speaker"):
            by_speaker[r["speaker"]].add(pk)
    for speaker, pks in sorted(by_speaker.items()):
        if len(pks) >= 2:
            queries += [("speaker", f"{speaker} 政府工作报告", pks), ("speaker", speaker, pks)]
    by_year = defaultdict(set)
    for pk, r in reports:
        if r.get("date"):
            by_year[r["date"][:4]].add(pk)
    forms = ["{}年政府工作报告", "{} 政府工作报告", "政府工作报告 {}"]
    queries += [("year", rng.choice(forms).format(year), pks) for year, pks in sorted(by_year.items())]

    by_key = defaultdict(set)
    for pk, r in docs:
        key = title_key(r["title"])
        by_key[key.removeprefix(NATIONAL)].add(pk)
    laws = sorted(((pk, r) for pk, r in docs if r.get("kind") == "法规"), key=lambda d: d[0])
    for pk, r in rng.sample(laws, min(40, len(laws))):
        queries.append(("title", r["title"], by_key[title_key(r["title"]).removeprefix(NATIONAL)]))
    national = [(pk, r) for pk, r in laws if title_key(r["title"]).startswith(NATIONAL)]
    for pk, r in rng.sample(national, min(25, len(national))):
        short = title_key(r["title"]).removeprefix(NATIONAL)
        queries.append(("short", short, by_key[short]))

    by_number = defaultdict(set)
    for pk, r in docs:
        if r.get("doc_number"):
            by_number[r["doc_number"]].add(pk)
    queries += [("doc_number", number, pks) for number, pks in sorted(by_number.items())]

    by_meeting = defaultdict(set)
    for pk, r in docs:
        if r.get("meeting"):
            by_meeting[r["meeting"]].add(pk)
    meetings = sorted(m for m, pks in by_meeting.items() if len(pks) >= 2)
    queries += [("meeting", m, by_meeting[m]) for m in rng.sample(meetings, min(30, len(meetings)))]
    return queries


@contextlib.contextmanager
def bm25_alone():
    """search()'s matching with every ranking signal but BM25 switched off (the ranking module's *_SCORE
    weights at 0, no banding of BM25 scores)."""
    from documents.search.backends import ranking

    saved = {name: getattr(ranking, name) for name in dir(ranking) if name.endswith("_SCORE")}
    saved["BM25_BAND"] = ranking.BM25_BAND
    try:
        for name in saved:
            setattr(ranking, name, 1.0 if name == "BM25_BAND" else 0.0)
        yield
    finally:
        for name, value in saved.items():
            setattr(ranking, name, value)


def ranked_by_search(q):
    """search()'s whole ranking of q (ids in order), through the same backend call search() makes for a page."""
    from documents.search.index.indexing import get_backend
    from documents.search.interface import Filters
    from documents.search.language.parsing import parse_query

    return get_backend().run_query(parse_query(q), Filters(), "relevance", 1, ALL).ids


def like_newest_first(haystacks, dates):
    def rank(q):
        words = q.split()
        found = [pk for pk, text in haystacks.items() if all(w in text for w in words)]
        return sorted(found, key=lambda pk: (dates[pk] is not None, dates[pk] or 0), reverse=True)

    return rank


def scores(ranking, relevant):
    top = ranking[:5]
    precision = len(set(top) & relevant) / min(5, len(relevant))
    first = next((i for i, pk in enumerate(ranking, 1) if pk in relevant), None)
    return precision, 1 / first if first else 0.0, len(set(ranking) & relevant), len(relevant)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--laws", type=int, help="load only this many laws, drawn with the seed (all reports)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--procs", type=int, default=2, help="processes for the index build")
    parser.add_argument("--show", action="store_true", help="list the queries search() ranks imperfectly")
    parser.add_argument("--needs-only", action="store_true", help="measure the judged needs only")
    parser.add_argument("--show-needs", action="store_true", help="print each need's first ten results")
    parser.add_argument("--pool", type=Path, help="write each need's unjudged titles in the first ten of each "
                        "method to this JSON file, to be judged by reading (pooling: a title no method shows "
                        "there stays unjudged)")
    parser.add_argument("--results", type=Path, nargs="?", const=ROOT / "bench" / "results" / (
        f"relevance-{datetime.date.today().isoformat()}.json"), help="write the needs' figures to this JSON file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="relevance-bench-"))
    try:
        run(workdir, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir, args):
    setup_site(workdir)
    from django.core.management import call_command, get_commands
    from documents.models import Article
    from documents.search.index.indexing import rebuild
    from documents.search_indexes import ArticleIndex

    records = subset(list(with_doc_numbers(read_records(args.corpus))), args.laws, args.seed)
    started = time.perf_counter()
    count = load(records)
    articles = list(Article.objects.order_by("pk").select_related("speaker", "meeting").prefetch_related(
        "attachments"))
    docs = [(a.pk, r) for a, r in zip(articles, records, strict=True)]
    started, loaded = time.perf_counter(), time.perf_counter() - started
    indexed = rebuild(procs=args.procs)
    if "load_vocabulary" in get_commands():  # as an operator runs it after an import
        call_command("load_vocabulary", stdout=io.StringIO())
    print(f"corpus: {count} documents loaded in {loaded:.1f} s, indexed in {time.perf_counter() - started:.1f} s")

    haystacks = {a.pk: a.title + "\n" + ArticleIndex.searchable_text(a) for a in articles}
    dates = {a.pk: a.date.toordinal() if a.date else None for a in articles}
    queries = judged_queries(docs, args.seed)
    ranked_by_search("预热")  # opens the searcher and loads jieba once, as a running site has

    def bm25(q):
        with bm25_alone():
            return ranked_by_search(q)

    if not args.needs_only:
        methods = {"search()": ranked_by_search, "BM25 alone": bm25,
                   "LIKE, newest first": like_newest_first(haystacks, dates)}
        print(f"\n{len(queries)} judged queries (seed {args.seed}), {indexed} documents indexed")
        report(methods, queries, show=args.show)

    titles = {a.pk: a.title for a in articles}
    needs = json.loads(NEEDS.read_text(encoding="utf-8"))
    methods = {"search()": page_of_search, "substrings, newest first": like_newest_first(haystacks, dates)}
    figures = needs_report(methods, needs, titles, show=args.show_needs)
    if args.pool:
        write_pool(args.pool, methods, needs, titles)
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps({
            "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "commit": _commit(), "corpus": args.corpus, "needs": len(needs), "figures": figures,
        }, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written to {args.results}")


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def page_of_search(q):
    """The ids search() shows for q, in order: its first page as a reader sees it (10 results, then those it lists
    after a short page without one term), then the rest of its first DEPTH."""
    from documents.search.query import search

    first = search(q)
    shown = [hit.pk for hit in first.hits + first.also]
    return shown + [hit.pk for hit in search(q, per_page=DEPTH).hits if hit.pk not in shown]


def write_pool(path, methods, needs, titles):
    """[{need, class, why, unjudged: [title]}]: the titles any method shows in its first ten for a need that the
    need's judgments do not grade yet."""
    pool = []
    for need in needs:
        shown = dict.fromkeys(titles[pk] for rank in methods.values() for pk in rank(need["need"])[:10])
        unjudged = [title for title in shown if title not in need["judgments"]]
        pool.append({"need": need["need"], "class": need["class"], "why": need.get("why", ""),
                     "unjudged": unjudged})
    path.write_text(json.dumps(pool, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"pool: {sum(len(p['unjudged']) for p in pool)} unjudged titles written to {path}")


def need_scores(ranking, grades, titles):
    """(nDCG@10, P@5, RR of the first answering document, share of answering documents in the first 10, empty)
    of one ranking (pks); grades: {title: grade}. A title gains only at its first place."""
    seen, gains = set(), []
    for pk in ranking[:DEPTH]:
        title = titles[pk]
        gains.append(0 if title in seen else grades.get(title, 0))
        seen.add(title)
    ideal = sorted(grades.values(), reverse=True)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal[:10]))
    relevant = sum(1 for g in grades.values() if g >= 1)
    answering = sum(1 for g in grades.values() if g == 2)
    p5 = sum(1 for g in gains[:5] if g >= 1) / min(5, relevant)
    first = next((i for i, g in enumerate(gains, 1) if g == 2), None)
    share = sum(1 for g in gains[:10] if g == 2) / min(10, answering)
    return dcg / idcg, p5, 1 / first if first else 0.0, share, not ranking


def needs_report(methods, needs, titles, show=False):
    """Print the needs' figures by class and overall for each method; returns {method: {class: figures}}."""
    names = ("nDCG@10", "P@5", "MRR", "answers@10", "empty")
    table = defaultdict(list)
    for method, rank in methods.items():
        for need in needs:
            ranking = rank(need["need"])
            row = need_scores(ranking, need["judgments"], titles)
            if show and method == "search()":
                print(f"{need['class']:9} nDCG {row[0]:.2f} RR {row[2]:.2f}  {need['need']}")
                for pk in ranking[:10]:
                    print(f"    {need['judgments'].get(titles[pk], 0)}  {titles[pk]}")
            table[(method, need["class"])].append(row)
            table[(method, "all")].append(row)
    classes = list(dict.fromkeys(need["class"] for need in needs)) + ["all"]
    print(f"\n{len(needs)} judged needs ({sum(len(n['judgments']) for n in needs)} judgments)")
    figures = {}
    for method in methods:
        print(f"\n{method}\n{'class':10}{'needs':>6}" + "".join(f"{n:>12}" for n in names))
        for cls in classes:
            rows = table[(method, cls)]
            means = [sum(r[i] for r in rows) / len(rows) for i in range(4)] + [sum(r[4] for r in rows)]
            figures.setdefault(method, {})[cls] = dict(zip(names, means))
            print(f"{cls:10}{len(rows):>6}" + "".join(f"{v:>12.3f}" for v in means[:4]) + f"{means[4]:>12d}")
    return figures


def report(methods, queries, show=False):
    table = defaultdict(list)  # (method, class) -> [(precision, rr, found, relevant)]
    for method, rank in methods.items():
        for cls, q, relevant in queries:
            ranking = rank(q)
            row = scores(ranking, relevant)
            if show and method == "search()" and row[:2] != (1.0, 1.0):
                print(f"{cls:10} P@5 {row[0]:.2f} RR {row[1]:.2f}  {q}  top {ranking[:5]}  relevant {sorted(relevant)}")
            table[(method, cls)].append(row)
            table[(method, "all")].append(row)
    print(f"{'class':11}{'queries':>8}  " + "  ".join(f"{m:>24}" for m in methods))
    print(f"{'':19}  " + "  ".join(f"{'P@5   MRR  recall':>24}" for _ in methods))
    for cls in list(dict.fromkeys(cls for cls, _, _ in queries)) + ["all"]:
        cells = []
        for method in methods:
            rows = table[(method, cls)]
            p, mrr = sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows)
            recall = sum(r[2] for r in rows) / sum(r[3] for r in rows)
            cells.append(f"{p:5.3f} {mrr:5.3f}  {recall:5.3f}")
        print(f"{cls:11}{len(rows):>8}  " + "  ".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
