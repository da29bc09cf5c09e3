"""Partial dates: historical documents often carry only a year or a month.

A partial date is stored as the first day of its period plus a precision, so that ordering by date still works.
"""

import datetime
import re
from typing import NamedTuple

from . import numerals

DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"
PRECISION_CHOICES = [(DAY, "日"), (MONTH, "月"), (YEAR, "年"), (UNKNOWN, "不详")]


class InvalidDate(ValueError):
    """A date string that names no real day; the message is for the user, in Chinese."""


class PartialDate(NamedTuple):
    date: datetime.date | None
    precision: str

    def isoformat(self):
        """The import format: YYYY-MM-DD, YYYY-MM, YYYY or None."""
        if self.date is None or self.precision == UNKNOWN:
            return None
        if self.precision == YEAR:
            return f"{self.date.year:04d}"
        if self.precision == MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


UNKNOWN_DATE = PartialDate(None, UNKNOWN)

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # same length: spans stay true
_CN = "".join(numerals.DIGITS)
_NUMBER = rf"\d{{1,2}}|[{_CN}十]{{1,3}}"
# 2022年9月22日, 二〇一一年十一月十七日, 2011年元月, 2022年9月; never inside a longer number (12022年).
_WRITTEN = re.compile(
    rf"(?<![\d{_CN}十])(\d{{4}}|[{_CN}]{{4}})\s*年(?:\s*({_NUMBER}|元)\s*月(?:\s*({_NUMBER})\s*[日号])?)?"
)
_DASHED = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?!\d)")


def _number(text):
    """2011 from 2011 or 二〇一一 (a year is read digit by digit), 17 from 十七, 1 from 元 (元月); None if malformed."""
    return 1 if text == "元" else numerals.to_int(text)


def _build(year, month, day, original):
    numbers = [None if part is None else _number(part) for part in (year, month, day)]
    if numbers[0] is None or not 1000 <= numbers[0] <= 2999:
        raise InvalidDate(f"日期“{original}”的年份不合理")
    year, month_number, day_number = numbers
    try:
        if day is not None:
            return PartialDate(datetime.date(year, month_number, day_number), DAY)
        if month is not None:
            return PartialDate(datetime.date(year, month_number, 1), MONTH)
    except (TypeError, ValueError):  # TypeError: a malformed number (十十)
        raise InvalidDate(f"日期“{original}”不存在") from None
    return PartialDate(datetime.date(year, 1, 1), YEAR)


def parse_partial_date(value):
    """Parse `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or None; raise InvalidDate for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return UNKNOWN_DATE
    if isinstance(value, datetime.date):
        return PartialDate(value, DAY)
    if not isinstance(value, str):
        raise InvalidDate(f"日期“{value}”格式不对，应为 YYYY-MM-DD、YYYY-MM 或 YYYY")
    match = _ISO.match(value)
    if not match:
        raise InvalidDate(f"日期“{value}”格式不对，应为 YYYY-MM-DD、YYYY-MM 或 YYYY")
    return _build(*match.groups(), value)


class FoundDate(NamedTuple):
    """A date written in a text: `date` is None and `problem` says why when it names no real day."""

    start: int
    end: int
    date: PartialDate | None
    problem: str = ""


def find_dates(text):
    """Every date written in `text`, in order: 2022年9月22日, 二〇一一年十一月十七日, ２０２２年, 2022-09-22, 2022/9/22.

    The one reader of dates in free text: portal pages, office files and their meta lines all use it.
    """
    plain = text.translate(_FULLWIDTH_DIGITS)
    found = []
    for pattern in (_WRITTEN, _DASHED):
        for match in pattern.finditer(plain):
            try:
                found.append(FoundDate(match.start(), match.end(), _build(*match.groups(), match.group(0))))
            except InvalidDate as problem:
                found.append(FoundDate(match.start(), match.end(), None, str(problem)))
    return sorted(found, key=lambda item: item.start)


def find_date(text):
    """The first real date written in a line of text (see find_dates); None if there is none."""
    return next((found.date for found in find_dates(text) if found.date), None)


def format_partial_date(date, precision):
    """2022年9月22日, 2022年9月, 2022年, or 日期不详."""
    if date is None or precision == UNKNOWN:
        return "日期不详"
    if precision == YEAR:
        return f"{date.year}年"
    if precision == MONTH:
        return f"{date.year}年{date.month}月"
    return f"{date.year}年{date.month}月{date.day}日"


def format_moment(moment):
    """A point in time as staff read it, in the site's time zone: 2022年9月22日 14:05."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{format_partial_date(local.date(), DAY)} {local:%H:%M}"
