"""Query evaluation over the Whoosh index's segments, with sets and dicts instead of Whoosh's matchers.

Whoosh's collector costs about 25 µs a matching document (scoring, facet keys, heap) and its phrase query
runs on span objects; a common query matches thousands of documents and the total and the facets need them
all. Here the postings of each term are read block by block into dicts (C-speed), phrases are checked with
set arithmetic on the decoded positions, BM25 is computed inline, and filters and facets use per-segment
tables built once per segment version. Whoosh remains the index format, the writer and the locking.
Whoosh's blocks are read through whoosh_internals.py, checked by behaviour on first use (check_whoosh), and the
formats and columns of each segment by check_reader: another Whoosh or another schema raises UnsupportedIndex
instead of giving wrong results silently.
"""

import datetime
import functools
import heapq
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, replace
from functools import reduce
from itertools import accumulate, islice
from operator import and_

from whoosh import formats
from whoosh.codec.whoosh3 import W3Codec

from ... import analysis, schema
from ...language import budget
from . import whoosh_internals
from ...codec import writing_codec
from ...text.joined import JoinedTexts
from .whoosh_internals import UnsupportedIndex

# Per-segment tables: the values filtered on and counted.
TABLE_FIELDS = tuple(dict.fromkeys(schema.FILTERS + schema.FACETS))
K1, B = schema.BM25_K1, schema.BM25_B
TITLE_WORD_WEIGHT = 2.0
# The postings format of each kind of field, as this module reads them: positions decoded by _positions(),
# weights read as term frequencies (BM25), document ids alone of the others.
FORMATS = {
    schema.WORDS: formats.Frequency, schema.BIGRAMS: analysis.PackedPositions, schema.KEYS: formats.Frequency,
    schema.EXACT: formats.Existence, schema.DATE_KIND: formats.Existence, schema.IDENTIFIER: formats.Existence,
}


# --- what the engine reads of Whoosh ---------------------------------------------------------------------------


@functools.cache
def check_whoosh():
    """Raise UnsupportedIndex unless the installed Whoosh reads, through whoosh_internals, as its own matcher does:
    checked once a process, on an index in memory written with the archive's codec (small blocks)."""
    whoosh_internals.self_check(writing_codec(blocklimit=2))


def check_reader(reader):
    """Raise UnsupportedIndex unless one segment is written by the W3 codec and each of the project's fields in
    it has the postings format its kind is read in (a field the index lacks is left alone: an index built before
    it existed ranks without it)."""
    if not isinstance(reader.codec(), W3Codec):
        raise UnsupportedIndex(f"index segment written by {type(reader.codec()).__name__}, engine.py reads W3Codec's")
    for field in schema.FIELDS:
        if field.name not in reader.schema:
            continue
        found, expected = type(reader.schema[field.name].format), FORMATS[field.kind]
        if found is not expected:
            raise UnsupportedIndex(
                f"index field {field.name!r} ({field.kind}) has the postings format {found.__name__}, engine.py "
                f"reads {expected.__name__}: the index was built with another schema; run rebuild_index"
            )
    if schema.DATE.name in reader.schema and reader.schema[schema.DATE.name].column_type is None:
        raise UnsupportedIndex(f"index field {schema.DATE.name!r} has no column; run rebuild_index")


# --- postings -------------------------------------------------------------------------------------------------


class PostingsCache:
    """Decoded postings of the most recently used terms, bounded by the bytes they hold. Common bigrams and words
    (人民, 规定, 条例 ...) come back in query after query; decoding their blocks is most of a query's time. Segments
    never change their postings, so (segment, field, term) is a safe key. Bytes, not postings, bound it: a
    posting's encoded positions run from a few bytes to kilobytes in a long law."""

    def __init__(self, max_bytes):
        self.max_bytes, self.size, self.entries = max_bytes, 0, OrderedDict()
        self.lock = threading.Lock()

    def get(self, reader, fieldname, term):
        key = (reader.segment().segment_id(), fieldname, term)
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0]
        postings, size = _read_postings(reader, fieldname, term)
        if size * 4 <= self.max_bytes:  # one term never takes more than a quarter
            with self.lock:
                if key not in self.entries:
                    self.entries[key] = (postings, size)
                    self.size += size
                while self.size > self.max_bytes:
                    _, (_, evicted) = self.entries.popitem(last=False)
                    self.size -= evicted
        return postings


