"""What a regulation says about its own force: 施行日期, the titles it repeals, repeal events of 修订沿革."""

import datetime

import pytest

from documents.legislation import provisions
from documents.common.titles import loose_key

PUBLISHED = datetime.date(2024, 12, 31)


@pytest.mark.parametrize("body, expected", [
    ("第三十条 本条例自2025年1月1日起施行。", datetime.date(2025, 1, 1)),
    ("第九条 本办法自一九九七年一月一日起施行。", datetime.date(1997, 1, 1)),
    ("第九条 本规定自二〇〇一年十月一日起实施。", datetime.date(2001, 10, 1)),
    ("第二十二条 本规定自2021年7月1日施行。", datetime.date(2021, 7, 1)),  # without 起
    ("第二十条 本规定自一九九五年一月一日起执行。", datetime.date(1995, 1, 1)),  # 执行 (工资支付暂行规定)
    ("第五条 本决定自公布之日起施行。", PUBLISHED),
    ("本解释自发布之日起施行。", PUBLISHED),
    # The document's own statement wins over a 条 that takes effect on another day.
    ("第五十条 第二十条自2026年1月1日起施行。\n\n第五十一条 本法自2025年7月1日起施行。", datetime.date(2025, 7, 1)),
    ("第五十一条 本法自2025年7月1日起施行。\n\n附：第二十条自2026年1月1日起施行。", datetime.date(2025, 7, 1)),
])
def test_the_stated_effective_date(body, expected):
    assert provisions.effective_dates(body, PUBLISHED, []) == (expected, expected)


@pytest.mark.parametrize("body", [
    "第三十条 本条例自2025年2月30日起施行。",  # no such day
    "第三十条 本条例自2025年13月1日起施行。",
    "第三十条 本条例自二〇二五年十三月一日起施行。",
    "报本级人民政府批准后公布施行。",
    "",
])
def test_no_date_or_an_impossible_one_gives_none(body):
    assert provisions.effective_dates(body, PUBLISHED, []) == (None, None)


def test_on_publication_without_a_known_day_gives_none():
    assert provisions.effective_dates("本条例自公布之日起施行。", None, []) == (None, None)


def test_titles_a_document_repeals():
    body = ("一、废止《北京市邮政通信条例》（1994年7月22日通过）\n\n"
            "第六十条 本法自2025年1月1日起施行。《中华人民共和国学位条例》同时废止。\n\n"
            "《最高人民法院关于审理洗钱案件的解释》（法释〔2009〕15号）同时废止。\n\n"
            "依照《中华人民共和国行政处罚法》的规定处罚。")
    keys = {s.key for s in provisions.repeal_statements("关于废止《上海市 房地产登记条例》的决定", body)}
    assert keys == {loose_key(t) for t in ("上海市房地产登记条例", "北京市邮政通信条例", "中华人民共和国学位条例",
                                           "最高人民法院关于审理洗钱案件的解释")}


@pytest.mark.parametrize("event, repeals", [
    ("上海市第十五届人民代表大会常务委员会第二十次会议决定废止", True),
    ("2030年1月1日起失效", True),
    ("根据《国务院关于废止和修改部分行政法规的决定》第一次修订", False),
    ("上海市第十三届人民代表大会常务委员会第三十次会议通过", False),
    ("", False),
])
def test_repeal_events(event, repeals):
    assert provisions.is_repeal_event(event) is repeals
