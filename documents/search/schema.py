"""The search index's fields, named once: what each holds and how it is indexed, built into the Whoosh schema,
the OpenSearch mapping and the haystack fields of documents/search_indexes.py.

Every module that reads or writes the index (the engine, the indexer, the query, the backends) takes field names
from here. A field's `kind` says how its value is indexed, whatever haystack field class carries it:

- words:   jieba words with their positions (BM25 ranks on them; analysis.WordsField);
- bigrams: character bigrams with their positions, exact recall of any string (analysis.BigramField);
- exact:   one untokenised value with a column, for filters, facet counts and substring tests on a few hundred
           distinct values (the byline);
- keys:    several untokenised values, comma-separated (the forms of a title a reader may type whole);
- date:    a sortable date (a document without one holds the column's default: engine.py reads it from here);
- identifier: haystack's own identifiers (stored, the engine reads the article id from them).
"""

from dataclasses import dataclass

from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from whoosh.fields import DATETIME, KEYWORD, Schema
from whoosh.fields import ID as WHOOSH_ID

from .analysis import BigramField, WordsField

WORDS, BIGRAMS, EXACT, KEYS, DATE_KIND, IDENTIFIER = "words", "bigrams", "exact", "keys", "date", "identifier"
# The OpenSearch analysers of pre-tokenised texts (defined in backends/opensearch.py's index settings).
PRETOKENISED, POSITIONED = "pretokenised", "pretokenised_positions"


@dataclass(frozen=True)
class IndexField:
    name: str
    kind: str
    stored: bool = False
    document: bool = False  # haystack's content field (the one its own query parser searches)

    def whoosh(self):
        """The Whoosh field type of this field."""
        if self.kind == WORDS:
            return WordsField(stored=self.stored)
        if self.kind == BIGRAMS:
            return BigramField(stored=self.stored)
        if self.kind == EXACT:
            return WHOOSH_ID(stored=self.stored, sortable=True)
        if self.kind == KEYS:
            return KEYWORD(stored=self.stored, commas=True, scorable=True)
        if self.kind == DATE_KIND:
            return DATETIME(stored=self.stored, sortable=True)
        return WHOOSH_ID(stored=True, unique=self.name == ID)

    def opensearch(self):
        """The OpenSearch mapping of this field (backends/opensearch.py). Texts arrive pre-tokenised by analysis.py
        and are only split on spaces (PRETOKENISED); bigrams keep their positions, the empty one between runs
        included (POSITIONED), and a one-character prefix index answers single characters with one term."""
        if self.kind == WORDS:
            return {"type": "text", "analyzer": PRETOKENISED}
        if self.kind == BIGRAMS:
            return {"type": "text", "analyzer": POSITIONED, "norms": False, "index_options": "positions",
                    "index_prefixes": {"min_chars": 1, "max_chars": 1}}
        if self.kind == DATE_KIND:
            return {"type": "date", "format": "strict_date"}
        return {"type": "keyword"}

    def haystack(self, **options):
        """The haystack field that prepares this field's value (options: model_attr ...); its class only decides
        the value's Python type, never how it is indexed."""
        common = {"index_fieldname": self.name, "stored": self.stored, **options}
        if self.kind in (WORDS, BIGRAMS) and self.document:
            return indexes.CharField(document=True, **common)
        if self.kind == KEYS:
            return indexes.MultiValueField(**common)
        if self.kind == DATE_KIND:
            return indexes.DateField(null=True, **common)
        return indexes.CharField(null=True, **common)


# Words (jieba) and bigrams of the same text: the words rank, the bigrams guarantee recall.
TEXT = IndexField("text", WORDS, document=True)
TEXT_BIGRAMS = IndexField("text_bigrams", BIGRAMS)
TITLE = IndexField("title", WORDS, stored=True)
TITLE_BIGRAMS = IndexField("title_bigrams", BIGRAMS)
# Who delivered or issued it, and where (speaker, position then, meeting, issuer), one value a line: a query word
# found here weighs more than in the body (engine.SegmentTables.byline_matches).
BYLINE = IndexField("byline", EXACT)
# The title as a reader may type it whole (titles.title_forms): exactly, or without its year or issuer.
TITLE_KEYS = IndexField("title_keys", KEYS)
TITLE_FORMS = IndexField("title_forms", KEYS)
# Exact values for filters and facet counts.
COLUMN = IndexField("column", EXACT, stored=True)
KIND = IndexField("kind", EXACT, stored=True)
SPEAKER = IndexField("speaker", EXACT, stored=True)
MEETING = IndexField("meeting", EXACT, stored=True)
DOC_NUMBER = IndexField("doc_number", EXACT, stored=True)  # the 文号 as analysis.compact_key reduces it
YEAR = IndexField("year", EXACT, stored=True)
VALIDITY = IndexField("validity", EXACT, stored=True)  # 时效性 of a regulation's version; none for other documents
GENRE = IndexField("genre", EXACT, stored=True)  # 法律, 地方性法规, 案例 ... (legislation/genres.py): rules before commentary
DATE = IndexField("date", DATE_KIND, stored=True)

# haystack's identifiers: "documents.article.<pk>" (the unique key), the model, the article's id.
DOCUMENT_ID = IndexField(ID, IDENTIFIER, stored=True)
MODEL = IndexField(DJANGO_CT, IDENTIFIER, stored=True)
ARTICLE_ID = IndexField(DJANGO_ID, IDENTIFIER, stored=True)

# BM25 of the words fields, on both engines. Length normalisation b below the usual 0.75: the archive's texts run
# from a notice of a few hundred characters to a code of a few hundred thousand, and full normalisation ranked a
# short text that names a policy once above the report or law about it (bench/relevance.py's needs).
BM25_K1, BM25_B = 1.2, 0.5

FIELDS = (TEXT, TEXT_BIGRAMS, TITLE, TITLE_BIGRAMS, BYLINE, TITLE_KEYS, TITLE_FORMS, COLUMN, KIND, SPEAKER, MEETING,
          DOC_NUMBER, YEAR, VALIDITY, GENRE, DATE, DOCUMENT_ID, MODEL, ARTICLE_ID)
BY_NAME = {field.name: field for field in FIELDS}
# What a reader may filter on (the names of search.params.Filters' fields) and what results are counted by.
FILTERS = (COLUMN.name, KIND.name, SPEAKER.name, MEETING.name, VALIDITY.name, GENRE.name)
FACETS = (COLUMN.name, KIND.name, YEAR.name, SPEAKER.name, VALIDITY.name, GENRE.name)
# Where a query's string is looked for in full (the byline is matched on its values), each with the field holding
# the jieba words of the same text.
STRING_FIELDS = {TITLE_BIGRAMS.name: TITLE.name, TEXT_BIGRAMS.name: TEXT.name}


class SchemaMismatch(Exception):
    """The SearchIndex declares other fields than this module."""


def check_declared(declared):
    """Raise SchemaMismatch unless the SearchIndex's fields (haystack's {name: field}) are exactly FIELDS."""
    names = {field.index_fieldname for field in declared.values()} | {ID, DJANGO_CT, DJANGO_ID}
    if names != set(BY_NAME):
        raise SchemaMismatch(
            f"search_indexes.py declares {sorted(names - set(BY_NAME))} beyond documents/search/schema.py and "
            f"lacks {sorted(set(BY_NAME) - names)}: declare each field with schema.<FIELD>.haystack()"
        )


def whoosh_schema():
    return Schema(**{field.name: field.whoosh() for field in FIELDS})


def opensearch_mapping():
    return {field.name: field.opensearch() for field in FIELDS}
