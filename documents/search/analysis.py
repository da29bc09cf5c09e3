"""Chinese text analysis for the Whoosh index: jieba words plus character bigrams.

Two representations of the same text are indexed side by side:

- words: jieba's precise-mode segmentation, one position per kept word (consecutive, so phrase queries work),
  scored with BM25 for ranking;
- bigrams: every run of letters/digits/CJK characters cut into overlapping character pairs, plus the run's last
  character alone. A phrase over a string's bigrams finds every document containing that string, whatever
  jieba does with it (recall as SQL LIKE); a single character is a prefix search over the same terms
  (engine.py evaluates both).

Both normalise with NFKC (full-width Latin and digits become ASCII), lowercase and fold traditional and simplified
characters alike (scripts.py), in the index and in queries.
Only `jieba` is imported: `jieba.analyse` would load a 100 MB TF-IDF table nobody here uses.
"""

import functools
import re
import threading
import unicodedata
from collections import defaultdict

import jieba
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT

from .scripts import fold

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


class _FastTextField(TEXT):
    """A TEXT field whose index() builds postings straight from {term: positions}, without Token objects:
    building the index is dominated by this loop."""

    terms_of = None

    def __init__(self, analyzer, stored=False, field_boost=1.0):
        super().__init__(analyzer=analyzer, phrase=True, stored=stored, field_boost=field_boost)

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        fmt = self.format
        boost = fmt.field_boost
        for term, poses in type(self).terms_of(value).items():
            yield term.encode("utf-8"), len(poses), len(poses) * boost, fmt.encode(poses)


class WordsField(_FastTextField):
    terms_of = staticmethod(word_positions)

    def __init__(self, stored=False, field_boost=1.0):
        super().__init__(ChineseWordAnalyzer(), stored=stored, field_boost=field_boost)


class BigramField(_FastTextField):
    terms_of = staticmethod(bigram_positions)

    def __init__(self, stored=False, field_boost=1.0):
        super().__init__(BigramAnalyzer(), stored=stored, field_boost=field_boost)

