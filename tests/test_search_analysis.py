"""The analysis behind the index: jieba words with consecutive positions, bigrams, normalisation."""

import pytest
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Phrase

from documents.search import analysis
from documents.search.backends.whoosh.engine import cover, run_matches
from documents.search.analysis import compact_key


def tokens(analyzer, text):
    return [(t.text, t.pos) for t in analyzer(text, positions=True)]


def test_word_positions_are_consecutive_token_numbers_not_character_offsets():
    result = tokens(analysis.ChineseWordAnalyzer(), "平顶山市人大常委会召开第十次会议，审议监督工作报告。")
    assert [pos for _, pos in result] == list(range(len(result)))
    assert len(result) > 4
    assert "，" not in [text for text, _ in result]


def test_mixed_chinese_latin_digits_are_normalised():
    words = list(analysis.words("2022年ＧＤＰ增长 Google〔2017〕47号"))
    assert "2022" in words and "年" in words
    assert "gdp" in words and "google" in words  # full-width folded, lower case
    assert "2017" in words and "47" in words
    assert analysis.runs("〔2017〕47号 ＧＤＰ") == ["2017", "47号", "gdp"]


def test_bigrams_cover_each_run_with_its_last_character_alone():
    positions = analysis.bigram_positions("人民代表，法。GDP")
    assert positions == {
        "人民": [0], "民代": [1], "代表": [2], "表": [3],  # the run 人民代表
        "法": [5],  # a run of one character, one position after the previous run
        "gd": [7], "dp": [8], "p": [9],
    }
    assert analysis.run_terms("常务委员会") == ["常务", "务委", "委员", "员会"]
    assert analysis.run_terms("法") == ["法"]


def _ram_index(**texts):
    schema = Schema(id=ID(stored=True, unique=True), words=analysis.WordsField(), bigrams=analysis.BigramField())
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for key, text in texts.items():
            writer.add_document(id=key, words=text, bigrams=text)
    return ix


def _ids(ix, query):
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(query, limit=None)}


def _found(ix, run):
    """Documents whose bigram field contains `run`, through the engine's phrase matching."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        return {reader.stored_fields(docnum)["id"] for docnum in run_matches(reader, "bigrams", run)}


def test_words_are_indexed_with_their_frequencies_and_no_positions():
    ix = _ram_index(a="市人大常委会召开全体会议，全体会议召开了", b="召开了")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {reader.stored_fields(d)["id"]: d for d in reader.all_doc_ids()}
        assert dict(reader.postings("words", "全体会议").items_as("frequency")) == {ids["a"]: 2}
        assert dict(reader.postings("words", "召开").items_as("weight")) == {ids["a"]: 2, ids["b"]: 1}
        assert not reader.schema["words"].format.supports("positions")


def test_bigram_phrase_finds_a_substring_jieba_does_not_cut_out():
    ix = _ram_index(
        a="全国人民代表大会常务委员会",  # jieba keeps 常务委员会 inside a longer word here
        b="常务，委员会",  # the same characters across punctuation: not the string
        c="委员会常务",
        d="务委，员会",
    )
    assert _found(ix, "务委员") == {"a"}
    assert _found(ix, "常务委员会") == {"a"}
    assert _ids(ix, Phrase("bigrams", analysis.run_terms("常务委员会"))) == {"a"}  # Whoosh's own phrase agrees


def test_the_cover_skips_every_other_bigram_yet_stays_exact():
    assert cover("人民代表大会") == [(0, "人民"), (2, "代表"), (4, "大会")]
    assert cover("常务委员会") == [(0, "常务"), (2, "委员"), (3, "员会")]
    # 人民 and 代表 two positions apart, but across a run boundary: not 人民代表.
    ix = _ram_index(a="人民，代表", b="人民代表", c="人民。民代表")
    assert _found(ix, "人民代表") == {"b"}


def test_documents_holding_the_whole_run_as_a_jieba_word_skip_the_position_check():
    ix = _ram_index(a="县级以上人民政府应当", b="人民，政府", c="人民政府", d="政府人民")
    assert list(analysis.words("人民政府")) == ["人民政府"]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        with_words = run_matches(reader, "bigrams", "人民政府", word_field="words")
        assert with_words == run_matches(reader, "bigrams", "人民政府")
        assert {reader.stored_fields(d)["id"] for d in with_words} == {"a", "c"}


def test_a_single_character_is_found_at_the_start_or_the_end_of_a_run():
    ix = _ram_index(a="依法行政", b="依法。", c="法治", d="行政")
    assert _found(ix, "法") == {"a", "b", "c"}


def test_bigram_phrase_with_repeated_bigrams():
    ix = _ram_index(a="哈哈哈大笑", b="哈哈大笑哈", c="哈哈，哈哈")
    assert _found(ix, "哈哈哈") == {"a"}
    assert _found(ix, "哈哈哈哈") == set()


def test_compact_key_ignores_brackets_and_width():
    assert compact_key("平政〔2017〕47号") == compact_key("平政[2017]47号") == compact_key("平政 ２０１７ 47 号")
    assert compact_key("平政〔2017〕47号") != compact_key("平政〔2017〕48号")


@pytest.mark.parametrize("positions", [[0], [5], [0, 3, 4], [300, 301, 70_000], [2, 4_000_000], list(range(0, 900, 3))])
def test_packed_positions_read_back_as_written_in_the_narrowest_width(positions):
    packed = analysis.PackedPositions()
    value = packed.encode(positions)
    assert packed.decode_positions(value) == positions and packed.decode_frequency(value) == len(positions)
    widest = max(b - a for a, b in zip([0, *positions], positions))
    assert len(value) == 1 + len(positions) * (1 if widest < 256 else 2 if widest < 65536 else 4)
