"""The project's names every index holds pickled: frozen. An index's table of contents pickles its schema (the
field, format and analysis classes and functions of analysis.py) and its segments' codec (codec.ArchiveCodec);
every postings block pickles codec.unpack_values. Renaming or moving any of them makes every existing index
unreadable: keep them where they are, or leave an alias there. tests/test_search_reference_index.py reads an index
committed in tests/fixtures and checks that a new index pickles exactly these names."""

FROZEN = (
    "documents.search.analysis.BigramField",
    "documents.search.analysis.PackedPositions",
    "documents.search.analysis.WordsField",
    "documents.search.analysis._Tokenizer",
    "documents.search.analysis.bigram_positions",
    "documents.search.analysis.bigram_query_positions",
    "documents.search.analysis.word_positions",
    "documents.search.codec.ArchiveCodec",
    "documents.search.codec.unpack_values",
)
