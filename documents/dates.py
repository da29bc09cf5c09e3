"""Partial dates: historical documents often carry only a year or a month.

A partial date is stored as the first day of its period plus a precision, so that ordering by date still works.
"""

import datetime
import re
from typing import NamedTuple

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
_CHINESE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?")
_DASHED = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")


def _build(year, month, day, original):
    year = int(year)
    if not 1000 <= year <= 2999:
        raise InvalidDate(f"日期“{original}”的年份不合理")
    try:
        if day:
            return PartialDate(datetime.date(year, int(month), int(day)), DAY)
        if month:
            return PartialDate(datetime.date(year, int(month), 1), MONTH)
    except ValueError:
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


def find_date(text):
    """Find the first date written in a line of text (2022年9月22日, 2022-09-22, 2022/9/22); None if none."""
    for pattern in (_CHINESE, _DASHED):
        match = pattern.search(text)
        if match:
            try:
                return _build(*match.groups(), match.group(0))
            except InvalidDate:
                continue
    return None


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
