"""《》 citations on the whole corpus: how many were linked, named nothing in the archive or several documents, what
linking costs an import, and the article page's server time with the links beside the same page without them.

    .venv/bin/python bench/citations.py [CORPUS_DIR] [--requests 200]      (default ../shared/corpus)

Imports the corpus into a throw-away SQLite database (the import links citations in one pass at its end, timed
apart), then times `manage.py link_citations` (every citation recomputed), then requests article pages in-process
with the page cache off: documents that cite or are cited, rendered as the site does and with the citation step
left out (body as stored, no 本文引用 / 被引用 lists). Prints figures; asserts nothing.
"""

import argparse
from contextlib import nullcontext
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from pages import DUMMY_CACHE, percentile
from common import corpus_files
from throwaway import ROOT, setup_site


def counts_report():
    from documents.legislation.citation_index import outcome_counts
    from documents.models import Citation

    counts = outcome_counts()
    total = [sum(n for n, _ in counts.values()), sum(o for _, o in counts.values())]
    print(f"\n{'citations':<22}{'once a document':>16}{'occurrences':>13}")
    print(f"{'all 《》':<22}{total[0]:>16}{total[1]:>13}")
    for outcome, label in Citation.Outcome.choices:
        n, occurrences = counts.get(outcome, (0, 0))
        print(f"{outcome + ' ' + label:<22}{n:>16}{occurrences or 0:>13}")


def page_targets(rng, count):
    """Published documents that cite others or are cited, the most cited first in the mix."""
    from django.db.models import Count

    from documents.archive import pages
    from documents.models import Citation

    citing = set(Citation.objects.filter(outcome="linked").values_list("citing_id", flat=True))
    cited = list(
        Citation.objects.filter(outcome="linked").values("cited_id").annotate(n=Count("citing_id")).order_by("-n")
    )
    public = set(pages.public().values_list("id", flat=True))
    ids = [row["cited_id"] for row in cited[:10]] + rng.sample(sorted(citing & public), min(count, len(citing)))
    return [f"/articles/{pk}/" for pk in ids]


def without_citations(article):
    return {"body": article.body, "cites": [], "cited_by": [], "cited_by_count": 0}


def time_pages(urls, requests):
    from django.test import Client, override_settings

    client = Client()
    results = {}
    with override_settings(CACHES=DUMMY_CACHE):
        for label, patch in (("with citation links", None), ("without (body as stored)", without_citations)):
            with mock.patch("documents.archive.pages.citation_context", patch) if patch else nullcontext():
                for url in urls[:5]:
                    client.get(url)
                times = []
                for i in range(requests):
                    begin = time.perf_counter()
                    response = client.get(urls[i % len(urls)])
                    times.append((time.perf_counter() - begin) * 1000)
                    if response.status_code != 200:
                        sys.exit(f"{urls[i % len(urls)]}: HTTP {response.status_code}")
                results[label] = times
    print(f"\narticle pages (page cache off)\n{'':<26}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for label, times in results.items():
        print(f"{label:<26}{len(times):>9}{statistics.median(times):>11.1f}"
              f"{percentile(times, 0.95):>9.1f}{max(times):>9.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--requests", type=int, default=200, help="timed requests each way")
    args = parser.parse_args()
    files = corpus_files(args.corpus)

    with tempfile.TemporaryDirectory(prefix="citations-bench-") as tmp:
        setup_site(Path(tmp))
        from documents.legislation import citation_index
        from documents.ingest.importer import import_paths

        relink = citation_index.relink
        spent = []

        def timed_relink(*a, **k):
            begin = time.perf_counter()
            relink(*a, **k)
            spent.append(time.perf_counter() - begin)

        started = time.perf_counter()
        with mock.patch.object(citation_index, "relink", timed_relink):
            report = import_paths(files, status="published", progress=False)
        total = time.perf_counter() - started
        print(f"corpus: {report.summary()} in {total:.1f} s, of which linking citations {sum(spent):.1f} s")

        started = time.perf_counter()
        citation_index.relink_all()
        print(f"link_citations (every citation recomputed): {time.perf_counter() - started:.1f} s")
        counts_report()
        time_pages(page_targets(random.Random(2022), args.requests), args.requests)


if __name__ == "__main__":
    main()
