"""whoosh_internals.py holds every read of Whoosh's private members; its self-check, run at process start, compares
them with Whoosh's own matcher on an index in memory and refuses a Whoosh that reads otherwise."""

import logging

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher

from documents.search.backends.whoosh import engine, whoosh_internals
from documents.search.index import warmup
from documents.search.codec import writing_codec


@pytest.fixture(autouse=True)
def _fresh_check():
    engine.check_whoosh.cache_clear()
    yield
    engine.check_whoosh.cache_clear()


def test_the_installed_whoosh_passes():
    whoosh_internals.self_check(writing_codec(blocklimit=2))


def test_a_block_reader_that_misreads_weights_is_refused(monkeypatch):
    real = whoosh_internals._block_weights
    monkeypatch.setattr(whoosh_internals, "_block_weights", lambda matcher: (w + 1 for w in real(matcher)))
    with pytest.raises(whoosh_internals.UnsupportedIndex, match="do not read as whoosh_internals.py reads"):
        whoosh_internals.self_check(writing_codec(blocklimit=2))


def test_a_block_reader_that_skips_a_block_is_refused(monkeypatch):
    real = whoosh_internals._block_ids
    monkeypatch.setattr(whoosh_internals, "_block_ids", lambda matcher: list(real(matcher))[1:])
    with pytest.raises(whoosh_internals.UnsupportedIndex):
        whoosh_internals.self_check(writing_codec(blocklimit=2))


def test_a_whoosh_without_what_is_read_is_refused(monkeypatch):
    monkeypatch.delattr(W3LeafMatcher, "_next_block")
    with pytest.raises(whoosh_internals.UnsupportedIndex, match="_next_block"):
        engine.check_whoosh()


def test_no_other_module_touches_whooshs_private_members():
    from pathlib import Path

    import documents.search

    names = whoosh_internals.MATCHER_METHODS + whoosh_internals.MATCHER_ATTRIBUTES + whoosh_internals.WRITER_METHODS
    search = Path(documents.search.__file__).parent
    for module in search.rglob("*.py"):
        if module.name != "whoosh_internals.py":
            text = module.read_text(encoding="utf-8")
            assert not [name for name in names if f".{name}" in text or f"def {name}" in text], module


def test_process_start_logs_a_refused_whoosh(monkeypatch, caplog, db):
    monkeypatch.setattr(whoosh_internals, "_block_weights", lambda matcher: [])
    with caplog.at_level(logging.ERROR, logger=warmup.log.name):
        warmup.warm_up()
    assert "refuses the installed Whoosh" in caplog.text
