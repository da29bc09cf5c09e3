"""engine.py reads Whoosh's internals (postings blocks, the Positions encoding, the date column's default): it
checks on first use that they are what it reads, and what it reads agrees with Whoosh's public matcher API."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
import whoosh
from whoosh import index as whoosh_index
from whoosh.fields import KEYWORD, TEXT, Schema

from documents.search import analysis, schema
from documents.search.backends.whoosh import engine, whoosh_internals
from documents.search.backends import ranking
from documents.search.codec import ArchiveCodec, writing_codec
from documents.search.index.indexing import get_backend, get_search_index
from documents.search.interface import Filters
from documents.search.language.parsing import parse_query
from documents.search.query import search
from tests.search_support import load_sample

BLOCK = 8  # postings a block: small, so that common terms span many blocks
POSITIONAL = {field.name for field in schema.FIELDS if field.kind == schema.BIGRAMS}


def build(path, codec, fields=None):
    """An index of the sample documents written with `codec` (fields: another Whoosh schema)."""
    backend, search_index = get_backend(), get_search_index()
    path.mkdir()
    ix = whoosh_index.create_in(path, fields or schema.whoosh_schema())
    writer = ix.writer(codec=codec)
    for article in search_index.index_queryset():
        doc = backend.prepare(search_index, article)
        writer.add_document(**{name: value for name, value in doc.items() if name in ix.schema})
    writer.commit()
    return ix


def run(searcher, q="", filters=None, sort="relevance"):
    parsed = parse_query(q)
    found = engine.run(searcher, parsed, filters or Filters(), sort=sort, page=1, per_page=100,
                       named=ranking.names(parsed), weights=ranking.weights())
    return found.ids, found.total, found.facets


def through_whoosh(reader, fieldname, term):
    """{docnum: (weight, positions or None)} of one term through Whoosh's public matcher API."""
    ids = list(reader.postings(fieldname, term).all_ids())
    matcher, found = reader.postings(fieldname, term), {}
    while matcher.is_active():
        positions = set(matcher.value_as("positions")) if fieldname in POSITIONAL else None
        found[matcher.id()] = (matcher.weight(), positions)
        matcher.next()
    assert sorted(found) == ids
    return found


@pytest.mark.parametrize("compression", [0, 3], ids=["plain blocks", "zlib blocks"])
def test_the_postings_reader_agrees_with_whooshs_matcher_for_every_term(db, tmp_path, compression):
    load_sample()
    reader = build(tmp_path / "ix", ArchiveCodec(blocklimit=BLOCK, compression=compression)).reader()
    checked, longest = set(), 0
    for fieldname, raw in reader.all_terms():
        if fieldname not in schema.BY_NAME:
            continue
        term = reader.schema[fieldname].from_bytes(raw) if fieldname in POSITIONAL else raw
        expected = through_whoosh(reader, fieldname, term)
        assert engine.doc_ids(reader, fieldname, term) == set(expected), (fieldname, term)
        if fieldname in POSITIONAL:
            read = engine.postings(reader, fieldname, term)
            assert {d: (weight, engine._positions(value)) for d, (weight, value) in read.items()} == expected
        elif schema.BY_NAME[fieldname].kind == schema.WORDS:  # BM25 reads the frequencies
            read = engine.postings(reader, fieldname, term)
            assert {d: (weight, None) for d, (weight, _) in read.items()} == expected
        checked.add(fieldname)
        longest = max(longest, len(expected))
    assert {schema.BY_NAME[name].kind for name in checked} == {field.kind for field in schema.FIELDS}
    assert len(checked) >= len(schema.FIELDS) - 2  # the sample has no 文号 and no 时效性
    assert longest > 4 * BLOCK  # postings of several blocks were read, not only inlined single postings


def test_an_undated_document_holds_the_date_columns_default(db, tmp_path):
    articles = {a.pk: a for a in load_sample()}
    ix = build(tmp_path / "ix", ArchiveCodec(compression=0))
    reader = ix.reader()
    table = engine.tables(reader)
    assert table.undated == 2**64 - 1  # what Whoosh stores for a missing sortable DATETIME, not 2**63
    ids = [int(fields[schema.ARTICLE_ID.name]) for fields in reader.all_stored_fields()]
    undated = {pk for pk, a in articles.items() if a.date is None}
    assert len(undated) == 3
    assert {pk for d, pk in enumerate(ids) if table.dates[d] == table.undated} == undated
    with ix.searcher() as searcher:
        for sort in ("oldest", "newest"):  # undated documents last either way
            assert set(run(searcher, sort=sort)[0][-len(undated):]) == undated, sort
        since_1900, total, _ = run(searcher, filters=Filters(date_from=datetime.date(1900, 1, 1)), sort="newest")
    assert total == len(articles) - len(undated) and not undated & set(since_1900)


