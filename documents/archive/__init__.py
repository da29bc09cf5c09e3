"""The public site: pages, views, JSON, feeds, sitemaps, the page cache, search's web side."""
