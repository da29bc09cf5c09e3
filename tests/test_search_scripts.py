"""Traditional and simplified characters (documents/search/text/scripts.py): the fold itself, then held-out checks on the
sample with every other document converted to traditional by OpenCC's own converter (phrase by phrase, not by our
fold): a query in one script finds exactly what the other finds, recall of the typed form, highlights in the
document's script, mixed and odd input."""

import random
import re
import unicodedata

import opencc
import pytest

from documents.search import analysis
from documents.search.text import scripts
from documents.search.index.indexing import rebuild
from documents.search.query import search
from documents.search_indexes import ArticleIndex
from tests.search_support import load_sample, use_index

to_traditional = opencc.OpenCC("s2t").convert
to_taiwan = opencc.OpenCC("s2tw").convert
to_simplified = opencc.OpenCC("t2s").convert


def test_the_fold_keeps_lengths_and_joins_the_scripts():
    assert scripts.fold("人民代表大會常務委員會") == scripts.fold("人民代表大会常务委员会") == "人民代表大会常务委员会"
    assert scripts.fold("頭髮 發展 乾淨 幹部 後來") == "头发 发展 干净 干部 后来"
    assert scripts.fold("臺灣 裡面 為了") == scripts.fold("台湾 里面 为了")  # Taiwan's variants too
    assert set("会會") <= set(scripts.variants("會")) and scripts.variants("人") == "人"
    # Simplified text stays as jieba knows it: the class member kept is the one its words use.
    assert scripts.fold("对象 现象 形象 划分 规划 座谈会") == "对象 现象 形象 划分 规划 座谈会"
    members = "".join(scripts._tables()[1].values())
    folded = scripts.fold(members)
    assert len(folded) == len(members) and scripts.fold(folded) == folded  # same offsets; idempotent
    assert all(unicodedata.normalize("NFKC", c) == c for c in set(folded))  # analysis.normalize stays idempotent


def test_converters_and_the_fold_agree_on_every_character_of_the_sample():
    """Whatever candidate OpenCC's converters choose in context, the fold reads the same text."""
    from tests.search_support import sample_records

    for record in sample_records():
        text = record["title"] + record["body"]
        for convert in (to_traditional, to_taiwan):
            converted = convert(text)
            assert scripts.fold(converted) == scripts.fold(text)
            assert scripts.fold(to_simplified(converted)) == scripts.fold(text)


def traditional_odd(pk, record):
    """Every other document as a reader in Hong Kong or Taiwan would have typed it."""
    if pk % 2:
        return {**record, "title": to_traditional(record["title"]), "body": to_traditional(record["body"])}
    return record


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    return tmp_path_factory.mktemp("mixed") / "whoosh_index"


@pytest.fixture
def mixed(db, mixed_index, settings):
    articles = load_sample(traditional_odd)
    with use_index(mixed_index, settings):
        if not mixed_index.exists():
            rebuild()
        yield {a.pk: a for a in articles}


def simplified_texts():
    """What each document says, in the sample's own (mostly simplified) text: the ground truth of a meaning."""
    from tests.search_support import sample_records

    return {pk: record["title"] + "\n" + record["body"] for pk, record in enumerate(sample_records(), start=1)}


def pks(q):
    found, page = set(), 1
    while True:
        results = search(q, page=page, per_page=100)
        found |= {hit.pk for hit in results.hits}
        if page >= results.num_pages:
            return found
        page += 1


def held_out_queries(n=40, seed=2022):
    rng = random.Random(seed)
    runs = [run for text in simplified_texts().values() for run in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    queries = []
    while len(queries) < n:
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        query = run[start : start + size]
        if to_traditional(query) != query:  # only queries the scripts write differently test anything
            queries.append(query)
    return queries


def test_a_traditional_query_finds_exactly_what_its_simplified_form_finds(mixed):
    truth = simplified_texts()
    across = 0
    for q in held_out_queries():
        traditional = to_traditional(q)
        meaning = {pk for pk, text in truth.items() if q in text}
        for fmt in ("{}", '"{}"'):
            found = pks(fmt.format(q))
            assert pks(fmt.format(traditional)) == found, traditional
            assert meaning <= found, q  # the simplified and the converted documents alike
        across += any(pk % 2 for pk in meaning) and any(not pk % 2 for pk in meaning)
    assert across >= 10  # queries whose documents are in both scripts


def test_the_typed_form_is_always_found(mixed):
    """Recall 1.000 for what was typed: substrings of the stored texts, in whichever script they are."""
    rng = random.Random(7)
    stored = {pk: a.title + "\n" + ArticleIndex.searchable_text(a) for pk, a in mixed.items()}
    for _ in range(30):
        pk = rng.choice(sorted(stored))
        runs = re.findall(r"[\u4e00-\u9fff]{2,}", stored[pk])
        run = rng.choice(runs)
        q = run[: rng.randint(2, min(8, len(run)))]
        assert {p for p, text in stored.items() if q in text} <= pks(f'"{q}"'), q


def test_highlights_are_in_the_documents_own_script(mixed):
    """A simplified query marks 全國人民代表大會 in a traditional document: what is marked is the document's text."""
    marked = {}
    for hit in search('"全国人民代表大会"', per_page=100).hits:
        for em in re.findall(r"<em>(.*?)</em>", str(hit.snippet)):
            assert em in mixed[hit.pk].text
            marked.setdefault(em, set()).add(hit.pk)
    assert set(marked) == {"全国人民代表大会", "全國人民代表大會"}
    assert all(pk % 2 or pk == 36 for pk in marked["全國人民代表大會"])  # 36: the 1954 report, traditional
    title = str(search("政府工作報告", per_page=100).hits[0].title_html)
    assert "<em>政府工作报告</em>" in title or "<em>政府工作報告</em>" in title


def test_mixed_scripts_in_one_query(mixed):
    assert pks("人民代表大會常务委员会") == pks("人民代表大会常务委员会") == pks("人民代表大會常務委員會")
    assert pks('"国務院" 政府工作报告') == pks('"国务院" 政府工作報告')


@pytest.mark.parametrize("q", ["，。、；：？！", "《》“”", "……", "——", "「」『』", "【】"])
def test_punctuation_only_is_answered_with_a_message(mixed, q):
    results = search(q)
    assert results.count == 0 and results.messages == ["搜索词里没有可以查找的文字或数字。"]
    assert results.equivalents == []


def test_normalize_is_the_one_place_both_sides_fold():
    assert analysis.runs("全國ＰＭ２.５") == ["全国pm2", "5"]
    assert list(analysis.bigram_positions("會議")) == list(analysis.bigram_positions("会议"))
