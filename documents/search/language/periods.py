"""Time in a query: a decade as people say it (八十年代, 九十年代初, 上世纪五十年代末, 2000年代) is taken out of the
words searched (documents do not write it) and becomes a period the ranking favours (ranking.PERIOD_SCORE).

A year typed as a term of its own beside others (1982年 宪法) is a period of that year: the constitution of 1982 is
the 宪法 in force, whose text never prints 1982年, and a report of 1982 comes before one that names the year. A year
inside a term (2019年政府工作报告, a title) or alone stays a word: documents print their years, and the substring
finds them. Only a two-digit decade is read as the 1900s (八十年代 = 1980–1989); 初 narrows to its first four
years, 中期 to the middle four, 末 to its last four.
"""

import datetime
import re
from dataclasses import dataclass

_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DECADE = re.compile(
    r"(?:上个?世纪|20世纪|二十世纪)?(?P<decade>[一二三四五六七八九]十|[1-9]0|(?:19|20)[0-9]0)年代(?P<part>初期?|中期|末期?|前期|后期)?")
YEAR = re.compile(r"(?:(?<=\s)|^)(?P<year>1[89][0-9]{2}|20[0-9]{2})年(?=\s|$)")
PARTS = {"初": (0, 3), "初期": (0, 3), "前期": (0, 4), "中期": (3, 6), "末": (6, 9), "末期": (6, 9), "后期": (5, 9)}


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date
    text: str  # as typed

    @property
    def label(self):
        if self.first.year == self.last.year:
            return f"{self.first.year}年"
        return f"{self.first.year}—{self.last.year}年"


def _start_year(decade):
    if decade[0] in _DIGITS:
        return 1900 + _DIGITS[decade[0]] * 10
    number = int(decade)
    return number if number >= 1000 else 1900 + number


def extract(q):
    """(the query without the periods it names, the first Period or None)."""
    q = q or ""
    match = DECADE.search(q)
    if match:
        start = _start_year(match.group("decade"))
        low, high = PARTS.get(match.group("part") or "", (0, 9))
        first, last = start + low, start + high
    else:
        match = YEAR.search(q)
        rest = (q[: match.start()] + q[match.end():]) if match else ""
        if not match or not any(c.isalnum() for c in rest):
            return q, None  # no year, or a year alone: the word itself is searched
        first = last = int(match.group("year"))
    if sum(q[: match.start()].count(mark) for mark in '"“”') % 2 or q[: match.start()].endswith("-"):
        return q, None  # inside quotes or excluded: a quoted phrase stays exact
    period = Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), match.group())
    return (q[: match.start()] + " " + q[match.end():]).strip(), period
