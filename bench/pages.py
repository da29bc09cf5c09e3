"""Server time of the portal pages with the whole corpus loaded: median and p95 per page family.

    .venv/bin/python bench/pages.py [CORPUS_DIR] [--requests 200]      (default ../shared/corpus)

Imports the corpus (documents.ingest, as `manage.py import_documents` does) into a throw-away SQLite database in a
temporary folder, then requests each page family in-process with Django's test Client (production settings:
DEBUG off, every middleware) and prints the times. Prints figures; asserts nothing.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def targets(rng, count):
    """{page family: [urls]}: varied targets so one cached row does not flatter the figures."""
    from django.db.models import Count

    from documents import pages
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
        os.environ.update(
            DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "congress_site.settings"),
            SECRET_KEY="bench-only",
            DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
            MEDIA_ROOT=f"{tmp}/media",
            SEARCH_INDEX_DIR=f"{tmp}/index",
            ALLOWED_HOSTS="testserver",
        )
        os.environ.pop("DEBUG", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from documents.ingest.importer import import_paths

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        report = import_paths(files, status="published", progress=False)
        print(f"corpus: {report.summary()} in {time.perf_counter() - started:.0f} s")

        rng = random.Random(2022)
        client = Client()
        print(f"{'page':<10}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
        for family, urls in targets(rng, args.requests).items():
            for url in urls[:5]:  # warm up: templates compiled, connection open
                client.get(url)
            times = []
            for i in range(args.requests):
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
