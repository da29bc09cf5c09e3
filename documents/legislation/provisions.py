"""What a regulation's own words say about its force: its 施行日期 (this version's and the original law's), the
titles it repeals, a 修订沿革 event that repeals it, whether it is a normative text at all."""

import datetime
import re
from typing import NamedTuple

from ..common.numerals import CHARACTERS as NUMERAL_CHARACTERS
from ..common.numerals import to_int
from ..common.titles import loose_key, title_key

_NUMBER = rf"[0-9０-９{NUMERAL_CHARACTERS}]+"
_DATE = rf"(?P<year>{_NUMBER})\s*年\s*(?P<month>{_NUMBER})\s*月\s*(?P<day>{_NUMBER})\s*日"
_ON_PUBLICATION = r"(?:公布|发布|颁布|印发|公告|通过)之日"
# 本条例自2025年1月1日起施行 / 本法自公布之日起施行 / 本规定于一九九七年一月一日起实施 / 本规定自…起执行
_IN_FORCE = re.compile(
    rf"(?P<own>本[^。，；\n]{{1,12}}?)?(?:自|于|从)\s*(?:(?P<published>{_ON_PUBLICATION})|{_DATE})\s*起?\s*"
    r"(?:施行|实施|生效|执行)"
)
_QUOTED = re.compile(r"《[^《》]*》")
ON_PUBLICATION = "on publication"


def stated_effective(text):
    """What the text says of its own 施行: a date, ON_PUBLICATION (自公布之日起施行), or None.

    The statement about the document itself (本条例自…) wins over others (a 条 that takes effect later); among
    equals the last one, where laws state it. A date that does not exist (2025年2月30日) is no statement."""
    matches = list(_IN_FORCE.finditer(text or ""))
    own = [m for m in matches if m.group("own")]
    for match in reversed(own or matches):
        if match.group("published"):
            return ON_PUBLICATION
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


class EffectiveDates(NamedTuple):
    version: datetime.date | None  # 本版施行日期: when this version's text took effect
    first: datetime.date | None  # 首次施行日期: when the original law took effect


def _events(amendments):
    """(date, words outside quoted titles) of the 修订沿革 events dated to the day, oldest first."""
    found = []
    for item in amendments or []:
        if not isinstance(item, dict):
            continue
        try:
            when = datetime.date.fromisoformat(str(item.get("date") or ""))
        except ValueError:
            continue
        found.append((when, _QUOTED.sub("", str(item.get("event") or ""))))
    return sorted(found, key=lambda event: event[0])


def effective_dates(text, published, amendments):
    """本版施行日期 and 首次施行日期 from the text's 施行 clause and its 修订沿革; None where no source says.

    A text never amended: its clause (自公布之日起施行: `published`, the document's date), else the 修订沿革
    event that names 施行; both dates are that one. An amended text (a 修正 or 修订 after its adoption): the
    clause belongs to the latest text dated on or before it. A clause older than every amendment is the original
    law's (首次); this version's date is then a 施行 event dated on or after the last amendment, if the 修订沿革
    names one. A clause restated by the last revision is this version's; the original's is not in this text.
    自公布之日起施行 in an amended text cannot be placed: the day of that publication is not stated."""
    events = _events(amendments)
    changes = [when for i, (when, words) in enumerate(events) if i and "施行" not in words
               and re.search("修正|修订|修改", words)]
    in_force = [when for when, words in events if re.search("施行|生效", words)]
    clause = stated_effective(text)
    if not changes:
        version = published if clause == ON_PUBLICATION else clause
        version = version or (in_force[0] if in_force else None)
        return EffectiveDates(version, version)
    last = max(changes)
    later = [when for when in in_force if when >= last]
    announced = later[-1] if later else None
    if clause is None or clause == ON_PUBLICATION:
        first = None if clause else next((when for when in in_force if when < min(changes)), None)
        return EffectiveDates(announced, first)
    restated = [when for when in changes if when <= clause]
    if not restated:
        return EffectiveDates(announced, clause)
    return EffectiveDates(clause if max(restated) == last else announced, None)


# --- repeals ----------------------------------------------------------------------------------------------------

_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)*)》")
_BRACKET = re.compile(r"\s*[（(][^（）()]{0,60}[)）]")  # a 文号 or an adoption note after a title
_LIST_SEPARATOR = re.compile(r"[\s、，,]*(?:和|及|以及|与)?[\s、，,]*")
# Between the last title of a list and its verb: 同时 / 予以 / 自本办法施行之日起即行 …
_BEFORE_VERB = re.compile(r"[，,\s]*[^《》，。]{0,16}?")
# A title that names the instrument of an amendment, not what is repealed: 《关于修改〈…〉的决定》第一次修正的
_AMENDED_BY = re.compile(r"\s*(?:第[一二三四五六七八九十]+次)?(?:修正|修订|修改|批准)")
_STATED_DATE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?|〔(\d{4})〕")


