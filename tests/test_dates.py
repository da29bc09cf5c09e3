import datetime

import pytest

from documents import dates


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
    ],
)
def test_find_date_in_a_line(line, expected):
    found = dates.find_date(line)
    assert (found.isoformat() if found else None) == expected


def test_format_partial_date():
    day = datetime.date(2022, 9, 22)
    assert dates.format_partial_date(day, dates.DAY) == "2022年9月22日"
    assert dates.format_partial_date(day, dates.MONTH) == "2022年9月"
    assert dates.format_partial_date(day, dates.YEAR) == "2022年"
    assert dates.format_partial_date(None, dates.UNKNOWN) == "日期不详"
