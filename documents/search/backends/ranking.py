"""The relevance order both backends follow, as values (Name, Weights): what the whole query names, then tiers,
then BM25 in bands (docs/search.md, Recall and ranking); the Whoosh engine evaluates them, the OpenSearch backend
turns them into constant scores.

Documents the whole query names come first: by their full 文号 > by their title (title_key, with or without
中华人民共和国) > by their title without its year or issuer (政府工作报告, 2019年政府工作报告). Then tiers, summed
over the query's words: the string in the title > in the byline (speaker, position, meeting, issuer) > in the
body > only its jieba words; inside a tier BM25 on the words, in bands of BM25_BAND, then newest first.
"""

from dataclasses import dataclass

from ...legislation import genres
from ..language import equivalents
from .. import schema
from ..analysis import compact_key


@dataclass(frozen=True)
class Weights:
    """What a clause's string adds to a document's tier when found in each field (set below, far apart
    and far above any BM25 score, so tiers never mix), and the ratio of the bands in which BM25 scores count as
    equal."""

    title: float
    byline: float
    body: float
    band: float  # 1: BM25 as is
    equivalent: float = 0.0  # the share of these a variant by equivalent terms weighs (equivalents.SHARE)
    explanatory: tuple = ()  # genres (schema.GENRE values) of texts about rules: cases, explainers
    commentary: float = 1.0  # what their tier is multiplied by (ranking.COMMENTARY_SHARE)
    period: float = 0.0  # added to the tier of a document dated in the period the query names
    passage: float = 0.0  # added to the tier of a document holding every term within one passage of its text
    passage_chars: int = 0  # how close that is (about a 条)
    passage_checks: int = 0  # cost bound: how many documents of the highest tiers are checked
    passage_terms: int = 0  # cost bound: queries of more terms are not placed

    def of_string_field(self, fieldname):
        return {schema.TITLE_BIGRAMS.name: self.title, schema.TEXT_BIGRAMS.name: self.body}[fieldname]


@dataclass(frozen=True)
class Name:
    """A key by which the whole query may name documents (their 文号, their title's forms) in a field of exact
    keys, and the tier of the documents it names."""

    field: str
    key: str
    weight: float


# What the whole query names, then tiers: far apart, and far above any BM25 score of the words.
DOC_NUMBER_SCORE = 1e9
TITLE_KEY_SCORE = 1e8
TITLE_FORM_SCORE = 1e7
TITLE_SCORE = 10_000.0
BYLINE_SCORE = 5_000.0
BODY_SCORE = 1_000.0
# BM25 scores count as equal inside geometric bands 25 % wide, where the date decides (newest first): smaller
# differences are noise of length and repetition. Dates only break ties: an old law that matches clearly better
# stays before a new one.
BM25_BAND = 1.25
# Rules before commentary: a case or an explainer (genres.EXPLANATORY) weighs this share of its tier, so that
# its title repeating the query (TITLE_SCORE) stays below a rule holding the query in its text (BODY_SCORE).
COMMENTARY_SHARE = 0.09
# A document dated in the period the query names (periods.py: 八十年代) rises above others of its tier, and not
# above a tier higher: the string in the body of a document of the time before the same in a later one.
PERIOD_SCORE = BODY_SCORE / 2
# A document holding every term of the query within PASSAGE_CHARS of its text (about one 条 or paragraph) rises
# above one holding them scattered (a code matching in one 条 against a text holding each word somewhere); checked
# on the PASSAGE_CHECKS documents of the highest tiers, a cost bound.
PASSAGE_SCORE = BODY_SCORE / 2
PASSAGE_CHARS = 150
PASSAGE_CHECKS = 200
PASSAGE_MAX_TERMS = 3  # cost bound: placing a term reads its postings again (positions); a need has few terms
# A 文号 shorter than this (2017, 47号) names nothing by itself.
MIN_DOC_NUMBER = 4


def names(parsed):
    """[engine.Name] of what the whole query may name, the highest weight first: its text as a 文号, its positive
    clauses together as a title. A query with a period (2019年 政府工作报告) names with the period's words first,
    then (a tenth of the weight) without them: 1982年 宪法 names the 宪法."""
    number = compact_key(parsed.cleaned)
    title = compact_key(" ".join(clause.text for clause in parsed.positive))
    found = [Name(schema.DOC_NUMBER.name, number if len(number) >= MIN_DOC_NUMBER else "", DOC_NUMBER_SCORE)]
    if parsed.period is not None:
        dated = compact_key(parsed.period.text) + title
        found += [Name(schema.TITLE_KEYS.name, dated, TITLE_KEY_SCORE),
                  Name(schema.TITLE_FORMS.name, dated, TITLE_FORM_SCORE)]
        return found + [Name(schema.TITLE_KEYS.name, title, TITLE_KEY_SCORE / 10),
                        Name(schema.TITLE_FORMS.name, title, TITLE_FORM_SCORE / 10)]
    return found + [
        Name(schema.TITLE_KEYS.name, title, TITLE_KEY_SCORE),
        Name(schema.TITLE_FORMS.name, title, TITLE_FORM_SCORE),
    ]


def weights():
    return Weights(
        title=TITLE_SCORE, byline=BYLINE_SCORE, body=BODY_SCORE, band=BM25_BAND, equivalent=equivalents.SHARE,
        explanatory=tuple(sorted(genres.EXPLANATORY)), commentary=COMMENTARY_SHARE, period=PERIOD_SCORE,
        passage=PASSAGE_SCORE, passage_chars=PASSAGE_CHARS, passage_checks=PASSAGE_CHECKS,
        passage_terms=PASSAGE_MAX_TERMS,
    )