class RepealStatement(NamedTuple):
    key: str  # documents.common.titles.loose_key of the title repealed
    until: datetime.date | None  # the latest date the sentence states of that title (its adoption, amendments)


def repeal_statements(title, text):
    """Every title that `title` and `text` declare repealed, each once: all the titles of a repeal list
    (《A》、《B》和《C》同时废止, 废止《A》《B》, ……，《A》（…号）同时废止), but not the amending decisions a
    sentence names on the way (根据《关于修改〈A〉的决定》修正的《A》同时废止: only A)."""
    found = {}
    for sentence in re.split(r"[。；;\n]", f"{title or ''}\n{text or ''}"):
        if "废止" not in sentence:
            continue
        titles = list(_TITLE.finditer(sentence))
        chosen = _repealed_in(sentence, titles) if titles else set()
        previous = 0
        for match in titles:
            if match.start() in chosen:
                bracket = _BRACKET.match(sentence, match.end())
                key = loose_key(match.group(1))
                until = _latest_date(sentence[previous:match.start()] + (bracket.group() if bracket else ""))
                if key and (key not in found or (found[key] and (until is None or until > found[key]))):
                    found[key] = until
            previous = match.end()
    return [RepealStatement(key, until) for key, until in found.items()]


def _repealed_in(sentence, titles):
    """The start offsets of the titles a sentence repeals."""
    outside = _TITLE.sub(lambda m: "＿" * len(m.group()), sentence)
    chosen = set()
    for verb in re.finditer("废止", outside):
        position = verb.end()  # 废止《A》《B》、《C》: the titles right after the verb
        for match in (t for t in titles if t.start() >= position):
            if not _LIST_SEPARATOR.fullmatch(sentence[position:match.start()]):
                break
            chosen.add(match.start())
            bracket = _BRACKET.match(sentence, match.end())
            position = bracket.end() if bracket else match.end()
        before = [t for t in titles if t.end() <= verb.start()]
        if not before:
            continue
        bracket = _BRACKET.match(sentence, before[-1].end())
        if not _BEFORE_VERB.fullmatch(sentence[bracket.end() if bracket else before[-1].end():verb.start()]):
            continue  # 《A》 is named, something else is repealed
        for match in before:  # 《A》、《B》和《C》同时废止
            name = match.group(1)
            if not (_AMENDED_BY.match(sentence, match.end()) or name.startswith(("关于修改", "关于废止"))
                    or "修正案" in name):
                chosen.add(match.start())
    return chosen


def _latest_date(stretch):
    found = []
    for match in _STATED_DATE.finditer(stretch):
        year, month, day = int(match.group(1) or match.group(4)), match.group(2), match.group(3)
        try:  # a year or a month alone stands for its last day
            if day:
                found.append(datetime.date(year, int(month), int(day)))
            elif month:
                found.append(datetime.date(year + int(month) // 12, int(month) % 12 + 1, 1) - datetime.timedelta(1))
            else:
                found.append(datetime.date(year, 12, 31))
        except ValueError:
            continue
    return max(found, default=None)


def is_repeal_event(event):
    """A 修订沿革 event that repeals the document (市人大常委会决定废止), not one that merely names a decision
    about repeals (根据《国务院关于废止和修改部分行政法规的决定》修订)."""
    outside_titles = _QUOTED.sub("", event or "")
    return "废止" in outside_titles or "失效" in outside_titles


# --- normative texts --------------------------------------------------------------------------------------------

# The words a normative text's title ends with (法律, 法规, 规章, 解释, 决定 and their kin), a bracket after it
# aside (（试行）, （二）, (2004年)).
_NORMATIVE_ENDINGS = (
    "法", "法典", "条例", "规定", "办法", "细则", "规则", "解释", "决定", "决议", "标准", "意见", "批复", "答复",
    "安排", "通知", "修正案", "章程", "纲要", "方案", "公告", "规程", "准则", "守则", "解答", "命令", "规范",
)
_TRAILING_BRACKETS = re.compile(r"(?:[(（][^()（）]*[)）])+$")
# How a case or an explainer opens: 基本案情, 案情回顾, 裁判要点, 关键词 (a case's own title may come first).
_CASE_OPENING = re.compile(r"^[^\n]{0,80}?(?:\n\n)?(?:基本案情|案情回顾|裁判要点|关键词)\s*$", re.MULTILINE)


def is_normative(title, text):
    """A normative text (a law, regulation, rule, judicial interpretation or decision): its title names such a text
    and its body does not open as a case (基本案情, 案情回顾, 裁判要点). Cases and explainers carry no 时效性."""
    name = _TRAILING_BRACKETS.sub("", title_key(title))
    if not name.endswith(_NORMATIVE_ENDINGS):
        return False
    opening = "\n\n".join((text or "").split("\n\n")[:3])
    return not any(line.strip() in {"基本案情", "案情回顾", "裁判要点", "关键词"} for line in opening.split("\n\n"))
