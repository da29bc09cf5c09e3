"""Document titles reduced to a matching key: the one rule for grouping versions and resolving 《》 citations."""

import unicodedata

NATIONAL_PREFIX = "中华人民共和国"


def title_key(title):
    """Equal for titles that differ only in whitespace or full-width/half-width forms (（） and (), Ａ and A)."""
    folded = unicodedata.normalize("NFKC", title or "")
    return "".join(folded.split())


def prefix_variants(key):
    """The other spelling of a national law's key: with the 中华人民共和国 prefix omitted, or added."""
    if key.startswith(NATIONAL_PREFIX):
        rest = key[len(NATIONAL_PREFIX):]
        return [rest] if rest else []
    return [NATIONAL_PREFIX + key] if key else []
