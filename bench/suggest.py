"""Server time of the search box's suggestions with the whole corpus loaded, beside SQL `icontains`.

    .venv/bin/python bench/suggest.py [CORPUS_DIR] [--requests 500] [--seed 2022]      (default ../shared/corpus)

Imports the corpus into a throw-away SQLite database (no search index: suggestions do not use it), then prints:
the time to build the in-memory index (documents/suggestions.py) and its size; p50/p95/max of
`SuggestionIndex.suggest()` and of the whole /search/suggest/ request through Django's test Client (production
settings, every middleware, the page cache's token read); and the plain alternative measured on the same typed
texts, three `icontains` queries (titles newest first, speakers, meetings; 8 each). Typed texts: beginnings of
titles, names and meetings (1-6 characters, as typed), pieces from inside titles, single characters, texts
found nowhere, and a 2,000-character paste. Prints figures; asserts nothing.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from common import corpus_files, percentile
from throwaway import ROOT, setup_site


def typed_texts(rng, count):
    from documents.archive import pages

    titles = list(pages.public().values_list("title", flat=True))
    names = [s.name for s in pages.speakers()] + [m.name for m in pages.meetings()]
    texts = []
    while len(texts) < count:
        kind = len(texts) % 6
        if kind in (0, 1):  # the beginning of a title, as typed so far
            title = rng.choice(titles)
            texts.append(title[: rng.randint(1, min(6, len(title)))])
        elif kind == 2:  # a piece from inside a title
            title = rng.choice(titles)
            start = rng.randrange(len(title))
            texts.append(title[start : start + rng.randint(2, 4)])
        elif kind == 3:
            name = rng.choice(names)
            texts.append(name[: rng.randint(1, min(4, len(name)))])
        elif kind == 4:
            texts.append(rng.choice("法条例市人大会议报告关于决定规定") if rng.random() < 0.5 else "没有的词语组合")
        else:
            texts.append("人" * 2000 if rng.random() < 0.2 else rng.choice(titles)[:2])
    return texts


def plain_sql(text):
    """The plain alternative: SQL LIKE over titles, speaker and meeting names (what suggestions would cost without
    an index of their own)."""
    from documents.archive import pages

    text = text[:100]
    return (
        list(pages.chronological(pages.public()).filter(title__icontains=text).values_list("title", flat=True)[:8])
        + list(pages.speakers().filter(name__icontains=text).values_list("name", flat=True)[:8])
        + list(pages.meetings().filter(name__icontains=text).values_list("name", flat=True)[:8])
    )


def timed(function, texts):
    times = []
    for text in texts:
        begin = time.perf_counter()
        function(text)
        times.append((time.perf_counter() - begin) * 1000)
    return times


def report(label, times):
    print(f"{label:<52}{percentile(times, 0.5):>8.3f}{percentile(times, 0.95):>9.3f}{max(times):>9.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--requests", type=int, default=500, help="typed texts timed, the same for each way")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    files = corpus_files(args.corpus)

    with tempfile.TemporaryDirectory(prefix="suggest-bench-") as tmp:
        setup_site(Path(tmp))
        from django.test import Client

        from documents.ingest.importer import import_paths
        from documents.archive.suggestions import SuggestionIndex

        started = time.perf_counter()
        summary = import_paths(files, status="published", progress=False).summary()
        print(f"corpus: {summary} in {time.perf_counter() - started:.0f} s")

        builds = []
        for _ in range(5):
            begin = time.perf_counter()
            index = SuggestionIndex()
            builds.append((time.perf_counter() - begin) * 1000)
        entries = sum(len(source.entries) for source in index.sources)
        characters = sum(len(source.text) for source in index.sources)
        print(f"index: {entries} entries, {characters:,} characters; built in {min(builds):.1f} ms "
              f"(best of 5; once per process after each change of the site's data)")

        texts = typed_texts(random.Random(args.seed), args.requests)
        client = Client()
        client.get("/search/suggest/", {"q": "人大"})  # the view's own index is built on its first request

        print(f"\n{len(texts)} typed texts{'':<35}{'p50 ms':>8}{'p95 ms':>9}{'max ms':>9}")
        report("SuggestionIndex.suggest()", timed(index.suggest, texts))
        report("GET /search/suggest/ (whole request)", timed(lambda t: client.get("/search/suggest/", {"q": t}), texts))
        report("plain: SQL icontains (titles, speakers, meetings)", timed(plain_sql, texts))


if __name__ == "__main__":
    main()
