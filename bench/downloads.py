"""Word and PDF downloads of the corpus's longest documents: the time each renderer takes, beside the plain
alternative of writing the same text as a UTF-8 .txt file, measured in the same run.

    .venv/bin/python bench/downloads.py [CORPUS_DIR] [--longest 5] [--results DIR]

Reads the corpus records (no database): each body becomes the blocks a download holds (documents/opendata/content),
then both renderers run --runs times (the median counts). With --results DIR the figures are also written to
DIR/downloads-YYYY-MM-DD.json. Prints figures; asserts nothing.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

from common import read_records
from throwaway import ROOT

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_site.settings")
os.environ.setdefault("DEBUG", "1")


def timed(function, runs):
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - begin)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--longest", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from documents.common.sanitize import text_to_html
    from documents.opendata import content, pdf, word

    records = sorted(read_records([args.corpus]), key=lambda r: len(r.get("body") or ""), reverse=True)
    rows = []
    print(f"{'characters':>10} {'PDF s':>7} {'pages':>6} {'Word s':>7} {'.txt s':>7}  title")
    for record in records[: args.longest]:
        document = content.Document(
            title=record["title"], subtitle=record.get("subtitle") or "", metadata=[("成文日期", record.get("date") or "")],
            amendments=[(h.get("date") or "", h.get("event") or "") for h in record.get("history") or []],
            blocks=content.blocks(text_to_html(record["body"])), url="http://127.0.0.1:8000/articles/1/",
            site_name="平顶山市人民代表大会常务委员会",
        )
        pdf_seconds, pdf_bytes = timed(lambda: pdf.render(document), args.runs)
        word_seconds, _ = timed(lambda: word.render(document), args.runs)
        text_seconds, _ = timed(lambda: "\n\n".join(b.text for b in document.blocks).encode(), args.runs)
        pages = pdf_bytes.count(b"/Type /Page\n") or pdf_bytes.count(b"/Type /Page")
        rows.append({"title": record["title"], "characters": len(record["body"]), "pdf_seconds": pdf_seconds,
                     "pdf_pages": pages, "word_seconds": word_seconds, "text_seconds": text_seconds})
        print(f"{len(record['body']):>10} {pdf_seconds:>7.2f} {pages:>6} {word_seconds:>7.2f} {text_seconds:>7.4f}  "
              f"{record['title']}")
    if args.results:
        args.results.mkdir(parents=True, exist_ok=True)
        path = args.results / f"downloads-{datetime.date.today().isoformat()}.json"
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()
