"""Regulations: versions and 时效性, structure, provisions, 新旧对照, and 《》 citations."""
