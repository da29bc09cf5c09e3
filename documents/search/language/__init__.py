"""What a typed query means and what it may cost: the query language, equivalent forms, periods, relaxing, snippets' marks."""
