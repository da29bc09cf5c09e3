"""What a regulation's own words say about its force: its 施行日期, the titles it repeals, a 修订沿革 event that
repeals it."""

import datetime
import re

from ..common.numerals import CHARACTERS as NUMERAL_CHARACTERS
from ..common.numerals import to_int
from ..common.titles import title_key

_NUMBER = rf"[0-9０-９{NUMERAL_CHARACTERS}]+"
_DATE = rf"(?P<year>{_NUMBER})\s*年\s*(?P<month>{_NUMBER})\s*月\s*(?P<day>{_NUMBER})\s*日"
_ON_PUBLICATION = r"(?:公布|发布|颁布|印发|公告|通过)之日"
# 本条例自2025年1月1日起施行 / 本法自公布之日起施行 / 本规定于一九九七年一月一日起实施
_IN_FORCE = re.compile(
    rf"(?P<own>本[^。，；\n]{{1,12}}?)?(?:自|于|从)\s*(?:(?P<published>{_ON_PUBLICATION})|{_DATE})\s*起?\s*(?:施行|实施|生效)"
)
# 废止《…》 and 《…》（…）同时废止: the titles a document repeals.
_REPEALS = re.compile(r"废止《(?P<a>[^《》\n]{2,120})》|《(?P<b>[^《》\n]{2,120})》(?:（[^（）\n]{0,60}）)?\s*(?:同时|予以|即行|相应)?废止")
_QUOTED = re.compile(r"《[^《》]*》")


def effective_date(text, published=None):
    """The 施行日期 the text states, as a date; `published` (the document's date) for 自公布之日起施行.

    The statement about the document itself (本条例自…) wins over others (a 条 that takes effect later); among
    equals the last one, where laws state it. None when nothing is stated or the date does not exist
    (2025年2月30日)."""
    matches = list(_IN_FORCE.finditer(text or ""))
    own = [m for m in matches if m.group("own")]
    for match in reversed(own or matches):
        if match.group("published"):
            return published
        found = _date(match)
        if found is not None:
            return found
    return None


def _date(match):
    year, month, day = (to_int(match.group(name)) for name in ("year", "month", "day"))
    if year is None or month is None or day is None or not 1000 <= year <= 2999:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def repealed_title_keys(title, text):
    """The title keys (documents.common.titles) of the documents that `title` and `text` declare repealed."""
    keys = set()
    for source in (title or "", text or ""):
        for match in _REPEALS.finditer(source):
            key = title_key(match.group("a") or match.group("b"))
            if key:
                keys.add(key)
    return keys


def is_repeal_event(event):
    """A 修订沿革 event that repeals the document (市人大常委会决定废止), not one that merely names a decision
    about repeals (根据《国务院关于废止和修改部分行政法规的决定》修订)."""
    outside_titles = _QUOTED.sub("", event or "")
    return "废止" in outside_titles or "失效" in outside_titles
