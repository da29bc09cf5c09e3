"""新旧对照 on real versions (documents/legislation/compare.py, alignment.py): a 条 moved and revised is one
修改 row, unrelated texts under one number are not, title lines are never counted, dates change whole."""

from documents.legislation import compare

from .legal_b_fixtures import law


def rows(old, new):
    return compare.compare(law(old)["body"], law(new)["body"])


def row_of(comparison, old_label=None, new_label=None):
    found = [r for r in comparison.rows
             if (old_label is None or (r.old and r.old.label == old_label))
             and (new_label is None or (r.new and r.new.label == new_label))]
    assert len(found) == 1, [(r.status, r.old and r.old.label, r.new and r.new.label) for r in found]
    return found[0]


def test_a_clause_moved_far_and_revised_is_one_changed_row_saying_where_it_was():
    # 危害食品安全 解释: old 第二十条 (有毒、有害的非食品原料) is new 第九条, reworded, eleven places up.
    comparison = rows("food_2013", "food_2021")
    row = row_of(comparison, old_label="第二十条")
    assert (row.status, row.new.label) == ("changed", "第九条")
    assert "（原第二十条）" in compare.rows_html([row])
    # 行政复议法: old 第二十一条 (复议期间不停止执行) is new 第四十二条 after the 2023 revision.
    review = rows("review_2017", "review_2023")
    assert row_of(review, old_label="第二十一条").new.label == "第四十二条"
    assert row_of(review, old_label="第三十五条").new.label == "第八十一条"


def test_a_clause_taken_whole_into_a_longer_one_is_its_changed_row():
    # 行政复议法: old 第二十四条 (被申请人不得自行收集证据, one sentence) is the first 款 of new 第四十六条, which
    # adds a second 款: most of the old text is in the new one though Dice alone (0.41) stays under the threshold.
    review = rows("review_2017", "review_2023")
    row = row_of(review, old_label="第二十四条")
    assert (row.status, row.new.label) == ("changed", "第四十六条")
    # ... while a 条 sharing only the law's common phrases stays deleted (old 第十八条 转送 vs new 第六十条).
    assert row_of(review, old_label="第十八条").status == "deleted"


def test_the_same_number_with_unrelated_content_is_a_deletion_and_an_addition():
    # 知识产权法庭 规定: old 第四条 (电子送达) and new 第四条 (披露关联案件) share a number, not a subject.
    comparison = rows("ipcourt_2018", "ipcourt_2023")
    assert row_of(comparison, old_label="第四条").status == "deleted"
    assert row_of(comparison, new_label="第四条").status == "added"
    assert all(r.similarity >= 0.31 for r in comparison.rows if r.status == "changed")


def test_title_lines_and_document_numbers_are_shown_but_never_counted():
    # The first text of 网络消费纠纷 规定 opens with its title on three lines and 法释〔2022〕8号; the second not.
    comparison = rows("online_2022a", "online_2022b")
    deleted = [r.old.text for r in comparison.rows if r.status == "deleted"]
    assert "法释〔2022〕8号" in deleted and "最高人民法院" in deleted
    assert comparison.counts == {"changed": 0, "added": 0, "deleted": 0}
    # ipcourt 2023 adds two title lines: 增 counts 条 only.
    assert rows("ipcourt_2018", "ipcourt_2023").counts["added"] == 1


def test_dates_and_numbers_change_as_whole_tokens():
    old = law("review_2017")["body"]
    new = law("review_2023")["body"]
    clause = row_of(compare.compare(old, new), old_label="第四十三条")
    assert "<del>1999年10月1日</del>" in clause.old_html
    assert "<ins>2024年1月1日</ins>" in clause.new_html
    old_html, new_html = compare.inline_diff("处5万元以上10万元以下的罚款", "处3万元以上10万元以下的罚款")
    assert "<del>5</del>" in old_html and "<ins>3</ins>" in new_html


def test_every_row_answers_as_data():
    comparison = rows("food_2013", "food_2021")
    changed = row_of(comparison, old_label="第二十条").as_json()
    assert changed["status"] == "changed" and changed["old"]["label"] == "第二十条"
    assert changed["new"]["label"] == "第九条" and 0.5 <= changed["similarity"] <= 1
    added = row_of(comparison, new_label="第十条").as_json()
    assert added["old"] is None and "similarity" not in added
