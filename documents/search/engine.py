"""Query evaluation over the Whoosh index's segments, with sets and dicts instead of Whoosh's matchers.

Whoosh's collector costs about 25 µs a matching document (scoring, facet keys, heap) and its phrase query
runs on span objects; a common query matches thousands of documents and the total and the facets need them
all. Here the postings of each term are read block by block into dicts (C-speed), phrases are checked with
set arithmetic on the decoded positions, BM25 is computed inline, and filters and facets use per-segment
tables built once per segment version. Whoosh remains the index format, the writer and the locking.
"""

import heapq
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from functools import reduce
from itertools import accumulate
from operator import and_
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE

from . import analysis

FACET_FIELDS = ("column", "kind", "year", "speaker", "meeting", "validity")
UNDATED = 2**63  # Whoosh stores a missing sortable date as the column's maximum
K1, B = 1.2, 0.75
TITLE_WORD_WEIGHT = 2.0


# --- postings -------------------------------------------------------------------------------------------------


class PostingsCache:
    """Decoded postings of the most recently used terms, bounded by their total number of postings. Common
    bigrams and words (人民, 规定, 条例 ...) come back in query after query; decoding their blocks is most of a
    query's time. Segments never change their postings, so (segment, field, term) is a safe key."""

    def __init__(self, max_postings):
        self.max_postings, self.size, self.entries = max_postings, 0, OrderedDict()
        self.lock = threading.Lock()

    def get(self, reader, fieldname, term):
        key = (reader.segment().segment_id(), fieldname, term)
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        found = _read_postings(reader, fieldname, term)
        if len(found) * 4 <= self.max_postings:
            with self.lock:
                if key not in self.entries:
                    self.entries[key] = found
                    self.size += len(found)
                while self.size > self.max_postings:
                    _, evicted = self.entries.popitem(last=False)
                    self.size -= len(evicted)
        return found


_cache = PostingsCache(max_postings=200_000)  # about 40 MB a process


def postings(reader, fieldname, term):
    """{docnum: (frequency, encoded positions)} of one term in one segment; {} when absent."""
    if (fieldname, term) not in reader:
        return {}
    return _cache.get(reader, fieldname, term)


def _read_postings(reader, fieldname, term):
    matcher = reader.postings(fieldname, term)
    out = {}
    if isinstance(matcher, W3LeafMatcher):
        while not matcher._atend:  # whole blocks at a time: the per-posting API costs ~2 µs a call
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            out.update(zip(matcher._ids, zip(matcher._weights, matcher._values)))
            matcher._next_block()
    else:  # a term inlined in the term info (a single posting)
        while matcher.is_active():
            out[matcher.id()] = (matcher.weight(), matcher.value())
            matcher.next()
    return out


def _positions(value):
    """whoosh.formats.Positions decoding with the running sum done in C: a count, then pickled deltas."""
    return set(accumulate(loads(value[_INT_SIZE:])))


def cover(run):
    """The bigrams (with their offsets) that pin down a run: every other one, plus the last. Exact because
    runs are a position apart in the index (see analysis.bigram_positions)."""
    if len(run) == 1:
        return [(0, run)]
    offsets = list(range(0, len(run) - 1, 2))
    if offsets[-1] != len(run) - 2:
        offsets.append(len(run) - 2)
    return [(o, run[o : o + 2]) for o in offsets]


def doc_ids(reader, fieldname, term):
    """The document numbers of one term's postings (ids only: cheaper than postings())."""
    if (fieldname, term) not in reader:
        return set()
    matcher = reader.postings(fieldname, term)
    if not isinstance(matcher, W3LeafMatcher):
        return set(matcher.all_ids())
    found = set()
    while not matcher._atend:
        matcher._read_ids()
        found.update(matcher._ids)
        matcher._next_block()
    return found


