"""What repeated and nested equivalent forms cost a search, beside common queries: the work counted by
documents/search/language/budget.py (postings lists looked up, postings read, position lists decoded), the CPU time, the
variants searched, and, as the plain alternative, how many combinations the unbounded expansion (every
combination of the forms listed before a few were kept) would have built for the same query.

    .venv/bin/python bench/search_bounds.py [CORPUS_DIR_OR_JSONL ...] [--site DIR] [--results FILE]

Default corpus: ../shared/corpus/, loaded into a temporary site (database and index) that is removed at the end;
--site DIR reuses (or builds once and keeps) a site there. --results appends the figures, dated, to a JSON Lines
file. Prints figures; asserts nothing.
"""

import argparse
import datetime
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import read_records
from throwaway import ROOT, setup_site

COMMON = ["政府工作报告", "人民代表大会", "环境保护 条例", "李克强 政府工作报告", "人大 立法 OR 监督", "民法典", "食品安全",
          "人民政府", "人大常委会", "全国人大常委会"]
COSTLY = {
    "人大常委会 × 20": "人大常委会" * 20,
    "全国人大 × 25": "全国人大" * 25,
    "人大代表 × 25": "人大代表" * 25,
    "人大常委会 × 16, spaced": " ".join(["人大常委会"] * 16),
    "全国人大常委会 × 14 (nested)": "全国人大常委会" * 14,
    "nested forms mixed": "全国人大常委会法工委人大代表全国人大人大常委会" * 4,
    "nested forms mixed, spaced": " ".join(["全国人大常委会", "人大代表", "全国人大", "法工委"] * 5),
    "人大常委会 OR 监督 × 8": " ".join(["人大常委会 OR 监督"] * 8),
    "100 characters of a title": ("中华人民共和国全国人民代表大会常务委员会关于修改部分法律的决定" * 4)[:100],
}


def unbounded_combinations(q):
    """How many variants the former expansion listed for q: for each run of each clause, every combination of its
    forms (each match of a form a slot of 1 + its other one-run forms), listed whole before any was kept."""
    from documents.search.language.equivalents import current_table
    from documents.search.language.parsing import parse_query

    table, total = current_table(), 0
    for clause in parse_query(q).positive:
        if clause.phrase or not table.pattern:
            continue
        for run in clause.runs:
            product = 1
            for match in table.pattern.finditer(run):
                whole = match.span() == (0, len(run))
                others = [f for f in table.groups[table.group_of[(match.group(),)]]
                          if f != (match.group(),) and (len(f) == 1 or whole)]
                product *= 1 + len(others)
            total += product
    return total


def measure(q, repeat=3):
    from documents.search.query import search

    times, results = [], None
    for _ in range(repeat):
        started = time.process_time()
        results = search(q)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--site", type=Path, help="a folder to build the site in once and reuse")
    parser.add_argument("--results", type=Path, help="JSON Lines file the figures are appended to, dated")
    args = parser.parse_args()
    workdir = args.site or Path(tempfile.mkdtemp(prefix="search-bounds-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        run(workdir, args)
    finally:
        if not args.site:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir, args):
    setup_site(workdir)
    from django.conf import settings

    from documents.models import Article
    from documents.search.index.indexing import rebuild
    from search import load

    if not Article.objects.exists():
        started = time.perf_counter()
        count = load(read_records(args.corpus))
        rebuild()
        print(f"corpus: {count} documents loaded and indexed in {time.perf_counter() - started:.0f} s ({workdir})")
    for q in COMMON + list(COSTLY.values()):
        measure(q, repeat=1)  # warm: postings cache, segment tables, jieba

    rows, common = [], []
    for q in COMMON:
        ms, results = measure(q)
        common.append((results.spent.work, ms))
    work_median = statistics.median(w for w, _ in common)
    ms_median = statistics.median(m for _, m in common)
    print(f"\ncommon queries ({len(COMMON)}): median work {work_median:.0f}, median CPU {ms_median:.1f} ms; "
          f"deadline SEARCH_SECONDS = {settings.SEARCH_SECONDS:g} s")
    print(f"{'query':32} {'work':>7} {'x':>5} {'CPU ms':>7} {'x':>5} {'variants':>8} {'unbounded':>11} {'found':>5}  "
          "messages")
    for label, q in COSTLY.items():
        ms, results = measure(q)
        variants = sum(len(forms) for _, forms in results.equivalents)
        unbounded = unbounded_combinations(q)
        spent = results.spent
        print(f"{label:32} {spent.work:7} {spent.work / work_median:5.1f} {ms:7.1f} {ms / ms_median:5.1f} "
              f"{variants:8} {unbounded:11.3g} {results.count:5}  {' '.join(results.messages)}")
        rows.append({"query": label, "work": spent.work, "terms": spent.terms, "postings": spent.postings,
                     "positions": spent.positions, "cpu_ms": round(ms, 1), "variants": variants,
                     "unbounded_combinations": unbounded, "found": results.count, "cut": results.cut})
    print("(x: times the common median; unbounded: the combinations the former expansion listed before keeping "
          "at most 8)")
    if args.results:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                                     "documents": Article.objects.count(), "common_work": work_median,
                                     "common_cpu_ms": round(ms_median, 1), "queries": rows}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
