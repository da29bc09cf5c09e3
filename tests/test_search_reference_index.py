"""An index written by an earlier version of the code, committed in tests/fixtures/reference_index, is read by the
engine and answers as it did when written: a rename of a pickled name (search/index/pickled.py), a change of the codec,
the formats or Whoosh that breaks reading fails here. A new index pickles exactly the names declared frozen.

After an intended change of the index format (README: upgrading needs rebuild_index), write the reference again:
    REFERENCE_INDEX_WRITE=1 .venv/bin/python -m pytest tests/test_search_reference_index.py
"""

import io
import json
import os
import pickletools
import re
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from documents.models import Article
from documents.search.backends.whoosh import engine
from documents.search.index import pickled
from documents.search.backends import ranking
from documents.search.codec import writing_codec
from documents.search.interface import Filters
from documents.search.language.parsing import parse_query
from tests.search_support import load_sample
from tests.test_search_engine import build

REFERENCE = Path(__file__).parent / "fixtures" / "reference_index"
# A part of the sample, its texts cut short: a small index, still with terms of several blocks.
DOCUMENTS, CUT = 16, 300
QUERIES = ["人民代表大会常务委员会", "条例", "\"经济\"", "国", "会议 决定", "人民", "发展"]


def answers(ix):
    with ix.searcher() as searcher:
        found = {}
        for q in QUERIES:
            parsed = parse_query(q)
            result = engine.run(searcher, parsed, Filters(), sort="relevance", page=1, per_page=50,
                                named=ranking.names(parsed), weights=ranking.weights())
            found[q] = {"ids": result.ids, "total": result.total}
    return found


def pickled_names(path):
    """The `module.name` globals the pickles of an index's table of contents name."""
    names = set()
    for toc in Path(path).glob("*.toc"):
        data = toc.read_bytes()
        for start in (m.start() for m in re.finditer(rb"\x80[\x02-\x05]", data)):
            strings = []
            try:
                for op, arg, _ in pickletools.genops(io.BytesIO(data[start:])):
                    if op.name == "GLOBAL":
                        names.add(arg.replace(" ", "."))
                    elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                        names.add(f"{strings[-2]}.{strings[-1]}")
                    elif isinstance(arg, str):
                        strings.append(arg)
                    if op.name == "STOP":
                        break
            except ValueError:
                continue  # not a pickle's start
    return {name for name in names if name.startswith("documents.")}


@pytest.fixture
def reference(db, tmp_path):
    if os.environ.get("REFERENCE_INDEX_WRITE"):
        load_sample(lambda pk, record: {**record, "body": record["body"][:CUT]})
        Article.objects.filter(pk__gt=DOCUMENTS).delete()
        fresh = build(tmp_path / "ix", writing_codec())
        shutil.rmtree(REFERENCE, ignore_errors=True)
        shutil.copytree(tmp_path / "ix", REFERENCE, ignore=shutil.ignore_patterns("*LOCK"))
        (REFERENCE / "answers.json").write_text(json.dumps(answers(fresh), ensure_ascii=False, indent=1) + "\n")
    return REFERENCE


def test_the_committed_index_answers_as_when_it_was_written(reference):
    expected = json.loads((reference / "answers.json").read_text())
    assert answers(whoosh_index.open_dir(reference)) == expected
    assert sum(1 for q in expected.values() if q["total"]) >= len(QUERIES) - 1  # the queries do find documents


def test_an_index_pickles_exactly_the_frozen_names(db, tmp_path):
    load_sample()
    build(tmp_path / "fresh", writing_codec())
    frozen = set(pickled.FROZEN) - {"documents.search.codec.unpack_values"}  # inside compressed blocks
    assert pickled_names(tmp_path / "fresh") == frozen
    assert pickled_names(REFERENCE) <= set(pickled.FROZEN)
    for name in pickled.FROZEN:
        module, attribute = name.rsplit(".", 1)
        assert hasattr(__import__(module, fromlist=[attribute]), attribute), name