def run_matches(reader, fieldname, run, word_field=None):
    """The documents (docnums) whose field contains `run` (letters/digits/CJK, normalised). When jieba keeps
    the run as one word, the documents holding that word in `word_field` (the same text cut by jieba)
    certainly contain it: only the others need their positions checked."""
    if len(run) == 1:
        found = set()
        for term in reader.expand_prefix(fieldname, run):
            found |= doc_ids(reader, fieldname, term)
        return found
    pieces = cover(run)
    if len(pieces) == 1:
        return doc_ids(reader, fieldname, pieces[0][1])
    lists = {term: postings(reader, fieldname, term) for _, term in pieces}
    if not all(lists.values()):
        return set()
    sure = doc_ids(reader, word_field, run) if word_field and list(analysis.words(run)) == [run] else set()
    # Rarest first: the candidate set shrinks fastest.
    pieces.sort(key=lambda piece: len(lists[piece[1]]))
    candidates = reduce(and_, (lists[term].keys() for _, term in pieces)) - sure
    first_offset, first_term = pieces[0]
    rest = [(offset - first_offset, lists[term]) for offset, term in pieces[1:]]
    found = set(sure)
    for docnum in candidates:
        starts = _positions(lists[first_term][docnum][1])
        for delta, plist in rest:
            positions = _positions(plist[docnum][1])
            starts = {s for s in starts if s + delta in positions}
            if not starts:
                break
        else:
            found.add(docnum)
    return found


WORD_FIELD = {"text_bigrams": "text", "title_bigrams": "title"}


def string_matches(reader, fieldname, runs):
    """The documents containing every run of a clause's string (punctuation splits a string into runs)."""
    results = [run_matches(reader, fieldname, run, WORD_FIELD.get(fieldname)) for run in runs]
    return reduce(and_, results) if results else set()


# --- per-segment tables ---------------------------------------------------------------------------------------


class SegmentTables:
    """What filtering, faceting and sorting need, per document of one segment version."""

    def __init__(self, reader):
        self.live = set(reader.all_doc_ids())
        self.values = {}
        self.by_value = {}
        for name in FACET_FIELDS:
            column = list(reader.column_reader(name)) if reader.has_column(name) else []
            self.values[name] = column
            index = defaultdict(set)
            for docnum, value in enumerate(column):
                if value:
                    index[value].add(docnum)
            self.by_value[name] = index
        self.dates = list(reader.column_reader("date", translate=False)) if reader.has_column("date") else []
        self.lengths = {f: [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())]
                        for f in ("title", "text")}


_tables = {}


def tables(reader):
    segment = reader.segment()
    key = (segment.segment_id(), segment.deleted_count())
    if key not in _tables:
        if len(_tables) > 64:
            _tables.clear()
        _tables[key] = SegmentTables(reader)
    return _tables[key]


# --- scoring ----------------------------------------------------------------------------------------------------