POSTING_OVERHEAD = 150  # bytes of a dict entry, its tuple, the frequency and the bytes object's header
_cache = PostingsCache(max_bytes=64 * 1024 * 1024)


def postings(reader, fieldname, term):
    """{docnum: (frequency, encoded positions)} of one term in one segment; {} when absent. Counted as read from
    the search's budget whether the cache held them or not (the count is the query's, not the cache's)."""
    if (fieldname, term) not in reader:
        budget.current().spend(terms=1)
        return {}
    found = _cache.get(reader, fieldname, term)
    budget.current().spend(terms=1, postings=len(found))
    return found


def _read_postings(reader, fieldname, term):
    """({docnum: (frequency, encoded positions)}, about the bytes it holds in memory)."""
    matcher = reader.postings(fieldname, term)
    out, values, spent = {}, 0, budget.current()
    if whoosh_internals.is_blocked(matcher):
        for ids, weights, block_values in whoosh_internals.posting_blocks(matcher):
            spent.check()
            out.update(zip(ids, zip(weights, block_values)))
            if block_values[0] is not None:
                values += sum(map(len, block_values))
    else:  # a term inlined in the term info (a single posting)
        while matcher.is_active():
            out[matcher.id()] = (matcher.weight(), matcher.value())
            matcher.next()
    return out, len(out) * POSTING_OVERHEAD + values


def _positions(value):
    """The positions of an analysis.PackedPositions value, the running sum done in C."""
    return set(accumulate(analysis.packed_deltas(value)))


def prefix_terms(searcher, char, limit):
    """How many bigram terms a single character expands to over the whole index, counting up to limit + 1."""
    count = 0
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if reader.segment() is None:
            continue  # an empty index
        for fieldname in schema.STRING_FIELDS:
            if count <= limit:
                count += sum(1 for _ in islice(reader.expand_prefix(fieldname, char), limit + 1 - count))
    return count


def cover(run):
    """The bigrams (with their offsets) that pin down a run: every other one, plus the last. Exact because
    runs are a position apart in the index (see analysis.bigram_positions)."""
    if len(run) == 1:
        return [(0, run)]
    offsets = list(range(0, len(run) - 1, 2))
    if offsets[-1] != len(run) - 2:
        offsets.append(len(run) - 2)
    return [(o, run[o : o + 2]) for o in offsets]


def doc_ids(reader, fieldname, term, known=False):
    """The document numbers of one term's postings (ids only: cheaper than postings()); known: the term is in
    the index (a prefix expansion), no need to look."""
    spent = budget.current()
    if not known and (fieldname, term) not in reader:
        spent.spend(terms=1)
        return set()
    spent.spend(terms=1)
    matcher = reader.postings(fieldname, term)
    if not whoosh_internals.is_blocked(matcher):
        found = set(matcher.all_ids())
        spent.spend(postings=len(found))
        return found
    found = set()
    for ids in whoosh_internals.id_blocks(matcher):
        before = len(found)
        found.update(ids)
        spent.spend(postings=len(found) - before)
    return found


def _rarest_first(reader, fieldname, terms):
    """({term: postings}, the documents holding every term) of distinct terms read rarest first (a term's document
    frequency is in the term index, its postings are not), stopping at the first term no candidate holds: of a long
    string that occurs nowhere, the common bigrams (人民, 代表 ...) are never read. ({}, set()) when none."""
    ordered = sorted(dict.fromkeys(terms), key=lambda term: reader.doc_frequency(fieldname, term))
    budget.current().spend(terms=len(ordered))  # the frequencies looked up
    lists, common = {}, None
    for term in ordered:
        lists[term] = postings(reader, fieldname, term)
        common = set(lists[term]) if common is None else common.intersection(lists[term])
        if not common:
            return {}, set()
    return lists, common or set()


