"""Low-level rules every other part uses: stored text, partial dates, Chinese numerals, title keys."""
