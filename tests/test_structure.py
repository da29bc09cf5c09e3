"""Body structure: 编/章/节/条 and report sections, their stable anchors, the table of contents, the 条 of an offset,
and the anchors added to the stored HTML; Chinese numerals."""

import pytest

from documents.legislation import structure
from documents.common.numerals import to_int
from documents.common.sanitize import text_to_html


@pytest.mark.parametrize("numeral, value", [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百一十", 110), ("一百十", 110), ("两百零三", 203),
    ("一千零一", 1001), ("一千二百六十", 1260), ("一万二千", 12000), ("一九九七", 1997), ("二〇〇一", 2001),
    ("15", 15), ("１５", 15),
])
def test_chinese_numerals(numeral, value):
    assert to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["", "第", "三四十", "百五", "abc", "十x"])
def test_what_is_not_a_numeral(numeral):
    assert to_int(numeral) is None


def text(*paragraphs):
    return "\n\n".join(paragraphs)


LAW = text(
    "第一章 总则", "第二章 管理", "第三章 附则",  # the chapter listing of the original (a 目录 without the word)
    "第一章 总则",
    "第一条 为了规范管理，制定本条例。",
    "第二条 本条例适用于本市。",
    "本市各级人民政府应当加强领导。",
    "第二章 管理",
    "第一节 一般规定",
    "第三条 市人民政府负责管理。",
    "第三章 附则",
    "第一节 施行",
    "第四条 本条例自2025年1月1日起施行。",
)


def test_headings_and_clauses_are_named_for_themselves():
    marks = structure.outline(structure.paragraphs_of(LAW))
    assert [m.anchor for m in marks] == [
        "第一章", "第一条", "第二条", "第二章", "第二章第一节", "第三条", "第三章", "第三章第一节", "第四条",
    ]
    assert structure.toc(LAW) == [
        {"name": "第一章 总则", "anchor": "第一章", "level": 1},
        {"name": "第二章 管理", "anchor": "第二章", "level": 1},
        {"name": "第一节 一般规定", "anchor": "第二章第一节", "level": 2},
        {"name": "第三章 附则", "anchor": "第三章", "level": 1},
        {"name": "第一节 施行", "anchor": "第三章第一节", "level": 2},
    ]


def test_chapters_inside_parts_are_named_within_their_part():
    code = text("第一编 总则", "第一章 基本规定", "第一条 甲。", "第二编 物权", "第一章 通则", "第二条 乙。")
    assert [m.anchor for m in structure.outline(structure.paragraphs_of(code))] == [
        "第一编", "第一编第一章", "第一条", "第二编", "第二编第一章", "第二条",
    ]


def test_repeated_and_skipped_numbers_get_stable_unique_anchors():
    body = text("第九条 甲。", "第十条 乙。", "第十条 丙。", "第十三条 丁。", "第十条 戊。")
    first = [m.anchor for m in structure.outline(structure.paragraphs_of(body))]
    assert first == ["第九条", "第十条", "第十条-2", "第十三条", "第十条-3"]
    assert [m.anchor for m in structure.outline(structure.paragraphs_of(body))] == first  # same on every render


def test_large_numbers_and_inserted_clauses():
    body = text("第一千二百五十九条 甲。", "第一千二百六十条 本法自2021年1月1日起施行。", "第一百二十条之一 乙。")
    assert [m.anchor for m in structure.outline(structure.paragraphs_of(body))] == [
        "第一千二百五十九条", "第一千二百六十条", "第一百二十条之一",
    ]


def test_a_body_without_clauses_has_no_structure():
    body = text("市人大常委会召开会议。", "会议听取了报告。第十条规定的事项另行研究。")
    assert structure.outline(structure.paragraphs_of(body)) == []
    assert structure.toc(body) == []
    assert structure.anchor_at(body, 5) is None
    html = text_to_html(body)
    assert structure.add_anchors(html) == html


def test_a_paragraph_that_only_mentions_a_clause_is_not_one():
    body = text("第一条 甲。", "第十条规定的情形除外。", "第一章总则的规定较长，而且有句号。这是正文。")
    assert [m.anchor for m in structure.outline(structure.paragraphs_of(body))] == ["第一条"]


def test_work_report_sections():
    report = text("各位代表：", "一、2024年工作回顾", "过去一年，我们攻坚克难。", "二、2025年政府工作任务",
                  "（一）大力提振消费。", "三、加强政府自身建设")
    assert structure.toc(report) == [
        {"name": "一、2024年工作回顾", "anchor": "一", "level": 1},
        {"name": "二、2025年政府工作任务", "anchor": "二", "level": 1},
        {"name": "三、加强政府自身建设", "anchor": "三", "level": 1},
    ]


def test_the_clause_holding_an_offset():
    assert structure.anchor_at(LAW, LAW.index("各级人民政府")) == "第二条"
    assert structure.anchor_at(LAW, LAW.index("一般规定")) == "第二章第一节"
    assert structure.anchor_at(LAW, 0) is None  # in the chapter listing


def test_anchors_in_the_stored_html():
    html = str(structure.add_anchors(text_to_html(LAW)))
    assert '<h2 id="第一章" class="law-heading">第一章 总则</h2>' in html
    assert '<h3 id="第二章第一节" class="law-heading">第一节 一般规定</h3>' in html
    assert ('<p id="第二条" class="clause"><strong class="clause-label">第二条</strong> 本条例适用于本市。</p>'
            in html)
    assert "<p>本市各级人民政府应当加强领导。</p>" in html
    assert html.count('id="') == 9  # the listing at the top has none
    assert html.startswith("<p>第一章 总则</p>")


def test_anchors_in_edited_html_keep_its_markup():
    html = '<p><strong>第一条</strong> 为了<em>规范</em>。</p><h3>第二章 附则</h3><p>第二条 &lt;施行&gt;。</p>'
    out = str(structure.add_anchors(html))
    assert '<p id="第一条" class="clause"><strong>第一条</strong> 为了<em>规范</em>。</p>' in out
    assert '<h2 id="第二章" class="law-heading">第二章 附则</h2>' in out
    assert '<strong class="clause-label">第二条</strong> &lt;施行&gt;。' in out


@pytest.mark.parametrize("body", [
    LAW,
    text("第九条 甲。", "乙。", "第十条 丙。", "第十条 丁。", "第十三条 戊。", "第十条 己。"),
    text("各位代表：", "一、回顾", "过去一年。", "二、任务", "（一）消费。"),
    text("第一编 总则", "第一章 规定", "第一条 甲。", "第二编 物权", "第一章 通则", "说明。", "第二条 乙。"),
])
def test_the_clause_of_every_offset_agrees_with_the_outline(body):
    paragraphs = structure.paragraphs_of(body)
    marks = structure.outline(paragraphs)
    position = 0
    for index, paragraph in enumerate(paragraphs):
        holder = next((m.anchor for m in reversed(marks) if m.index <= index), None)
        for offset in (position, position + len(paragraph) - 1):
            assert structure.anchor_at(body, offset) == holder, (index, offset)
        position += len(paragraph) + 2
