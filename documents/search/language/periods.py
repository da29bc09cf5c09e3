"""Time in a query: a decade as people say it (八十年代, 九十年代初, 上世纪五十年代末, 2000年代) is taken out of the
words searched (documents do not write it) and becomes a period the ranking favours (ranking.PERIOD_SCORE).

A year typed as a year (1982年) stays a word: documents print their years, and the substring finds them. Only a
two-digit decade is read as the 1900s (八十年代 = 1980–1989); 初 narrows to its first four years, 中期 to the
middle four, 末 to its last four.
"""

import datetime
import re
from dataclasses import dataclass

_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DECADE = re.compile(
    r"(?:上个?世纪|20世纪|二十世纪)?(?P<decade>[一二三四五六七八九]十|[1-9]0|(?:19|20)[0-9]0)年代(?P<part>初期?|中期|末期?|前期|后期)?")
PARTS = {"初": (0, 3), "初期": (0, 3), "前期": (0, 4), "中期": (3, 6), "末": (6, 9), "末期": (6, 9), "后期": (5, 9)}


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date
    text: str  # as typed

    @property
    def label(self):
        return f"{self.first.year}—{self.last.year}年"


def _start_year(decade):
    if decade[0] in _DIGITS:
        return 1900 + _DIGITS[decade[0]] * 10
    number = int(decade)
    return number if number >= 1000 else 1900 + number


def extract(q):
    """(the query without the periods it names, the first Period or None)."""
    match = DECADE.search(q or "")
    if not match or sum(q[: match.start()].count(mark) for mark in '"“”') % 2:
        return q, None  # none, or inside quotes: a quoted phrase stays exact
    start = _start_year(match.group("decade"))
    low, high = PARTS.get(match.group("part") or "", (0, 9))
    period = Period(datetime.date(start + low, 1, 1), datetime.date(start + high, 12, 31), match.group())
    return (q[: match.start()] + " " + q[match.end():]).strip(), period
