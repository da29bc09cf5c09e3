"""Document titles reduced to a matching key: the one rule for grouping versions and resolving 《》 citations."""

import unicodedata

NATIONAL_PREFIX = "中华人民共和国"


# A title quoted inside a citation is written 〈〉 (《关于修改〈上海市公路管理条例〉的决定》), in a title 《》.
_INNER_QUOTES = str.maketrans("〈〉", "《》")


def title_key(title):
    """Equal for titles that differ only in whitespace, full-width/half-width forms (（） and (), Ａ and A) or
    the inner quotation marks (〈〉 and 《》)."""
    folded = unicodedata.normalize("NFKC", title or "").translate(_INNER_QUOTES)
    return "".join(folded.split())


def prefix_variants(key):
    """The other spelling of a national law's key: with the 中华人民共和国 prefix omitted, or added."""
    if key.startswith(NATIONAL_PREFIX):
        rest = key[len(NATIONAL_PREFIX):]
        return [rest] if rest else []
    return [NATIONAL_PREFIX + key] if key else []
