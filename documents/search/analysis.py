"""Chinese text analysis for the Whoosh index: jieba words plus character bigrams.

Two representations of the same text are indexed side by side:

- words: jieba's precise-mode segmentation, each word with its frequency in the document (no positions), scored
  with BM25 for ranking;
- bigrams: every run of letters/digits/CJK characters cut into overlapping character pairs, plus the run's last
  character alone. A phrase over a string's bigrams finds every document containing that string, whatever
  jieba does with it (recall as SQL LIKE); a single character is a prefix search over the same terms
  (engine.py evaluates both). Positions are packed (PackedPositions): they are most of the index.

Both normalise with NFKC (full-width Latin and digits become ASCII), lowercase and fold traditional and simplified
characters alike (scripts.py), in the index and in queries.
Only `jieba` is imported: `jieba.analyse` would load a 100 MB TF-IDF table nobody here uses.
"""

import functools
import re
import threading
import unicodedata
from array import array
from collections import Counter, defaultdict
from itertools import accumulate
from operator import sub

import jieba
from whoosh import formats
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.system import pack_uint

from .text.scripts import fold

jieba.setLogLevel(60)  # jieba logs its dictionary loading at DEBUG by default
_jieba_lock = threading.Lock()

# A run: letters, digits and CJK characters (\w without the underscore). Punctuation and spaces end a run.
RUN = re.compile(r"[^\W_]+")


def normalize(text):
    return fold(unicodedata.normalize("NFKC", text).lower())


def load_dictionary():
    """Load jieba's dictionary once per process (0.5 s, 80 MB); the cache goes to the temp dir."""
    if not jieba.dt.initialized:
        with _jieba_lock:
            jieba.initialize()


@functools.lru_cache(maxsize=200_000)
def _cut(run):
    return tuple(word for word in jieba.cut(run, HMM=True) if word.strip())


def words(text):
    """jieba words of `text` (normalised), without punctuation and spaces. Each run is cut on its own (jieba
    splits at punctuation too), and runs recur in legal texts (第一条, 县级以上人民政府 ...): a cache saves
    about a third of the segmenting, the slowest part of building the index."""
    load_dictionary()
    for run in runs(text):
        yield from _cut(run)


def runs(text):
    """The runs of letters/digits/CJK characters of `text` (normalised)."""
    return RUN.findall(normalize(text))


def compact_key(value):
    """A 文号 or a title reduced to its letters, digits and characters, as a query is compared with it:
    〔2017〕47号, [2017]47号 and 2017 47 号 agree, and so do 《民法典》 and 民法典."""
    return "".join(runs(value or ""))


def bigram_positions(text):
    """{term: [positions]} of the bigram representation (see the module docstring). A run's bigrams and its
    last character take consecutive positions; one position is left empty between runs, so that bigrams two
    apart (engine.cover) can only match inside one run."""
    positions = defaultdict(list)
    pos = 0
    for run in runs(text):
        n = len(run)
        for i in range(n - 1):
            positions[run[i : i + 2]].append(pos + i)
        positions[run[-1]].append(pos + n - 1)
        pos += n + 1
    return positions


def run_terms(run):
    """The bigram terms of one query run, in position order (a single character stands alone)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def bigram_query_positions(text):
    """The bigrams a query string must match: like bigram_positions, without the runs' last characters alone
    (in a document the run usually goes on after the query's last character)."""
    positions = defaultdict(list)
    pos = 0
    for run in runs(text):
        for i, term in enumerate(run_terms(run)):
            positions[term].append(pos + i)
        pos += len(run) + 1
    return positions


def word_positions(text):
    positions = defaultdict(list)
    for pos, word in enumerate(words(text)):
        positions[word].append(pos)
    return positions


class _Tokenizer(Tokenizer):
    """Turns a {term: positions} function into a Whoosh token stream (used for queries and highlighting)."""

    query_terms_of = None

    def __init__(self, terms_of, query_terms_of=None):
        self.terms_of, self.query_terms_of = terms_of, query_terms_of

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize(value)
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        terms_of = (mode == "query" and self.query_terms_of) or self.terms_of
        pairs = sorted((pos, term) for term, poses in terms_of(value).items() for pos in poses)
        for pos, term in pairs:
            token.text = token.original = term
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + pos
            if chars:
                # Character offsets are not tracked (our highlighter works on the text itself); Whoosh's query
                # parser only wants them present.
                token.startchar, token.endchar = start_char + pos, start_char + pos + len(term)
            yield token


def ChineseWordAnalyzer():
    return _Tokenizer(word_positions)


def BigramAnalyzer():
    return _Tokenizer(bigram_positions, bigram_query_positions)


# Typecodes of 1, 2 and 4 bytes a delta ('I' is 4 bytes wherever CPython runs on 32- or 64-bit Unix and Windows).
PACKED_WIDTHS = ("B", "H", "I")


class PackedPositions(formats.Positions):
    """Positions as their deltas in an array of the narrowest width that holds them, behind a byte naming it.
    Whoosh's Positions pickles a list behind a 4-byte count (about 12 bytes a posting and 2-3 a position); most
    postings of a bigram hold one or two positions, so this is what decides the index's size (bench/scale.py).
    Decoding stays at C speed: bytes and arrays iterate natively, accumulate sums them."""

    def encode(self, poslist):
        deltas = [poslist[0], *map(sub, poslist[1:], poslist)]
        top = max(deltas)
        code = 0 if top < 0x100 else 1 if top < 0x10000 else 2
        return bytes((code,)) + array(PACKED_WIDTHS[code], deltas).tobytes()

    def decode_positions(self, valuestring):
        return list(accumulate(packed_deltas(valuestring)))

    def decode_frequency(self, valuestring):
        return len(packed_deltas(valuestring))

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


def packed_deltas(valuestring):
    """The deltas of a PackedPositions value, as bytes or an array."""
    code = valuestring[0]
    if code == 0:
        return valuestring[1:]
    return array(PACKED_WIDTHS[code], valuestring[1:])


class _FastTextField(TEXT):
    """A TEXT field whose index() builds postings straight from {term: positions}, without Token objects:
    building the index is dominated by this loop. Weights are whole term frequencies (ints): Whoosh pickles a
    block's weights, and a float takes 9 bytes where a small int takes 2."""

    def __init__(self, analyzer, stored=False, phrase=True):
        super().__init__(analyzer=analyzer, phrase=phrase, stored=stored)


class WordsField(_FastTextField):
    """jieba words with their frequencies, no positions: they rank (BM25) and tell which documents hold a word;
    where a string is is the bigrams' job."""

    def __init__(self, stored=False):
        super().__init__(ChineseWordAnalyzer(), stored=stored, phrase=False)

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        for term, count in Counter(words(value)).items():
            yield term.encode("utf-8"), count, count, pack_uint(count)


class BigramField(_FastTextField):
    def __init__(self, stored=False):
        super().__init__(BigramAnalyzer(), stored=stored)
        self.format = PackedPositions(field_boost=1.0)

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        encode = self.format.encode
        for term, poses in bigram_positions(value).items():
            # Weight 1 whatever the frequency: nothing reads a bigram's weight (BM25 ranks on the words), and a
            # block whose weights are all 1 stores none (a float each otherwise: 9 bytes a posting).
            yield term.encode("utf-8"), len(poses), 1.0, encode(poses)