def run_matches(reader, fieldname, run, word_field=None):
    """The documents (docnums) whose field contains `run` (letters/digits/CJK, normalised). When jieba keeps
    the run as one word, the documents holding that word in `word_field` (the same text cut by jieba)
    certainly contain it: only the others need their positions checked."""
    if len(run) == 1:
        found = set()
        for term in reader.expand_prefix(fieldname, run):
            found |= doc_ids(reader, fieldname, term, known=True)
        return found
    pieces = cover(run)
    if len(pieces) == 1:
        return doc_ids(reader, fieldname, pieces[0][1])
    lists, candidates = _rarest_first(reader, fieldname, [term for _, term in pieces])
    if not candidates:
        return set()
    sure = doc_ids(reader, word_field, run) if word_field and list(analysis.words(run)) == [run] else set()
    # Rarest first: the starts to check are fewest.
    pieces.sort(key=lambda piece: len(lists[piece[1]]))
    candidates -= sure
    first_offset, first_term = pieces[0]
    rest = [(offset - first_offset, term) for offset, term in pieces[1:]]
    found, spent = set(sure), budget.current()
    for docnum in candidates:
        # A long run repeats its bigrams (人大常委会 typed 20 times has 5): each is decoded once a document.
        decoded = {first_term: _positions(lists[first_term][docnum][1])}
        starts = decoded[first_term]
        for delta, term in rest:
            if term not in decoded:
                decoded[term] = _positions(lists[term][docnum][1])
            positions = decoded[term]
            starts = {s for s in starts if s + delta in positions}
            if not starts:
                break
        else:
            found.add(docnum)
        spent.spend(positions=len(decoded))
    return found


def string_matches(reader, fieldname, runs):
    """The documents containing every run of a clause's string (punctuation splits a string into runs)."""
    results = [run_matches(reader, fieldname, run, schema.STRING_FIELDS.get(fieldname)) for run in runs]
    return reduce(and_, results) if results else set()


# --- per-segment tables ---------------------------------------------------------------------------------------


class SegmentTables:
    """What filtering, faceting, sorting and the byline need, per document of one segment version."""

    def __init__(self, reader):
        self.live = set(reader.all_doc_ids())
        self.values = {}
        self.by_value = {}
        for name in TABLE_FIELDS:
            self.values[name], self.by_value[name] = _column(reader, name)
        # A few hundred distinct bylines (speakers, meetings, issuers): finding a string in them is cheaper than
        # checking bigram positions in thousands of documents.
        bylines = defaultdict(set)
        for value, docs in _column(reader, schema.BYLINE.name)[1].items():
            bylines[analysis.normalize(value)] |= docs  # two values may normalise alike
        self.byline_docs = list(bylines.values())
        self.bylines = JoinedTexts(list(bylines))
        # Dates as the column holds them (Whoosh's sortable numbers); an undated document holds the column's default.
        self.date_field = reader.schema[schema.DATE.name]
        self.undated = self.date_field.column_type.default_value()
        if reader.has_column(schema.DATE.name):
            self.dates = list(reader.column_reader(schema.DATE.name, translate=False))
        else:
            self.dates = [self.undated] * reader.doc_count_all()
        # Sort keys, the largest first: undated documents last either way.
        self.newer = [-1 if date == self.undated else date for date in self.dates]
        self.older = [-date for date in self.dates]
        self.lengths = {f: [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())]
                        for f in (schema.TITLE.name, schema.TEXT.name)}
        self._norms = {}

    def norms(self, fieldname, average):
        """BM25's length normalisation of each document's field, for the index's average length (the same for
        every search until the index changes)."""
        held = self._norms.get(fieldname)
        if held is None or held[0] != average:
            norms = [K1 * ((1 - B) + B * length / average) for length in self.lengths[fieldname]]
            held = self._norms[fieldname] = (average, norms)
        return held[1]

    def byline_matches(self, runs):
        """The documents whose byline contains every run."""
        entries = reduce(and_, (set(self.bylines.containing(run)) for run in runs)) if runs else ()
        return set().union(*(self.byline_docs[number] for number in entries))

    def date_bounds(self, first, last):
        """(low, high) column values of the documents dated from `first` to `last` (dates, inclusive; None: no
        bound), or None when both are None. Undated documents fall outside any bounds."""
        if first is None and last is None:
            return None
        low = self.date_field.to_column_value(datetime.datetime.combine(first, datetime.time.min)) if first else 0
        high = (self.date_field.to_column_value(datetime.datetime.combine(last, datetime.time.max)) if last
                else self.undated - 1)
        return low, min(high, self.undated - 1)


def _column(reader, name):
    """([value of each docnum], {value: docnums}) of a column field; empty when the index has no such column."""
    column = list(reader.column_reader(name)) if name in reader.schema and reader.has_column(name) else []
    index = defaultdict(set)
    for docnum, value in enumerate(column):
        if value:
            index[value].add(docnum)
    return column, index


