"""The admin's bulk actions on many articles: unpublishing, publishing and recycling them, as a reviewer does
from the article list, with the queries and the time each takes; beside them the plain alternative, one
`UPDATE` of the same rows (what the actions cost above writing the rows: history, 时效性, citations, related
documents, the search queue, the page cache).

    .venv/bin/python bench/bulk_actions.py [CORPUS_DIR] [--archive 600] [--articles 200] [--results]

Imports the first documents of the corpus (laws, then work reports) into a throw-away SQLite site, published,
then posts each action to the admin's article list for `--articles` of them (regulations among them), in
process with Django's test client (the search index updated after the response, as in a real request). Prints
figures; `--results` also writes them to bench/results/bulk_actions-<date>.txt. Asserts nothing.
"""

import argparse
import datetime
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from common import read_records
from throwaway import ROOT, setup_site

ACTIONS = (("unpublish", "撤回"), ("publish", "发布"), ("recycle", "移入回收站"))


def sample(corpus, count, workdir):
    """The first `count` records of the corpus's files (laws.jsonl comes before work_reports.jsonl) in one file."""
    path = Path(workdir) / "sample.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for record in itertools.islice(read_records([corpus]), count):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


class Counted:
    """Counts the SQL statements run on the default connection inside the block (no query log kept)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.started
        self._wrapped.__exit__(*exc)


def timed_action(client, action, ids):
    data = {"action": action, "_selected_action": [str(pk) for pk in ids], "index": "0"}
    with Counted() as counted:
        response = client.post("/admin/documents/article/", data)
    if response.status_code != 302:
        sys.exit(f"{action}: HTTP {response.status_code}")
    return counted.count, counted.elapsed


def plain_update(ids, **values):
    from django.db import transaction

    from documents.models import Article

    with Counted() as counted, transaction.atomic():
        Article.objects.filter(pk__in=ids).update(**values)
    return counted.count, counted.elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--archive", type=int, default=600, help="documents imported")
    parser.add_argument("--articles", type=int, default=200, help="articles each action is applied to")
    parser.add_argument("--results", action="store_true", help="also write bench/results/bulk_actions-<date>.txt")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_site(Path(workdir))
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone

        from documents.ingest.importer import import_paths
        from documents.models import Article
        from documents.search.index import queue

        started = time.perf_counter()
        report = import_paths([sample(args.corpus, args.archive, workdir)], status="published", progress=False)
        queue.apply_pending()
        lines = [f"archive: {report.summary()} in {time.perf_counter() - started:.1f} s (SQLite)"]
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True)[: args.articles])
        versions = Article.objects.filter(pk__in=ids, regulation__isnull=False).count()
        lines.append(f"{len(ids)} articles per action, {versions} of them versions of a regulation")
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
        client = Client()
        client.force_login(user)
        lines.append(f"{'':<34}{'queries':>9}{'seconds':>10}")
        for action, label in ACTIONS:
            count, elapsed = timed_action(client, action, ids)
            lines.append(f"{action + ' (' + label + '), admin action':<34}{count:>9}{elapsed:>10.2f}")
        restore = {"deleted_at": None, "status": Article.Status.PUBLISHED}
        for label, values in (("UPDATE status=draft", {"status": Article.Status.DRAFT}),
                              ("UPDATE status=published", {"status": Article.Status.PUBLISHED}),
                              ("UPDATE deleted_at=now", {"deleted_at": timezone.now()})):
            count, elapsed = plain_update(ids, **values)
            lines.append(f"{'plain ' + label:<34}{count:>9}{elapsed:>10.2f}")
        plain_update(ids, **restore)
    print("\n".join(lines))
    if args.results:
        folder = ROOT / "bench" / "results"
        folder.mkdir(exist_ok=True)
        now = datetime.datetime.now(datetime.timezone.utc)
        path = folder / f"bulk_actions-{now.date().isoformat()}.txt"
        revision = _revision()
        with path.open("a", encoding="utf-8") as out:
            out.write(f"# {now.isoformat(timespec='seconds')} {revision}\n" + "\n".join(lines) + "\n\n")
        print(f"written to {path}")


def _revision():
    import subprocess

    found = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return found.stdout.strip()[:80]


if __name__ == "__main__":
    main()
