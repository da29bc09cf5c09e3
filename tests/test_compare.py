"""新旧对照: units aligned by content, each marked, changed characters marked, counts (documents.legislation.compare)."""

from documents.legislation import compare
from documents.legislation.compare import ADDED, CHANGED, DELETED, SAME


def text(*paragraphs):
    return "\n\n".join(paragraphs)


OLD = text(
    "第一章 总则",
    "第一条 为了保护学生的合法权益，制定本条例。",
    "第二条 学校应当报告区、县教育行政部门。",
    "当事人可以协商。",
    "第三条 学生的父母承担责任。",
    "第四条 本条例自2002年1月1日起施行。",
)
NEW = text(
    "第一章 总则",
    "第一条 为了保护学生的合法权益，制定本条例。",
    "第二条 本市建立学生安全教育制度，学校应当每学期组织一次安全演练。",  # inserted: the others move down
    "第三条 学校应当报告区教育行政部门。",
    "当事人可以协商。",
    "第四条 本条例自2002年1月1日起施行。",
)


def statuses(comparison):
    return [(row.status, row.old and row.old.label, row.new and row.new.label) for row in comparison.rows]


def test_units_are_aligned_by_content_not_number():
    result = compare.compare(OLD, NEW)
    assert statuses(result) == [
        (SAME, "第一章", "第一章"),
        (SAME, "第一条", "第一条"),
        (ADDED, None, "第二条"),
        (CHANGED, "第二条", "第三条"),
        (DELETED, "第三条", None),
        (SAME, "第四条", "第四条"),
    ]
    assert result.counts == {CHANGED: 1, ADDED: 1, DELETED: 1}
    assert result.unit_name == "条"
    assert [row.anchor for row in result.changes] == ["change-1", "change-2", "change-3"]


def test_changed_characters_are_marked_and_the_label_is_not():
    row = compare.compare(OLD, NEW).rows[3]
    assert row.old_html == "第二条 学校应当报告区<del>、县</del>教育行政部门。<br>当事人可以协商。"
    assert row.new_html == "第三条 学校应当报告区教育行政部门。<br>当事人可以协商。"


def test_a_renumbered_clause_is_unchanged_and_noted():
    old = text("第一条 甲规定。", "第二条 乙规定如下。")
    new = text("第一条 甲规定。", "第二条 新增的规定。", "第三条 乙规定如下。")
    rows = compare.compare(old, new).rows
    assert rows[2].status == SAME and rows[2].renumbered_from == "第二条"
    html = str(compare.rows_html(rows))
    assert "（原第二条）" in html and html.count("diff__row--same") == 2


def test_identical_versions_have_no_changes():
    result = compare.compare(OLD, OLD)
    assert not result.changes and result.counts == {CHANGED: 0, ADDED: 0, DELETED: 0}


def test_without_clauses_paragraphs_are_compared():
    result = compare.compare(text("会议听取了报告。", "会议认为，工作取得成效。"),
                             text("会议听取并审议了报告。", "会议认为，工作取得成效。", "会议要求继续努力。"))
    assert [row.status for row in result.rows] == [CHANGED, SAME, ADDED]
    assert result.unit_name == "段" and result.counts == {CHANGED: 1, ADDED: 1, DELETED: 0}
    assert "<ins>并审议</ins>" in result.rows[0].new_html


def test_unrelated_texts_under_one_number_are_a_deletion_and_an_addition():
    result = compare.compare(text("第一条 甲。", "第二条 完全不同的旧内容。"), text("第一条 甲。", "第二条 另外一套新说法！"))
    assert [row.status for row in result.rows] == [SAME, DELETED, ADDED]


def test_headings_are_shown_but_not_counted():
    result = compare.compare(text("第一章 总则", "第一条 甲。"), text("第一章 一般规定", "第一条 甲。"))
    assert [row.status for row in result.rows] == [CHANGED, SAME]
    assert result.rows[0].is_heading and result.counts[CHANGED] == 0


def test_everything_is_escaped():
    result = compare.compare(text("第一条 <script>alert(1)</script>。"), text("第一条 <b>新</b>。"))
    html = str(compare.rows_html(result.rows)) + str(compare.jump_html(result.rows))
    assert "<script>" not in html and "<b>" not in html and "&lt;" in html


def test_repeated_and_skipped_numbers_compare():
    old = text("第一条 甲。", "第十条 乙。", "第十条 丙。")
    new = text("第一条 甲。", "第十条 乙。", "第十二条 丙。", "第十条 丁。")
    assert [row.status for row in compare.compare(old, new).rows] == [SAME, SAME, SAME, ADDED]


def test_the_longest_numbering():
    old = text(*(f"第{n}条 规定{n}。" for n in ("一千二百五十八", "一千二百五十九", "一千二百六十")))
    new = old.replace("规定一千二百五十九", "新规定一千二百五十九")
    result = compare.compare(old, new)
    assert [row.label for row in result.changes] == ["第一千二百五十九条"]
    assert "<ins>新</ins>" in result.changes[0].new_html


def test_full_width_and_half_width_forms_are_the_same_text():
    old = text("第一条 道路旅客运输经营（以下简称客运经营）；货运经营：甲。", "第二条 客运经营者应当按期报告。")
    new = text("第一条 道路旅客运输经营(以下简称客运经营);货运经营:甲。", "第二条 客运经营者应当按季度报告。")
    result = compare.compare(old, new)
    assert [row.status for row in result.rows] == [SAME, CHANGED]
    row = compare.compare(text("第一条 （甲）乙。"), text("第一条 (甲)丙。")).rows[0]
    assert row.old_html == "第一条 （甲）<del>乙</del>。" and row.new_html == "第一条 (甲)<ins>丙</ins>。"