_tables = {}


def tables(reader):
    """The segment's tables, built (and the segment checked: check_reader) on its first use."""
    segment = reader.segment()
    key = (segment.segment_id(), segment.deleted_count())
    if key not in _tables:
        check_reader(reader)
        if len(_tables) > 64:
            _tables.clear()
        _tables[key] = SegmentTables(reader)
    return _tables[key]


# --- scoring ----------------------------------------------------------------------------------------------------


class Scorer:
    """BM25 over the jieba words, with collection statistics of the whole index."""

    FIELDS = {schema.TEXT.name: 1.0, schema.TITLE.name: TITLE_WORD_WEIGHT}  # a word in the title counts double

    def __init__(self, searcher):
        self.searcher = searcher
        self.n = max(1, searcher.doc_count_all())
        self.avg = {f: max(1.0, searcher.field_length(f) / self.n) for f in self.FIELDS}

    def idf(self, fieldname, term):
        return math.log(self.n / (self.searcher.doc_frequency(fieldname, term) + 1)) + 1

    def word_scores(self, reader, table, words):
        """{docnum: BM25} of the documents containing all `words` in the title or all in the text."""
        scores, spent = defaultdict(float), budget.current()
        repeats = Counter(words)  # a word typed n times counts n times, its postings read once
        for fieldname, weight in self.FIELDS.items():
            lists, common = _rarest_first(reader, fieldname, repeats)
            if not common:
                continue
            norms = table.norms(fieldname, self.avg[fieldname])
            for word, plist in lists.items():  # a word at a time: a common word holds most of the archive
                factor = self.idf(fieldname, word) * weight * (K1 + 1) * repeats[word]
                for docnum in common:
                    frequency = plist[docnum][0]
                    scores[docnum] += factor * frequency / (frequency + norms[docnum])
                spent.spend(postings=len(common))
        return dict(scores)


# --- evaluation ---------------------------------------------------------------------------------------------------


def _clause_scores(reader, table, scorer, clause, weights):
    """({docnum: tier}, {docnum: BM25}) of the documents matching one clause."""
    tier, words = defaultdict(float), {}
    for fieldname in schema.STRING_FIELDS:
        weight = weights.of_string_field(fieldname)
        for docnum in string_matches(reader, fieldname, clause.runs):
            tier[docnum] += weight
    for docnum in table.byline_matches(clause.runs):
        tier[docnum] += weights.byline
    if not clause.phrase and clause.words:
        words = scorer.word_scores(reader, table, clause.words)
        for docnum in words:
            tier.setdefault(docnum, 0.0)  # matched by its words alone: the lowest tier
    return tier, words


def _with_equivalents(reader, table, scorer, clause, weights, found):
    """found (_clause_scores of a clause as typed) with the documents of its variants by equivalent terms
    (equivalents.py) added: a variant is found as a clause is (its string, in tiers weighted `weights.equivalent`
    of the typed form's, or its words apart); each document keeps its best. Past the search's deadline the remaining variants are left out."""
    tier, words = found
    scaled = replace(weights, title=weights.title * weights.equivalent, byline=weights.byline * weights.equivalent,
                     body=weights.body * weights.equivalent)
    for form in clause.equivalents:
        try:
            form_tier, form_words = _clause_scores(reader, table, scorer, form, scaled)
        except budget.OutOfTime:
            break
        for docnum, score in form_tier.items():
            if score > tier.get(docnum, -1.0):
                tier[docnum] = score
                words.setdefault(docnum, form_words.get(docnum, 0.0))
    return tier, words


def _query_scores(reader, table, scorer, parsed, weights):
    """({docnum: tier}, {docnum: BM25}) of the documents matching every group (AND) of the query. Every clause as
    typed is evaluated before any variant: a search stopped at its deadline while searching variants still answers
    the query as typed."""
    typed = [[_clause_scores(reader, table, scorer, clause, weights) for clause in group] for group in parsed.groups]
    tier = words = None
    for group, found in zip(parsed.groups, typed):
        group_tier, group_words = defaultdict(float), defaultdict(float)
        for clause, clause_found in zip(group, found):
            clause_tier, clause_words = _with_equivalents(reader, table, scorer, clause, weights, clause_found)
            for docnum, score in clause_tier.items():
                group_tier[docnum] += score
            for docnum, score in clause_words.items():
                group_words[docnum] += score
        if tier is None:
            tier, words = group_tier, group_words
        else:
            tier = {d: s + group_tier[d] for d, s in tier.items() if d in group_tier}
            words = {d: words.get(d, 0.0) + group_words.get(d, 0.0) for d in tier}
    return tier, words


