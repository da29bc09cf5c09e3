"""Related documents (相关文档) on the whole corpus: what computing them costs (in full, and per saved document), what
the lists look like, and the article page's server time with its list beside the same page without it.

    .venv/bin/python bench/related.py [CORPUS_DIR] [--documents 100] [--requests 200]   (default ../shared/corpus)

Imports the corpus into a throw-away SQLite database (a first import computes everything at its end, timed
apart), times `refresh_all()` (manage.py refresh_related) and the word cutting alone, then `refresh([id])` (what a
save of one published document runs) for a sample of documents, then requests article pages in-process with the
page cache off, with the related list and with `pages.related` returning nothing. Prints figures; asserts nothing.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

from common import corpus_files, percentile
from pages import DUMMY_CACHE
from throwaway import ROOT, setup_site


def row(label, times):
    return (f"{label:<34}{len(times):>7}{statistics.median(times):>11.1f}{percentile(times, 0.95):>9.1f}"
            f"{max(times):>9.1f}")


def import_corpus(files):
    from documents.related import related_index
    from documents.ingest.importer import import_paths

    spent, refresh_all = [], related_index.refresh_all

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        result = refresh_all(*args, **kwargs)
        spent.append(time.perf_counter() - begin)
        return result

    started = time.perf_counter()
    with mock.patch.object(related_index, "refresh_all", timed):
        report = import_paths(files, status="published", progress=False)
    print(f"corpus: {report.summary()} in {time.perf_counter() - started:.1f} s, "
          f"of which related documents (in full, at its end) {sum(spent):.1f} s")


def full_computation():
    from documents.models import ArticleTerm, RelatedDocument, TermFrequency
    from documents.related.related_index import published_texts, refresh_all
    from documents.related.related_terms import word_counts

    started = time.perf_counter()
    documents = refresh_all()
    total = time.perf_counter() - started
    started = time.perf_counter()
    for _, _, text in published_texts():
        word_counts(text)
    cutting = time.perf_counter() - started
    lists = list(RelatedDocument.objects.order_by().values_list("article_id", flat=True))
    print(f"refresh_related: {documents} documents in {total:.1f} s ({total / documents * 1000:.1f} ms a document), "
          f"of which reading and cutting the words {cutting:.1f} s")
    print(f"stored: {TermFrequency.objects.count()} words with their frequencies, {ArticleTerm.objects.count()} "
          f"terms, {len(lists)} related entries; {len(set(lists))} documents with a list "
          f"({len(lists) / max(1, len(set(lists))):.2f} entries on average)")


def per_document(rng, count):
    from documents.archive import pages
    from documents.related.related_index import refresh

    ids = rng.sample(sorted(pages.public().values_list("id", flat=True)), count)
    times = []
    for pk in ids:
        begin = time.perf_counter()
        refresh([pk])
        times.append((time.perf_counter() - begin) * 1000)
    print(f"\n{'':<34}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    print(row("refresh([id]): one saved document", times))


def examples(rng, count=4):
    from documents.archive import pages
    from documents.models import Article

    print()
    for article in rng.sample(list(pages.public().only("id", "title", "regulation_id")), count):
        print(f"{article.title}")
        for other in pages.related(Article.objects.get(pk=article.pk)):
            print(f"    {other.title}")


def time_pages(rng, requests):
    """Each page with its list and without, one after the other: a cold page first would flatter the second."""
    from django.test import Client, override_settings

    from documents.archive import pages

    ids = sorted(pages.public().values_list("id", flat=True))
    urls = [f"/articles/{pk}/" for pk in rng.sample(ids, min(requests, len(ids)))]
    client, results = Client(), {"article page with 相关文档": [], "without (pages.related: [])": []}
    variants = list(zip(results, (nullcontext, lambda: mock.patch("documents.archive.pages.related", lambda article: []))))
    with override_settings(CACHES=DUMMY_CACHE):
        for url in urls[:5]:
            client.get(url)
        for i in range(requests):
            for label, patch in variants if i % 2 else variants[::-1]:
                with patch():
                    begin = time.perf_counter()
                    response = client.get(urls[i % len(urls)])
                    results[label].append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{urls[i % len(urls)]}: HTTP {response.status_code}")
    print(f"\narticle pages (page cache off)\n{'':<34}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for label, times in results.items():
        print(row(label, times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--documents", type=int, default=100, help="saved documents timed")
    parser.add_argument("--requests", type=int, default=200, help="timed requests each way")
    args = parser.parse_args()
    files = corpus_files(args.corpus)

    with tempfile.TemporaryDirectory(prefix="related-bench-") as tmp:
        setup_site(Path(tmp))
        rng = random.Random(2022)
        import_corpus(files)
        full_computation()
        per_document(rng, args.documents)
        examples(rng)
        time_pages(rng, args.requests)


if __name__ == "__main__":
    main()
