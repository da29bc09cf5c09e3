"""The index's fields have one owner (documents/search/schema.py): the SearchIndex, the Whoosh schema and the
Elasticsearch mapping all come from it."""

import pytest
from haystack import connections, indexes
from whoosh import formats

from documents.search import analysis, schema
from documents.search.backends.whoosh.backend import ChineseWhooshSearchBackend
from documents.search_indexes import ArticleIndex


def test_the_search_index_declares_the_schemas_fields_by_their_names():
    declared = ArticleIndex().fields
    assert {field.index_fieldname for field in declared.values()} | {"id", "django_ct", "django_id"} == set(
        schema.BY_NAME)
    assert all(field.stored == schema.BY_NAME[field.index_fieldname].stored for field in declared.values())
    schema.check_declared(declared)


def test_the_whoosh_backend_builds_the_schema_of_the_module():
    backend = connections["default"].get_backend()
    content, built = backend.build_schema(connections["default"].get_unified_index().all_searchfields())
    assert isinstance(backend, ChineseWhooshSearchBackend) and content == schema.TEXT.name
    assert sorted(built.names()) == sorted(schema.BY_NAME)
    kinds = {name: field.kind for name, field in schema.BY_NAME.items()}
    positional = {name for name, kind in kinds.items() if kind == schema.BIGRAMS}
    assert positional == {"text_bigrams", "title_bigrams"}
    assert all(type(built[name].format) is analysis.PackedPositions for name in positional)
    counted = {name for name, kind in kinds.items() if kind == schema.WORDS}
    assert counted == {"text", "title"} and all(type(built[name].format) is formats.Frequency for name in counted)
    exact = [name for name, kind in kinds.items() if kind in (schema.EXACT, schema.DATE_KIND)]
    assert all(built[name].column_type is not None for name in exact)  # filters, facets and dates read columns
    assert built[schema.DOCUMENT_ID.name].unique and built[schema.ARTICLE_ID.name].stored


def test_a_field_the_schema_does_not_name_is_refused_with_a_clear_message():
    fields = {**ArticleIndex().fields, "summary": indexes.CharField(index_fieldname="summary")}
    with pytest.raises(schema.SchemaMismatch, match=r"declares \['summary'\].*lacks \[\]"):
        connections["default"].get_backend().build_schema(fields)
    fields = {name: field for name, field in ArticleIndex().fields.items() if name != "byline"}
    with pytest.raises(schema.SchemaMismatch, match=r"lacks \['byline'\]"):
        schema.check_declared(fields)


def test_the_opensearch_mapping_gives_each_kind_its_analyser():
    from documents.search.backends.opensearch import index_body

    mapping = index_body(1)["mappings"]["properties"]
    assert set(mapping) == set(schema.BY_NAME)
    assert mapping["text"] == mapping["title"] == {"type": "text", "analyzer": schema.PRETOKENISED}
    assert mapping["text_bigrams"]["analyzer"] == mapping["title_bigrams"]["analyzer"] == schema.POSITIONED
    assert mapping["date"]["type"] == "date"
    # Exact values (filters, facets, the forms of a title) are never analysed.
    for name in ("column", "kind", "speaker", "meeting", "year", "validity", "doc_number", "byline", "title_keys",
                 "title_forms", "django_id"):
        assert mapping[name] == {"type": "keyword"}, name