def _name_documents(reader, tier, words, named):
    """Documents the whole query names leave the tiers for the name's weight, without BM25: they match equally
    well. named: [Name], the highest weight first."""
    done = set()
    for name in named:
        if name.key and name.weight:
            for docnum in (doc_ids(reader, name.field, name.key) & tier.keys()) - done:
                tier[docnum], words[docnum] = name.weight, 0.0
                done.add(docnum)


def _doc_starts(lists, docnum):
    """The positions where a run starts in one document: run_matches for one document, positions kept; lists: the
    run's [(offset, postings)] (cover's pieces, read once for every document checked)."""
    if not lists or not all(docnum in plist for _, plist in lists):
        return set()
    (first_offset, first), rest = lists[0], lists[1:]
    starts = {p - first_offset for p in _positions(first[docnum][1])}
    for offset, plist in rest:
        positions = _positions(plist[docnum][1])
        starts = {s for s in starts if s + offset in positions}
    return starts


def _within(groups, window):
    """Whether one position of each sorted list lies within `window` of the others (a k-way sweep)."""
    heap = [(positions[0], index, 0) for index, positions in enumerate(groups)]
    heapq.heapify(heap)
    high = max(position for position, _, _ in heap)
    while True:
        low, index, at = heapq.heappop(heap)
        if high - low <= window:
            return True
        if at + 1 == len(groups[index]):
            return False
        following = groups[index][at + 1]
        high = max(high, following)
        heapq.heappush(heap, (following, index, at + 1))


def _passages(reader, tier, parsed, weights):
    """A document holding a match of every term of the query (a form of it: equivalents too) within
    weights.passage_chars of its text — one 条, one paragraph — rises by weights.passage above one holding them
    scattered over a long text. Checked on the passage_checks documents of the highest tiers, for queries of 2 to
    passage_terms terms; a term of a single character (a prefix search) is not placed."""
    if not weights.passage or not 2 <= len(parsed.groups) <= weights.passage_terms:
        return
    forms = [[form.runs[0] for clause in group for form in (clause, *clause.equivalents)
              if form.runs and len(form.runs[0]) > 1] for group in parsed.groups]
    if not all(forms):
        return
    fieldname = schema.TEXT_BIGRAMS.name
    lists = [[[(offset, postings(reader, fieldname, term)) for offset, term in cover(run)] for run in runs]
             for runs in forms]
    for docnum in heapq.nlargest(weights.passage_checks, tier, key=tier.__getitem__):
        groups = []
        for runs in lists:
            starts = set().union(*(_doc_starts(pieces, docnum) for pieces in runs))
            if not starts:
                break
            groups.append(sorted(starts))
        else:
            if _within(groups, weights.passage_chars):
                tier[docnum] += weights.passage


def _favour(table, tier, parsed, weights):
    """ranking.py's preferences that are not about the words: a case or an explainer below the rules it is about
    (its tier scaled by weights.commentary), a document of the period the query names above others (+ period)."""
    if weights.commentary != 1.0:
        for value in weights.explanatory:
            for docnum in table.by_value[schema.GENRE.name].get(value, set()) & tier.keys():
                tier[docnum] *= weights.commentary
    period = getattr(parsed, "period", None)
    if period is not None and weights.period:
        low, high = table.date_bounds(period.first, period.last)
        for docnum in tier:
            if low <= table.dates[docnum] <= high:
                tier[docnum] += weights.period


def _allowed(table, filters):
    """The live documents the filters' exact values allow (filters: a search.interface.Filters)."""
    allowed = table.live
    for name in schema.FILTERS:
        value = getattr(filters, name)
        if value:
            allowed = allowed & table.by_value[name].get(value, set())
    return allowed


