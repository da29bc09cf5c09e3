"""The documents-per-year bar chart (the search page, a speaker's page): bars computed here, drawn on the server by
templates/includes/year_chart.html in plain HTML and CSS, so it reads without JavaScript."""

from dataclasses import dataclass

# Past this many years only every fifth year is labelled under its bar (each label is in the link's aria-label).
LABEL_EVERY_YEAR_UP_TO = 12
# Heights go in steps of 5 % of the tallest bar, one CSS class each (.bar-5 … .bar-100 in site.css): the CSP
# forbids style attributes, and the public pages carry no SVG (tests/test_security.py). The lowest step keeps a
# single document among hundreds visible.
STEP = 5


@dataclass
class Bar:
    year: int
    count: int
    height: int  # percent of the tallest bar, a multiple of STEP; 0 for a year without documents (a gap)
    url: str
    current: bool
    label: str  # the year under the bar, or "" where labels would crowd


@dataclass
class YearChart:
    bars: list  # newest year first: the reading order (the stylesheet draws them oldest on the left)
    first: int
    last: int
    undated: int
    total: int


def year_chart(counts, url_for, is_current=lambda year: False, undated=0):
    """counts: (year, count) pairs (years as int or str); url_for(year): where a bar leads. None when no year
    has a document."""
    counts = {int(year): count for year, count in counts if count}
    if not counts:
        return None
    first, last, tallest = min(counts), max(counts), max(counts.values())
    every_year = last - first < LABEL_EVERY_YEAR_UP_TO
    bars = []
    for year in range(last, first - 1, -1):
        count = counts.get(year, 0)
        bars.append(Bar(
            year=year, count=count,
            height=max(STEP, STEP * round(100 * count / tallest / STEP)) if count else 0,
            url=url_for(year) if count else "",
            current=bool(count) and is_current(year),
            label=str(year) if every_year or year % 5 == 0 else "",
        ))
    return YearChart(bars=bars, first=first, last=last, undated=undated, total=sum(counts.values()) + undated)
