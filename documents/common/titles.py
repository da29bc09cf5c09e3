"""Document titles reduced to a matching key: the one rule for grouping versions, resolving 《》 citations and
recognising a title typed in the search box; and the looser key a repeal sentence's titles are matched with."""

import re
import unicodedata

NATIONAL_PREFIX = "中华人民共和国"
# A year at the start (2019年政府工作报告) or in brackets at the end (宪法修正案（2004年）), as keys spell it.
_YEAR = re.compile(r"^\d{4}年度?|\(\d{4}年?\)$")
_REGION_SUFFIX = "(?:省|市|自治区|特别行政区)?"


# A title quoted inside a citation is written 〈〉 (《关于修改〈上海市公路管理条例〉的决定》), in a title 《》.
_INNER_QUOTES = str.maketrans("〈〉", "《》")


# The issuing organs a title opens with, before its 关于 (最高人民法院、最高人民检察院关于…): each ends so.
_ORGAN = re.compile(r"(?:院|部|委员会|局|署|厅|办公室|银行|会|政府)$")
# National organs a citation may leave out before 关于 (最高人民法院2012年发布的《关于适用…的解释》).
_NATIONAL_ORGANS = re.compile(r"^(?:最高人民法院|最高人民检察院|国务院|全国人民代表大会常务委员会|中央军事委员会)+(?=关于)")
# Written between names in one title, and not always the same way: 偷税、抗税 is 偷税抗税.
_LOOSE = re.compile(r"[、，,·《》]")


def title_key(title):
    """Equal for titles that differ only in whitespace, full-width/half-width forms (（） and (), Ａ and A), the
    inner quotation marks (〈〉 and 《》) or the separator between the issuing organs they open with
    (最高人民法院 最高人民检察院关于… and 最高人民法院、最高人民检察院关于…)."""
    folded = unicodedata.normalize("NFKC", title or "").translate(_INNER_QUOTES)
    key = "".join(folded.split())
    organs, about, rest = key.partition("关于")
    if about and "、" in organs and all(_ORGAN.search(name) for name in organs.split("、")):
        key = organs.replace("、", "") + about + rest
    return key


def loose_key(title):
    """A looser key for titles written in passing (a repeal sentence's 《…》同时废止): the title key without the
    national prefix anywhere, without the punctuation between names and quoted titles, and without the national
    organs that open a 关于… title. Equal for 《最高人民法院关于审理偷税、抗税刑事案件…》 and
    《最高人民法院关于审理偷税抗税刑事案件…》, for 《关于适用〈中华人民共和国刑事诉讼法〉的解释》 and
    《最高人民法院关于适用《刑事诉讼法》的解释》."""
    key = _LOOSE.sub("", title_key(title).replace(NATIONAL_PREFIX, ""))
    return _NATIONAL_ORGANS.sub("", key)


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