def evaluate_segment(reader, table, scorer, parsed, filters, named, weights):
    """({docnum: tier}, {docnum: BM25}, docnums before the date filter or None without one) of the live documents
    of one segment that match the query and the filters; named: [Name] of what the whole query may name."""
    if parsed.groups:
        tier, words = _query_scores(reader, table, scorer, parsed, weights)
        _favour(table, tier, parsed, weights)
        _passages(reader, tier, parsed, weights)
        _name_documents(reader, tier, words, named)
    else:
        tier, words = dict.fromkeys(table.live, 0.0), {}
        _favour(table, tier, parsed, weights)
    excluded = set()
    for clause in parsed.excluded:
        for fieldname in schema.STRING_FIELDS:
            excluded.update(string_matches(reader, fieldname, clause.runs))
    keep = tier.keys() & _allowed(table, filters)
    if excluded:
        keep -= excluded
    bounds, any_date = table.date_bounds(filters.date_from, filters.date_to), None
    if bounds:
        low, high = bounds
        keep, any_date = {d for d in keep if low <= table.dates[d] <= high}, keep
    return {d: tier[d] for d in keep}, words, any_date


def band(score, ratio):
    """The geometric band of a BM25 score (ratio 1.25: 8-10, 10-12.5 ...): inside one band the date decides.
    A ratio of 1 keeps the score as it is."""
    if ratio <= 1:
        return score
    return math.floor(math.log(score, ratio)) if score > 0 else -math.inf


def _sort_key(table, sort, matched, words, weights):
    """The key of a document in a segment's results, the first result the largest."""
    if sort == "newest":
        return table.newer.__getitem__
    if sort == "oldest":
        return table.older.__getitem__
    # Within a tier an older version of a regulation (已被修改) comes after the others, so that the version in force
    # leads its older versions (their texts differ little: their scores are noise); then the band of the score;
    # ties: newest first.
    amended, newer = table.by_value[schema.VALIDITY.name].get("amended", ()), table.newer
    return lambda d: (matched[d], d not in amended, band(words.get(d, 0.0), weights.band), newer[d])


def _contenders(matched, sort, want):
    """The documents that can be among the first `want` of a segment: by relevance, those of the highest tiers
    that hold `want` together (the tier leads the key, so a lower tier never passes a higher one); a common
    query matches most of the archive in its lowest tier, whose keys need not be computed."""
    if sort != "relevance" or len(matched) <= want:
        return matched
    held, floor = 0, None
    for tier, count in sorted(Counter(matched.values()).items(), reverse=True):
        held, floor = held + count, tier
        if held >= want:
            break
    return [d for d, tier in matched.items() if tier >= floor]


@dataclass
class Results:
    """ids: the article ids of the page's documents; total; facets: {facet: Counter}; any_date: with a date filter,
    (total, Counter of years) of the same search without it, counted on the way (the year chart keeps every year
    a click away), else None."""

    ids: list
    total: int
    facets: dict
    any_date: tuple | None = None


def run(searcher, parsed, filters, *, sort, page, per_page, named, weights):
    """Results over all segments. filters: a search.interface.Filters; sort: relevance (the tier, then the band
    of the BM25 score, then newest first), newest or oldest; named: [Name]; weights: Weights."""
    check_whoosh()
    scorer = Scorer(searcher)
    total, facets, candidates = 0, {name: Counter() for name in schema.FACETS}, []
    dated, any_total, any_years = bool(filters.date_from or filters.date_to), 0, Counter()
    want = page * per_page
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if reader.segment() is None:
            continue  # an empty index
        table = tables(reader)
        try:
            matched, words, before_dates = evaluate_segment(reader, table, scorer, parsed, filters, named, weights)
        except budget.OutOfTime:  # past the deadline: the segments evaluated so far (budget.cut says so)
            break
        total += len(matched)
        if dated:
            any_total += len(before_dates)
            if table.values[schema.YEAR.name]:
                any_years.update(map(table.values[schema.YEAR.name].__getitem__, before_dates))
        for name in schema.FACETS:
            values = table.values[name]
            if values:
                facets[name].update(map(values.__getitem__, matched))
        key = _sort_key(table, sort, matched, words, weights)
        best = heapq.nlargest(want, _contenders(matched, sort, want), key=key)
        candidates += [(key(d), d, subsearcher) for d in best]
    candidates.sort(key=lambda c: c[0], reverse=True)
    page_docs = candidates[(page - 1) * per_page : want]
    ids = [int(sub.stored_fields(d)[schema.ARTICLE_ID.name]) for _, d, sub in page_docs]
    for counter in (*facets.values(), any_years):
        counter.pop("", None)
    return Results(ids, total, facets, (any_total, any_years) if dated else None)
