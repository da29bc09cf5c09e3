"""What a search asks of a backend and what the backend answers: query.search() calls each backend's
run_query(parsed, filters, sort, page, per_page) and gets a Found, or one of the exceptions below
(backends/whoosh.py: the embedded index through engine.py; backends/opensearch.py: an OpenSearch cluster)."""

import datetime
from dataclasses import dataclass, field

from .language.parsing import ParsedQuery

SORTS = ("relevance", "newest", "oldest")


@dataclass
class Filters:
    """What a reader narrows a search to; the exact values are named as the index's fields (schema.FILTERS)."""

    column: str = ""
    kind: str = ""
    speaker: str = ""
    meeting: str = ""
    validity: str = ""
    genre: str = ""  # legislation.genres.GENRES
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def __bool__(self):
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass
class Found:
    """A backend's answer: the page's article ids in order, the total, {facet: {value: count}}, and the query as
    it ran, without what the backend left out as too costly (messages say what). any_date: with a date filter,
    (total, {year: count}) of the same search without it when the backend counted them on the way (Whoosh's
    engine does), else None."""

    ids: list
    count: int
    facets: dict
    parsed: ParsedQuery
    messages: list = field(default_factory=list)
    any_date: tuple | None = None


class IndexUnavailable(Exception):
    """The index is missing, empty or unreadable: it must be rebuilt (search says 索引正在重建)."""


class SearchUnavailable(IndexUnavailable):
    """The search service does not answer (a cluster down or unreachable): search says 搜索暂不可用 (503)."""


class IndexBusy(Exception):
    """Another process held the index writer lock for longer than we are willing to wait."""
