"""The embedded engine: haystack's Whoosh backend, query evaluation over its segments, the one adapter of Whoosh's internals."""
