"""Regulations on the whole corpus: version groups and statuses checked, then the server time of every 新旧对照
page and of every version's page, beside a plain whole-text difflib comparison of the same pairs.

    .venv/bin/python bench/compare.py [CORPUS_DIR]      (default ../shared/corpus)

Imports the corpus (as `manage.py import_documents` does) into a throw-away SQLite database, then requests the
pages in-process with Django's test Client (production settings, page cache off), each page --runs times (its
median counts). The plain alternative is difflib.HtmlDiff over the two texts' paragraphs (a side-by-side table,
no alignment by 条), timed the same way. Prints figures and the groups that break a rule; asserts nothing.
"""

import argparse
import difflib
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import corpus_files
from throwaway import ROOT, setup_site

DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def groups():
    """[[version, ...] newest first] of every regulation with two versions or more."""
    from django.db.models import Count

    from documents.legislation import regulations
    from documents.models import Regulation

    multi = Regulation.objects.annotate(n=Count("versions")).filter(n__gt=1).prefetch_related("versions")
    return [regulations.newest_first(list(group.versions.all())) for group in multi]


def check(found):
    """Print the corpus figures and every group that breaks a rule."""
    from documents.legislation.regulations import sort_date

    versions = sum(len(v) for v in found)
    print(f"regulations with several versions: {len(found)} ({versions} documents)")
    broken = 0
    for group in found:
        current = [v for v in group if v.validity == "current"]
        placed = [sort_date(v) for v in group if sort_date(v) is not None]
        if len(current) != 1 or placed != sorted(placed, reverse=True):
            broken += 1
            print("  not one 现行有效 or out of date order:", group[0].title,
                  [(v.date_display, v.get_validity_display()) for v in group])
    print(f"groups with exactly one 现行有效, in date order: {len(found) - broken} of {len(found)}")


def median_ms(work, runs):
    """The median of `runs` timings of work(): one page, so that a moment of load elsewhere does not count."""
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        work()
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)


def timed(client, url, runs):
    def get():
        if client.get(url).status_code != 200:
            sys.exit(f"{url}: not HTTP 200")

    return median_ms(get, runs)


def plain(old, new, runs):
    return median_ms(lambda: difflib.HtmlDiff().make_table(old.text.split("\n\n"), new.text.split("\n\n")), runs)


def report(label, times):
    print(f"{label:<38}{len(times):>6}{statistics.median(times):>10.1f}{percentile(times, 0.95):>9.1f}"
          f"{max(times):>9.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=3, help="timings of each page (its median counts)")
    args = parser.parse_args()
    files = corpus_files(args.corpus)

    with tempfile.TemporaryDirectory(prefix="compare-bench-") as tmp:
        setup_site(Path(tmp))
        from django.test import Client, override_settings

        from documents.ingest.importer import import_paths

        started = time.perf_counter()
        result = import_paths(files, status="published", progress=False)
        print(f"corpus: {result.summary()} in {time.perf_counter() - started:.0f} s")
        found = groups()
        check(found)

        pairs = [(old, new) for group in found for new, old in itertools.combinations(group, 2)]
        client = Client()
        with override_settings(CACHES=DUMMY_CACHE):
            for old, new in pairs[:5]:  # warm up: templates, connection
                client.get(f"/articles/{old.pk}/compare/{new.pk}/")
            pages = [timed(client, f"/articles/{old.pk}/compare/{new.pk}/", args.runs) for old, new in pairs]
            articles = [timed(client, f"/articles/{v.pk}/", args.runs) for group in found for v in group]
        slowest = max(zip(pages, pairs), key=lambda item: item[0])
        print(f"\n{len(pairs)} pairs compared, every page HTTP 200; the slowest: {slowest[1][1].title} "
              f"({len(slowest[1][0].text) + len(slowest[1][1].text):,} characters)")
        print(f"\nserver time (ms), each page the median of {args.runs} runs")
        print(f"{'':<38}{'pages':>6}{'median':>10}{'p95':>9}{'max':>9}")
        report("新旧对照 page (aligned by 条)", pages)
        report("plain: difflib.HtmlDiff of the texts", [plain(old, new, args.runs) for old, new in pairs])
        report("version page (versions, TOC, anchors)", articles)


if __name__ == "__main__":
    main()
