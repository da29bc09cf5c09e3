"""Find it in the document: the article page with a search's matches marked (`?hl=`, never page-cached) beside the
same page without them, rendered and from the page cache, and the marking alone.

    .venv/bin/python bench/find_in_page.py [CORPUS_DIR] [--requests 200]      (default ../shared/corpus)

Imports the corpus into a throw-away SQLite database, picks documents at random (the ten longest among them) and
for each a query taken from its own text (2–8 characters, as bench/search.py draws them; one in five a single
character, the worst case), then requests the pages in-process. Prints figures; asserts nothing.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common import corpus_files, han_substring, percentile
from pages import DUMMY_CACHE
from throwaway import ROOT, setup_site


def targets(rng, count):
    """[(article, query)]: random published documents and the ten longest, each with a query from its text."""
    from django.db.models.functions import Length

    from documents.archive import pages

    public = pages.public()
    ids = rng.sample(sorted(public.values_list("id", flat=True)), count - 10)
    ids += list(public.annotate(n=Length("text")).order_by("-n").values_list("id", flat=True)[:10])
    chosen = []
    for article in public.filter(pk__in=ids).only("id", "text"):
        query = han_substring(article.text, rng) or "人民"
        chosen.append((article, query[0] if rng.random() < 0.2 else query))
    return chosen


def timed(client, variants, requests):
    """{label: [ms]} requesting each variant's i-th URL in turn (the order alternating): a cold page first would
    flatter the second."""
    results = {label: [] for label in variants}
    for label, urls in variants.items():
        for url in urls[:5]:
            client.get(url)
    for i in range(requests):
        for label in list(variants) if i % 2 else list(variants)[::-1]:
            urls = variants[label]
            begin = time.perf_counter()
            response = client.get(urls[i % len(urls)])
            results[label].append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                sys.exit(f"{urls[i % len(urls)]}: HTTP {response.status_code}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--requests", type=int, default=200, help="timed requests each way")
    args = parser.parse_args()
    files = corpus_files(args.corpus)

    with tempfile.TemporaryDirectory(prefix="find-bench-") as tmp:
        setup_site(Path(tmp))
        from django.test import Client, override_settings

        from documents.archive import pages
        from documents.archive.find_in_page import mark_body
        from documents.ingest.importer import import_paths
        from documents.search.query import parse_query

        report = import_paths(files, status="published", progress=False)
        print(f"corpus: {report.summary()}")
        chosen = targets(random.Random(2022), min(args.requests, 200))
        plain = [a.get_absolute_url() for a, _ in chosen]
        marked = [f"{a.get_absolute_url()}?{urlencode({'hl': q})}" for a, q in chosen]
        client = Client()
        with override_settings(CACHES=DUMMY_CACHE):
            results = timed(client, {"page, rendered": plain, "page with ?hl=, rendered": marked}, args.requests)
        for url in plain:
            client.get(url)  # into the page cache
        results.update(timed(client, {"page from the page cache": plain}, args.requests))

        marking, matches = [], []
        for article, query in chosen:
            body = pages.article_context(pages.article_queryset().get(pk=article.pk))["body_html"]
            begin = time.perf_counter()
            _, count = mark_body(body, parse_query(query).highlighter())
            marking.append((time.perf_counter() - begin) * 1000)
            matches.append(count)
        results["mark_body() alone"] = marking
        print(f"{len(chosen)} documents, matches a page: median {statistics.median(matches):.0f}, max {max(matches)}")
        print(f"\n{'':<30}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
        for label, times in results.items():
            print(f"{label:<30}{len(times):>7}{statistics.median(times):>11.1f}{percentile(times, 0.95):>9.1f}"
                  f"{max(times):>9.1f}")


if __name__ == "__main__":
    main()
