"""A parsed query run through haystack's SearchQuerySet: the path of engines other than the project's Whoosh one
(Elasticsearch), ranked by that engine. The same parsing, filters and facets; the tiers are Whoosh's only."""

from functools import reduce
from operator import or_

from haystack.inputs import AutoQuery, Exact
from haystack.query import SQ, SearchQuerySet

from ..models import Article
from . import analysis, schema
from .interface import Found
from .parsing import normalize_input

# Elasticsearch returns a terms aggregation's 10 largest values unless told: the chart needs every year.
ALL_VALUES = {schema.YEAR.name: 1000}


def _string(clause):
    """Documents containing the clause's string, in the title or the text."""
    return _containing(" ".join(clause.runs))


def _containing(text):
    return reduce(or_, (SQ(**{fieldname: Exact(text)}) for fieldname in schema.STRING_FIELDS))


def _forms(clause):
    """Documents containing the clause's string or one of its variants by equivalent terms; and the string unfolded:
    another engine's index keeps each document's own script (scripts.py folds only Whoosh's)."""
    texts = {" ".join(form.runs) for form in (clause, *clause.equivalents)}
    texts.add(" ".join(analysis.RUN.findall(normalize_input(clause.text).lower())))
    return reduce(or_, map(_containing, sorted(texts)))


def _matching(sqs, parsed, filters):
    for group in parsed.groups:
        options = []
        for clause in group:
            options.append(_forms(clause))
            if not clause.phrase:
                options.append(SQ(content=AutoQuery(" ".join(clause.words))))
        sqs = sqs.filter(reduce(or_, options))
    for clause in parsed.excluded:
        sqs = sqs.exclude(_string(clause))
    for name in schema.FILTERS:
        if getattr(filters, name):
            sqs = sqs.filter(**{name: Exact(getattr(filters, name))})
    if filters.date_from:
        sqs = sqs.filter(**{f"{schema.DATE.name}__gte": filters.date_from})
    if filters.date_to:
        sqs = sqs.filter(**{f"{schema.DATE.name}__lte": filters.date_to})
    return sqs


def run(using, parsed, filters, sort, page, per_page):
    """The page's Found through haystack's connection `using` (the interface of interface.py)."""
    sqs = _matching(SearchQuerySet(using=using).models(Article), parsed, filters)
    if sort != "relevance":
        sqs = sqs.order_by(schema.DATE.name if sort == "oldest" else f"-{schema.DATE.name}")
    for name in schema.FACETS:
        sqs = sqs.facet(name, **({"size": ALL_VALUES[name]} if name in ALL_VALUES else {}))
    start = (page - 1) * per_page
    ids = [int(result.pk) for result in sqs[start : start + per_page]]
    counts = sqs.facet_counts().get("fields", {})
    return Found(ids, sqs.count(), {name: dict(counts.get(name, [])) for name in schema.FACETS}, parsed)