class Scorer:
    """BM25 over the jieba words, with collection statistics of the whole index."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.n = max(1, searcher.doc_count_all())
        self.avg = {f: max(1.0, searcher.field_length(f) / self.n) for f in ("title", "text")}

    def idf(self, fieldname, term):
        return math.log(self.n / (self.searcher.doc_frequency(fieldname, term) + 1)) + 1

    def word_scores(self, reader, table, words):
        """{docnum: BM25} of the documents containing all `words` in the title or all in the text."""
        scores = {}
        for fieldname, weight in (("text", 1.0), ("title", TITLE_WORD_WEIGHT)):
            lists = [(self.idf(fieldname, w), postings(reader, fieldname, w)) for w in words]
            if not lists or not all(plist for _, plist in lists):
                continue
            common = reduce(and_, (plist.keys() for _, plist in lists))
            lengths, avg = table.lengths[fieldname], self.avg[fieldname]
            for docnum in common:
                norm = K1 * ((1 - B) + B * lengths[docnum] / avg)
                score = sum(idf * plist[docnum][0] * (K1 + 1) / (plist[docnum][0] + norm) for idf, plist in lists)
                scores[docnum] = scores.get(docnum, 0.0) + weight * score
        return scores


# --- evaluation ---------------------------------------------------------------------------------------------------


def _clause_scores(reader, table, scorer, clause, tiers):
    title_score, body_score = tiers
    runs = clause.runs
    scores = defaultdict(float)
    for docnum in string_matches(reader, "title_bigrams", runs):
        scores[docnum] += title_score
    for docnum in string_matches(reader, "text_bigrams", runs):
        scores[docnum] += body_score
    if not clause.phrase:
        words = clause.words
        if words:
            for docnum, score in scorer.word_scores(reader, table, words).items():
                scores[docnum] += score
    return scores


def evaluate_segment(reader, table, scorer, parsed, doc_number_key, filter_terms, date_range, tiers):
    """{docnum: score} of the live documents of one segment that match the query and the filters."""
    if parsed.groups:
        matched = None
        for group in parsed.groups:
            group_scores = defaultdict(float)
            for clause in group:
                for docnum, score in _clause_scores(reader, table, scorer, clause, tiers[:2]).items():
                    group_scores[docnum] += score
            if matched is None:
                matched = group_scores
            else:
                matched = {d: s + group_scores[d] for d, s in matched.items() if d in group_scores}
        if doc_number_key:
            for docnum in postings(reader, "doc_number", doc_number_key):
                matched[docnum] = matched.get(docnum, 0.0) + tiers[2]
    else:
        matched = dict.fromkeys(table.live, 0.0)
    allowed = table.live
    for name, value in filter_terms:
        allowed = allowed & table.by_value[name].get(value, set())
    excluded = set()
    for clause in parsed.excluded:
        for fieldname in ("title_bigrams", "text_bigrams"):
            excluded.update(string_matches(reader, fieldname, clause.runs))
    keep = matched.keys() & allowed
    if excluded:
        keep -= excluded
    if date_range:
        start, end = date_range
        dates = table.dates
        keep = {d for d in keep if dates[d] < UNDATED and start <= dates[d] <= end}
    return {d: matched[d] for d in keep}


def run(searcher, parsed, *, filter_terms, date_range, sort, page, per_page, doc_number_key, tiers):
    """(django ids of the page's documents, total, {facet: Counter}) over all segments."""
    scorer = Scorer(searcher)
    total, facets, candidates = 0, {name: Counter() for name in FACET_FIELDS}, []
    want = page * per_page
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if reader.segment() is None:
            continue  # an empty index
        table = tables(reader)
        matched = evaluate_segment(reader, table, scorer, parsed, doc_number_key, filter_terms, date_range, tiers)
        total += len(matched)
        for name in FACET_FIELDS:
            values = table.values[name]
            if values:
                facets[name].update(map(values.__getitem__, matched))
        dates = table.dates or [UNDATED] * reader.doc_count_all()

        def newer(d):  # undated documents count as oldest
            return dates[d] if dates[d] < UNDATED else -1

        if sort == "relevance":
            # Within a tier an older version of a regulation (已被修改) comes after the others, so the version in
            # force leads when both match alike; then the score; ties: newest first.
            amended, tier = table.by_value["validity"].get("amended", ()), tiers[1]
            key = lambda d: (matched[d] // tier, d not in amended, matched[d], newer(d))  # noqa: E731
        elif sort == "newest":
            key = newer
        else:
            key = lambda d: -dates[d]  # noqa: E731 - undated (the maximum) last
        candidates += [(key(d), d, subsearcher) for d in heapq.nlargest(want, matched, key=key)]
    candidates.sort(key=lambda c: c[0], reverse=True)
    ids = [int(sub.stored_fields(d)["django_id"]) for _, d, sub in candidates[(page - 1) * per_page : want]]
    for counter in facets.values():
        counter.pop("", None)
    return ids, total, facets
