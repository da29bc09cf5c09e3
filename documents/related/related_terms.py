"""What makes documents related: the words a text shares with few others, weighted by TF-IDF, and the documents
whose distinctive words overlap most. Plain functions; documents.related.related_index stores and keeps their results.

A document's terms are its TERMS heaviest jieba words (the search's own segmentation, search.analysis.words),
weighted (1 + ln tf) · ln(N / df) and scaled to unit length. Words held by one document only (nothing to share),
by more than MAX_SHARE of the archive (条例, 人民政府: they relate everything), numbers and 条 numbers
(第一百一十一条 is in every long law) are left out. Two documents' relatedness is the sum, over the words in both
lists, of the products of their weights (a cosine of the two lists): sharing 排气 and 机动车 counts, sharing 规定
does not.
"""

import math
import re
from collections import Counter

from ..search import analysis

TERMS = 40  # words kept a document
RELATED = 5  # documents listed
MAX_SHARE = 0.2  # a word in more of the archive's documents than this share relates nothing
MIN_SCORE = 0.05  # below this, two documents share a word or two by chance (seen on the test corpus)
MAX_WORD = 20  # TermFrequency.term's length: longer "words" are runs of Latin letters or digits

_NUMBER = re.compile(r"第?[〇零一二三四五六七八九十百千万两0-9.]+[条款项章节编号年月日届次]?")


def word_counts(text):
    """{word: occurrences} of the words of `text` that may make it related to another."""
    return Counter(
        word for word in analysis.words(text) if 2 <= len(word) <= MAX_WORD and not _NUMBER.fullmatch(word)
    )


def weigh(counts, frequencies, documents, counted=True):
    """The document's TERMS distinctive words: {word: weight}, of unit length.

    `frequencies`: {word: documents holding it}; `documents`: how many documents were counted. `counted`: whether
    this document was among them (a full computation) or not (a document saved since, weighed against the last
    full computation's figures: a word one other document holds counts 1 there)."""
    own = 0 if counted else 1
    most = max(2, MAX_SHARE * (documents + own))
    weights = {}
    for word, count in counts.items():
        held = frequencies.get(word, 0) + own
        if 2 <= held <= most:
            weights[word] = (1 + math.log(count)) * math.log((documents + own) / held)
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TERMS]
    norm = math.sqrt(sum(weight * weight for _, weight in top))
    return {word: weight / norm for word, weight in top if norm}


def scores(terms, postings):
    """{other document: relatedness} of the document whose terms are `terms`, through `postings` ({word:
    [(document, weight)]} of the documents holding the word among their terms)."""
    found = Counter()
    for word, weight in terms.items():
        for other, other_weight in postings.get(word, ()):
            found[other] += weight * other_weight
    return found


def best(found, excluded=(), groups=None):
    """The RELATED most related documents of `found` ({document: score}) as [(document, score)], highest first
    (ties: the lower id), leaving out `excluded` (the document itself, its other versions) and chance overlaps.
    `groups` ({document: regulation id or None}): of a regulation's versions only the most related is listed."""
    ranked = sorted(
        ((other, score) for other, score in found.items() if score >= MIN_SCORE and other not in excluded),
        key=lambda item: (-item[1], item[0]),
    )
    chosen, listed_groups = [], set()
    for other, score in ranked:
        group = (groups or {}).get(other)
        if group is not None:
            if group in listed_groups:
                continue
            listed_groups.add(group)
        chosen.append((other, score))
        if len(chosen) == RELATED:
            break
    return chosen
