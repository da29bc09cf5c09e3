"""Server time of the portal pages with the whole corpus loaded: median and p95 per page family.

    .venv/bin/python bench/pages.py [CORPUS_DIR] [--requests 200]      (default ../shared/corpus)

Imports the corpus (documents.ingest, as `manage.py import_documents` does) into a throw-away SQLite database in a
temporary folder, then requests each page family in-process with Django's test Client (production settings:
DEBUG off, every middleware) and prints the times, first with the page cache off (rendering), then from a
warm page cache. Prints figures; asserts nothing.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import percentile
from throwaway import ROOT, setup_site


def targets(rng, count):
    """{page family: [urls]}: varied targets so one cached row does not flatter the figures."""
    from django.db.models import Count

    from documents.archive import pages
    from documents.models import Column

    article_ids = list(pages.public().values_list("id", flat=True))
    columns = list(Column.objects.annotate(n=Count("articles")).filter(n__gt=0))
    column_urls = []
    for column in columns:
        last = max(1, -(-column.n // pages.PER_PAGE))
        column_urls += [f"{column.get_absolute_url()}?page={n}" for n in {1, 2, last // 2 or 1, last}]
    speakers = list(pages.speakers()[:20])
    years, _ = pages.year_counts()
    archive_urls = [f"/archive/{year}/" for year, _ in years[:15]]
    for year, _ in years[:10]:
        archive_urls += [f"/archive/{year}/{month:02d}/" for month, _ in pages.month_counts(year) if month]
    return {
        "home": ["/"],
        "column": column_urls,
        "article": [f"/articles/{pk}/" for pk in rng.sample(article_ids, min(count, len(article_ids)))],
        "speaker": [s.get_absolute_url() for s in speakers] + ["/speakers/"],
        "meeting": [m.get_absolute_url() for m in pages.meetings()[:20]] + ["/meetings/", "/meetings/?page=2"],
        "archive": archive_urls + ["/archive/"],
        "feed": ["/feed/"] + [f"{column.get_absolute_url()}feed/" for column in columns],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page family")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.jsonl")) + sorted(corpus.glob("*.jsonl.gz"))
    if not files:
        sys.exit(f"no .jsonl files in {corpus}")

    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        setup_site(Path(tmp))
        from documents.ingest.importer import import_paths

        started = time.perf_counter()
        report = import_paths(files, status="published", progress=False)
        print(f"corpus: {report.summary()} in {time.perf_counter() - started:.0f} s")

        family_urls = targets(random.Random(2022), args.requests)
        # First what rendering costs (page cache off), then what a warm page cache serves.
        timed(family_urls, args.requests, "rendered (page cache off)", DUMMY_CACHE)
        timed(family_urls, args.requests, "from the page cache (warm)", None)


DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def timed(family_urls, requests, label, caches):
    from django.test import Client, override_settings

    client = Client()
    print(f"\n{label}\n{'page':<10}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    with override_settings(**({"CACHES": caches} if caches else {})):
        for family, urls in family_urls.items():
            for url in urls[: requests if caches is None else 5]:  # warm up: templates, connection, cache
                client.get(url)
            times = []
            for i in range(requests):
                url = urls[i % len(urls)]
                begin = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{url}: HTTP {response.status_code}")
            print(
                f"{family:<10}{len(times):>9}{statistics.median(times):>11.1f}"
                f"{percentile(times, 0.95):>9.1f}{max(times):>9.1f}"
            )

if __name__ == "__main__":
    main()
