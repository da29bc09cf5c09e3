import datetime

import pytest

from documents.common import dates


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-09-22", (datetime.date(2022, 9, 22), dates.DAY)),
        ("2022-09", (datetime.date(2022, 9, 1), dates.MONTH)),
        ("1954", (datetime.date(1954, 1, 1), dates.YEAR)),
        (None, (None, dates.UNKNOWN)),
        ("", (None, dates.UNKNOWN)),
    ],
)
def test_parse_partial_date(value, expected):
    assert tuple(dates.parse_partial_date(value)) == expected


@pytest.mark.parametrize("value", ["2022-02-30", "2022-13", "22-09-22", "明天", "0000", 2022])
def test_impossible_dates_are_refused_in_chinese(value):
    with pytest.raises(dates.InvalidDate) as error:
        dates.parse_partial_date(value)
    assert "日期" in str(error.value)


@pytest.mark.parametrize("value", ["2022-09-22", "2022-09", "1954", None])
def test_isoformat_round_trips(value):
    assert dates.parse_partial_date(value).isoformat() == value


@pytest.mark.parametrize(
    "line, expected",
    [
        ("(2022年9月22日)", "2022-09-22"),
        ("发布时间：2022年09月22日", "2022-09-22"),
        ("2022-09-22 10:31", "2022-09-22"),
        ("2019年3月", "2019-03"),
        ("没有日期", None),
        # The adoption line of a 人大 decision: the date opens a longer line.
        ("（2026年3月15日平顶山市第十届人民代表大会常务委员会第二十次会议通过）", "2026-03-15"),
        # Old documents write dates in Chinese numerals, full-width digits, with spaces, 号 or 元月.
        ("二〇一一年十一月十七日", "2011-11-17"),
        ("二零一一年十一月十七日", "2011-11-17"),
        ("一九九九年十二月三十一日", "1999-12-31"),
        ("二〇二〇年二月二十九日", "2020-02-29"),
        ("二〇一一年元月", "2011-01"),
        ("二〇〇八年", "2008"),
        ("２０１１年１１月１７日", "2011-11-17"),
        ("2011 年 11 月 17 号", "2011-11-17"),
        ("第十二届二〇一一年十月", "2011-10"),
        ("2022/9/22", "2022-09-22"),
        ("12022年", None),
        ("2023年2月30日", None),
        ("二〇一一年十十月", None),
        ("二〇一一年三十二月", None),
    ],
)
def test_find_date_in_a_line(line, expected):
    found = dates.find_date(line)
    assert (found.isoformat() if found else None) == expected


def test_find_dates_names_the_impossible_ones_in_chinese():
    found = dates.find_dates("2023年2月30日修订，2023年3月1日施行")
    assert [item.date and item.date.isoformat() for item in found] == [None, "2023-03-01"]
    assert found[0].problem == "日期“2023年2月30日”不存在"
    assert (found[1].start, found[1].end) == (13, 22)


def test_format_partial_date():
    day = datetime.date(2022, 9, 22)
    assert dates.format_partial_date(day, dates.DAY) == "2022年9月22日"
    assert dates.format_partial_date(day, dates.MONTH) == "2022年9月"
    assert dates.format_partial_date(day, dates.YEAR) == "2022年"
    assert dates.format_partial_date(None, dates.UNKNOWN) == "日期不详"
