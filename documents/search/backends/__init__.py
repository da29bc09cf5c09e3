"""The search backends behind one contract (search/interface.py): each a class with run_query(parsed, filters,
sort, page, per_page) returning a Found."""
