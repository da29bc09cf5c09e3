"""Matching text that knows no index: traditional and simplified folded alike, many short strings at once, a long text's passages."""
