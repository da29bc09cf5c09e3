"""Import speed: the test corpus into a fresh SQLite database, then the search index built from the queue.

    .venv/bin/python bench/import_bench.py [CORPUS_DIR]      (default ../shared/corpus)

Prints documents per second for the database part (reading, validating, saving: import_paths) and for the
indexing part (documents.search.index.queue.apply_pending), separately. Everything goes to a temporary folder.
"""

import sys
import tempfile
import time
from pathlib import Path

from throwaway import ROOT, setup_site


def main():
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
    files = sorted(corpus.glob("*.jsonl"))
    if not files:
        sys.exit(f"no .jsonl files in {corpus}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        setup_site(Path(tmp))
        from documents.ingest.importer import import_paths
        from documents.search.index.queue import apply_pending

        size = sum(path.stat().st_size for path in files)
        print(f"corpus: {', '.join(path.name for path in files)} ({size / 1048576:.1f} MB)")

        started = time.perf_counter()
        report = import_paths(files, status="published", progress=False)
        database = time.perf_counter() - started
        documents = report.imported
        print(f"database: {documents} documents in {database:.1f} s = {documents / database:.0f} docs/s "
              f"({report.summary()})")

        started = time.perf_counter()
        indexed = apply_pending()
        indexing = time.perf_counter() - started
        print(f"indexing: {indexed} operations in {indexing:.1f} s = {documents / indexing:.0f} docs/s")

        started = time.perf_counter()
        again = import_paths(files, status="published", progress=False)
        print(f"second run (nothing to do): {time.perf_counter() - started:.1f} s ({again.summary()})")


if __name__ == "__main__":
    main()
