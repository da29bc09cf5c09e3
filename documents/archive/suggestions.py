"""Suggestions for the search box (speakers, meetings, titles, equivalent terms): an entry named by just what a reader
typed first (中华人民共和国宪法 for 宪法: a title's short forms name it too), then those starting with it (or a short
form starting with it: 中华人民共和国民法典 for 民法), then those containing it anywhere, in an index each process holds
in memory and rebuilds when the site's data change. An entry listed several times (the 民法典's parts share its
title) is offered once. Traditional and simplified characters compare alike (search/text/scripts.py).

Each kind of suggestion is one `Source` in `SOURCES`: its label, and its entries best first (their order is the
order they are offered in). Adding a kind is adding a Source there; its model's changes must retire the page
cache's `site` token (documents/cache_invalidation.py), which is what tells every process to rebuild.

Why in memory: the entries of a source are folded and joined into one string, and `str.find` scans it in C
(tens of microseconds for the whole corpus's titles); SQL `icontains` reads the article table instead
(`bench/suggest.py` prints both).
"""

import threading
from dataclasses import asdict, dataclass
from typing import Callable

from urllib.parse import urlencode

from django.urls import reverse

from ..common import dates
from ..common.titles import title_forms
from . import pages
from ..models import EquivalentTerms
from ..search.language import equivalents
from ..search.text import scripts
from ..search.text.joined import JoinedTexts
from ..search.language.parsing import MAX_QUERY_CHARS, normalize_input

MAX_SUGGESTIONS = 8
FIRST_SHARE = 3  # each kind gets up to this many of the 8 before the others fill the places left


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str
    label: str  # the kind, in Chinese
    hint: str  # a date, a position, a number of documents
    url: str

    def as_json(self):
        return asdict(self)


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    entries: Callable  # () -> [(text, payload)], best first; payload is what `present` needs
    present: Callable  # payload -> (hint, url), called only for the suggestions given
    names: Callable = lambda text, payload: ()  # the other names an entry goes by (a title's short forms)


def _titles():
    # A text once: a law's parts and a text filed twice are offered by the record that stands for them.
    rows = pages.chronological(pages.public().filter(represented_by__isnull=True)).values_list(
        "title", "pk", "date", "date_precision", "issuer")
    return [(title, (pk, date, precision, issuer)) for title, pk, date, precision, issuer in rows]


def _present_title(payload):
    pk, date, precision, _ = payload
    return dates.format_partial_date(date, precision), reverse("documents:article", args=[pk])


def _title_names(title, payload):
    """A title as a reader may type it: without the national prefix, the year or its issuer (titles.title_forms)."""
    exact, shortened = title_forms(title, payload[3])
    return exact | shortened


def _speakers():
    return [(s.name, (s.slug, s.count)) for s in pages.speakers().only("name", "slug")]


def _meetings():
    return [(m.name, (m.slug, m.count)) for m in pages.meetings().only("name", "slug")]


def _equivalents():
    """Each form of each group of equivalent terms; chosen, it is searched (with its equivalents)."""
    entries = []
    for text in EquivalentTerms.objects.order_by("pk").values_list("forms", flat=True):
        forms = equivalents.forms_of(text)
        entries += [(form, (form, [other for other in forms if other != form])) for form in forms]
    return entries


def _present_equivalent(payload):
    form, others = payload
    return "也写作" + "、".join(others), reverse("documents:search") + "?" + urlencode({"q": form})


SOURCES = (
    Source("speaker", "发言人", _speakers,
           lambda payload: (f"{payload[1]} 篇", reverse("documents:speaker", args=[payload[0]]))),
    Source("meeting", "会议", _meetings,
           lambda payload: (f"{payload[1]} 篇", reverse("documents:meeting", args=[payload[0]]))),
    Source("title", "标题", _titles, _present_title, _title_names),
    Source("equivalent", "等同说法", _equivalents, _present_equivalent),
)


def fold(text):
    """The form entries and typed text are compared in: compatibility forms, case and script folded, one space."""
    return " ".join(scripts.fold(normalize_input(text).casefold()).split())


class SourceIndex:
    """One source's entries (an entry listed again under the same text left out), folded and joined
    (search/text/joined.py), and their other names (a title's short forms), joined apart with the entry each names."""

    def __init__(self, source):
        self.source = source
        seen, self.entries = set(), []
        for text, payload in source.entries():
            if text not in seen:
                seen.add(text)
                self.entries.append((text, payload))
        folded = [fold(text) for text, _ in self.entries]
        self.joined = JoinedTexts(folded)
        self.named, self.owners, names = {}, [], []
        for number, ((text, payload), own) in enumerate(zip(self.entries, folded)):
            self.named.setdefault(own, []).append(number)
            for name in sorted({fold(name) for name in source.names(text, payload)} - {own, ""}):
                names.append(name)
                self.owners.append(number)
                self.named.setdefault(name, []).append(number)
        self.names = JoinedTexts(names)

    def find(self, needle, limit):
        """Up to `limit` entry numbers, each group best first: those named `needle` (their text or another name),
        those starting with it (text or name), then those containing it."""
        named = self.named.get(needle, [])
        starting = sorted(set(self.joined.containing(needle, at_start=True, limit=limit))
                          | {self.owners[n] for n in self.names.containing(needle, at_start=True, limit=4 * limit)})
        found = list(dict.fromkeys([*named, *starting]))[:limit]
        if len(found) < limit:
            found += [n for n in self.joined.containing(needle, limit=limit) if n not in found][: limit - len(found)]
        return found

    def suggestion(self, number):
        text, payload = self.entries[number]
        hint, url = self.source.present(payload)
        return Suggestion(text=text, kind=self.source.kind, label=self.source.label, hint=hint, url=url)


class SuggestionIndex:
    """Every source's index, for one generation of the site's data."""

    def __init__(self, sources=SOURCES):
        self.sources = [SourceIndex(source) for source in sources]

    def suggest(self, typed, limit=MAX_SUGGESTIONS):
        # Cut before folding: a 2,000-character paste costs no more than the 100 characters a search reads.
        needle = fold(typed[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
        if not needle:
            return []
        found = [index.find(needle, limit) for index in self.sources]
        # A share for each kind first (a speaker is not crowded out by forty titles), then the rest in order.
        taken, room = [[] for _ in found], limit
        for share in (FIRST_SHARE, limit):
            for numbers, chosen in zip(found, taken):
                extra = numbers[len(chosen) : share][:room]
                chosen += extra
                room -= len(extra)
        return [index.suggestion(n) for index, chosen in zip(self.sources, taken) for n in chosen]


_current = {"generation": None, "index": None}
_lock = threading.Lock()


def suggest(typed, generation):
    """Suggestions for `typed`; `generation` names the state of the data (the page cache's `site` token): a new
    one rebuilds this process's index first."""
    with _lock:
        if _current["generation"] != generation or _current["index"] is None:
            _current["index"], _current["generation"] = SuggestionIndex(), generation
        index = _current["index"]
    return index.suggest(typed)
