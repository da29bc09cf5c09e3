"""Helpers for the search tests: pointing haystack at a given index folder, and the sample documents."""

import contextlib
import json
import threading
from pathlib import Path

from django.conf import settings as django_settings

SAMPLE = Path(__file__).parent / "fixtures" / "search_sample.jsonl"


@contextlib.contextmanager
def use_index(path, settings=None):
    """Make haystack's default connection use the Whoosh index in `path` (settings: pytest-django's fixture,
    so the change is undone after the test)."""
    from haystack import connections

    conf = {"default": {**django_settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(path)}}
    if settings is not None:
        settings.HAYSTACK_CONNECTIONS = conf
    saved = connections.connections_info, connections.thread_local
    connections.connections_info, connections.thread_local = conf, threading.local()
    try:
        yield path
    finally:
        connections.connections_info, connections.thread_local = saved


def sample_records():
    with SAMPLE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_sample(rewrite=None):
    """The sample documents as published articles with fixed ids (1..n), so an index built once matches the
    database of every test; rewrite(pk, record) may change a record first (the same way in every test)."""
    from documents.common.dates import parse_partial_date
    from documents.models import Article, Column, Meeting, Speaker

    columns = {c.name: c for c in Column.objects.all()}
    kinds = {label: value for value, label in Article.Kind.choices}
    articles = []
    for pk, record in enumerate(sample_records(), start=1):
        record = rewrite(pk, record) if rewrite else record
        article = Article(
            pk=pk, title=record["title"], column=columns[record["category"]], kind=kinds[record["kind"]],
            doc_number=record.get("doc_number") or "", issuer=record.get("issuer") or "",
            speaker_title=record.get("speaker_title") or "", status=Article.Status.PUBLISHED,
        )
        article.set_partial_date(parse_partial_date(record.get("date")))
        if record.get("speaker"):
            article.speaker = Speaker.objects.get_or_create(name=record["speaker"], organization="")[0]
        if record.get("meeting"):
            article.meeting = Meeting.objects.get_or_create(name=record["meeting"])[0]
        article.set_plain_text_body(record["body"])
        articles.append(article)
    return Article.objects.bulk_create(articles)