def test_a_whoosh_version_other_than_the_one_read_is_refused(monkeypatch):
    engine.check_whoosh.cache_clear()
    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    try:
        with pytest.raises(engine.UnsupportedIndex, match=r"Whoosh 2\.8\.0 is installed"):
            engine.check_whoosh()
    finally:
        monkeypatch.undo()
        engine.check_whoosh.cache_clear()
    engine.check_whoosh()


def test_the_whoosh_versions_read_are_the_ones_pyproject_allows():
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    low, high = re.search(r'"whoosh>=([\d.]+),<([\d.]+)"', pyproject).groups()
    assert whoosh_internals.WHOOSH_VERSIONS == (tuple(map(int, low.split("."))), tuple(map(int, high.split("."))))


def test_an_index_field_in_another_postings_format_is_refused(db, tmp_path):
    load_sample()
    fields = schema.whoosh_schema()
    fields.remove(schema.TITLE_BIGRAMS.name)
    fields.add(schema.TITLE_BIGRAMS.name, KEYWORD())  # frequencies, no positions
    ix = build(tmp_path / "ix", writing_codec(), fields=fields)
    with ix.searcher() as searcher, pytest.raises(engine.UnsupportedIndex, match=r"'title_bigrams'.*rebuild_index"):
        run(searcher, "人大")


def test_an_index_without_a_newer_field_is_read_without_it(db, tmp_path):
    """An index built before the byline existed ranks without it until rebuild_index (README)."""
    articles = load_sample()
    fields = Schema(**{f.name: f.whoosh() for f in schema.FIELDS if f is not schema.BYLINE})
    with build(tmp_path / "ix", writing_codec(), fields=fields).searcher() as searcher:
        ids, total, _ = run(searcher, "规定")
    # Traditional and simplified characters are one (scripts.py): the sample's 1954 report writes 規定.
    assert total == sum("规定" in analysis.normalize(a.title + a.text) for a in articles) and len(ids) == total


def test_the_postings_cache_is_bounded_by_bytes_and_serves_what_it_read(db, tmp_path):
    load_sample()
    reader = build(tmp_path / "ix", writing_codec()).reader()
    cache = engine.PostingsCache(max_bytes=200_000)
    terms = [(field, raw.decode()) for field, raw in reader.all_terms() if field in POSITIONAL][:2000]
    for fieldname, term in terms:
        postings, size = engine._read_postings(reader, fieldname, term)
        assert cache.get(reader, fieldname, term) == postings
        assert size == sum(engine.POSTING_OVERHEAD + len(value) for _, value in postings.values())
        assert cache.size <= cache.max_bytes
    assert cache.size == sum(size for _, size in cache.entries.values())
    assert 0 < len(cache.entries) < len(terms)  # some kept, the rest evicted by bytes


def test_only_the_highest_tiers_are_sorted_and_every_page_stays_the_same(db, tmp_path, monkeypatch):
    load_sample()
    queries = ["人民", "工作 报告", "代表", "会议", "发展 -条例"]
    with build(tmp_path / "ix", writing_codec()).searcher() as searcher:
        def pages(q, sort):
            parsed = parse_query(q)
            return [engine.run(searcher, parsed, Filters(), sort=sort, page=page, per_page=3,
                               named=ranking.names(parsed), weights=ranking.weights()).ids for page in (1, 2, 3)]

        skipped, contenders = [], engine._contenders

        def recording(matched, sort, want):
            chosen = contenders(matched, sort, want)
            skipped.append(len(matched) - len(chosen))
            return chosen

        monkeypatch.setattr(engine, "_contenders", recording)
        pruned = {(q, sort): pages(q, sort) for q in queries for sort in ("relevance", "newest", "oldest")}
        assert max(skipped) > 0  # some pages were chosen without sorting the lowest tiers
        assert contenders({1: 5.0, 2: 1.0, 3: 5.0, 4: 0.0, 5: 1.0}, "relevance", 3) == [1, 2, 3, 5]
        monkeypatch.setattr(engine, "_contenders", lambda matched, sort, want: matched)
        assert {(q, sort): pages(q, sort) for q, sort in pruned} == pruned
    assert all(len(third) == 3 for _, _, third in pruned.values())  # three full pages: pruning had tiers to skip


def test_an_index_of_an_older_format_waits_for_a_rebuild_instead_of_failing(db, client, caplog):
    load_sample()
    fields = schema.whoosh_schema()
    fields.remove(schema.TEXT.name)
    fields.add(schema.TEXT.name, TEXT(phrase=True))  # words with positions, as the index was written before
    path = Path(get_backend().path)
    shutil.rmtree(path, ignore_errors=True)
    build(path, writing_codec(), fields=fields)
    get_backend().close_searcher()
    results = search("人大")
    assert results.unavailable and results.messages == ["索引正在重建，请稍后再搜索。"]
    assert "rebuild_index" in caplog.text
    page = client.get("/search/", {"q": "人大"})
    assert page.status_code == 200 and "索引正在重建" in page.content.decode()
