"""Document titles reduced to a matching key: the one rule for grouping versions, resolving 《》 citations and
recognising a title typed in the search box."""

import re
import unicodedata

NATIONAL_PREFIX = "中华人民共和国"
# A year at the start (2019年政府工作报告) or in brackets at the end (宪法修正案（2004年）), as keys spell it.
_YEAR = re.compile(r"^\d{4}年度?|\(\d{4}年?\)$")
_REGION_SUFFIX = "(?:省|市|自治区|特别行政区)?"


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


def title_forms(title, issuer=""):
    """How a reader may type a document's title: (exact, shortened) sets of keys. Exact: the title's key, with or
    without the national prefix. Shortened: also without the year, or the issuer, or both (2025年中华人民共和国
    国务院政府工作报告 is 政府工作报告 or 2025年政府工作报告; 上海市住宅物业管理规定, issued by 上海, is
    住宅物业管理规定)."""
    key = title_key(title)
    exact = {k for k in [key, *prefix_variants(key)] if k}
    year = _YEAR.search(key)
    rest = key[: year.start()] + key[year.end() :] if year else key
    rests = {rest, rest.removeprefix(NATIONAL_PREFIX)}
    issuer = title_key(issuer)
    if issuer:
        region = re.compile("^" + re.escape(issuer) + _REGION_SUFFIX)
        rests |= {region.sub("", r) for r in rests}
    forms = set(rests)
    if year:
        forms |= {year.group() + r if year.start() == 0 else r + year.group() for r in rests}
    return exact, {form for form in forms if form} - exact
