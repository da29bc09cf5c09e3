"""The lines under a document's title (speaker, date, 来源, subtitle, 修订沿革), for portal pages and office files.

Right under the title come a few meta lines; they become fields and leave the body. When none of them carries a
date, the first lines of the body are looked at too: a decision's adoption line (（2026年3月15日…会议通过）) often
follows a subtitle or a second title line there. Dates are read by documents.common.dates.find_dates only.
"""

import re

from ..common.dates import UNKNOWN_DATE, YEAR, find_dates

MAX_META_LINES = 6
BODY_DATE_LINES = 3

_META_LABEL = re.compile(r"(发布时间|发布日期|发表时间|更新时间|时间|日期|来源|作者|编辑|责任编辑|点击数|点击|浏览次数|浏览|阅读)\s*[:：]")
_DATE_LABELS = {"发布时间", "发布日期", "发表时间", "更新时间", "时间", "日期"}
_BRACKETS = "()（）[]【】 \u3000"
_SPEAKER = re.compile(r"^(?P<position>[\u4e00-\u9fff]{2,20})[ \u3000]+(?P<name>[\u4e00-\u9fff·]{2,5})$")
_SUBTITLE = re.compile(r"^(——|--|—)\s*")
# What a 修订沿革 event ends with: （2011年11月17日…会议通过　根据2020年5月14日…决定修正）.
_HISTORY_EVENT = re.compile(r"(通过|批准|修正|修订|公布|施行|废止|颁布|发布|印发)$")
_EVENT_EDGES = " \u3000，,；;、。"

NO_DATE = "没有找到日期，文章将显示为“日期不详”；可在后台补上"


def _labelled_meta(line):
    """{label: value} when the line consists only of labelled fields (发布时间：… 来源：…), else None."""
    matches = list(_META_LABEL.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    fields = {}
    for match, following in zip(matches, matches[1:] + [None]):
        end = following.start() if following else len(line)
        fields[match.group(1)] = line[match.end() : end].strip()
    return fields


def _bracketed(line):
    """The inside of a line wrapped in brackets: （…） or (…); None otherwise."""
    if len(line) > 2 and line[0] in "（(" and line[-1] in "）)":
        return line[1:-1].strip(" \u3000")
    return None


def _history(line):
    """[(FoundDate, event)] of a bracketed line of dated events, the 修订沿革 form; None for any other line.

    A date inside an event (…《关于修改〈条例〉（2003年修订）的决定》修正) stays in its text: an event runs until
    one of the verbs that end events."""
    inside = _bracketed(line)
    found = find_dates(inside) if inside else []
    if not found or found[0].start != 0:
        return None
    events = []  # [FoundDate, event text]
    for current, following in zip(found, found[1:] + [None]):
        piece = inside[current.end : following.start if following else len(inside)]
        if events and not _HISTORY_EVENT.search(events[-1][1]):
            events[-1][1] = _event_text(events[-1][1] + inside[current.start : current.end] + piece)
        else:
            events.append([current, _event_text(piece)])
    if not all(_HISTORY_EVENT.search(text) for _, text in events):
        return None
    return [(found, text) for found, text in events]


def _event_text(text):
    # 根据 introduces the next event's date: 通过　根据2020年6月2日…修正
    return text.strip(_EVENT_EDGES).removesuffix("根据").strip(_EVENT_EDGES)


def _only_a_date(line):
    """The FoundDate of a line that is one date, possibly in brackets: (2022年9月22日), 2022-09-22; else None."""
    found = find_dates(line)
    if len(found) != 1:
        return None
    rest = line[: found[0].start] + line[found[0].end :]
    return found[0] if not rest.strip(_BRACKETS) else None


def _set_date(data, found):
    """Take a found date unless the document already has one; a date that names no real day goes to the report."""
    if found.date is None:
        data.notes.append(found.problem)
    elif data.date == UNKNOWN_DATE:
        data.date = found.date


def _first_date(data, text, *, bare_year=True):
    """Take the first date written in `text`; a bare year only if `bare_year` (——2021年工作回顾 names a topic)."""
    found = [item for item in find_dates(text) if bare_year or item.date is None or item.date.precision != YEAR]
    if found:
        _set_date(data, next((item for item in found if item.date), found[0]))


def _set_history(data, events):
    """修订沿革 into amendments; the document's date is its latest version's, as in the import format."""
    data.amendments = [{"date": found.date and found.date.isoformat(), "event": event} for found, event in events]
    for found, _ in reversed(events):
        if found.date is not None:
            if data.date == UNKNOWN_DATE:
                data.date = found.date
            break
    data.notes += [found.problem for found, _ in events if found.date is None]


def read_meta_line(line, data):
    """Fill `data` from a meta line; False when the line is not one (the body starts)."""
    fields = _labelled_meta(line)
    if fields is not None:
        for label, value in fields.items():
            if label in _DATE_LABELS:
                _first_date(data, value)
            elif label == "来源":
                data.source = value
        return True
    date = _only_a_date(line)
    if date is not None:
        _set_date(data, date)
        return True
    events = _history(line) if not data.amendments else None
    if events:
        _set_history(data, events)
        return True
    speaker = _SPEAKER.match(line)
    if speaker and not data.speaker:
        data.speaker, data.speaker_title = speaker.group("name"), speaker.group("position")
        return True
    if (_SUBTITLE.match(line) or _occasion(line)) and not data.subtitle:
        data.subtitle = line
        _first_date(data, line, bare_year=_occasion(line))
        return True
    return False


def _occasion(line):
    """A bracketed line that starts with a date: （2022年9月22日在全市人大工作会议上）."""
    inside = _bracketed(line)
    return inside is not None and any(found.start == 0 for found in find_dates(inside))


def _date_in_body(lines, data):
    """The index of a date line or 修订沿革 line among the first body lines, taken into `data`; else None.

    An occasion line or a subtitle there gives its date but stays in the body."""
    for index, line in enumerate(lines[:BODY_DATE_LINES]):
        date = _only_a_date(line)
        if date is not None and date.date is not None:
            data.date = date.date
            return index
        events = _history(line) if not data.amendments else None
        if events and any(found.date for found, _ in events):
            _set_history(data, events)
            return index
        if _SUBTITLE.match(line) or _occasion(line):
            _first_date(data, line, bare_year=_occasion(line))
            if data.date != UNKNOWN_DATE:
                return None
    return None


def read_head(lines, data):
    """Fill `data` from the lines under the title; return the indices of `lines` to leave out of the body.

    A document left without a date says so in `data.notes` (the import report)."""
    used = []
    for index, line in enumerate(lines[:MAX_META_LINES]):
        if not read_meta_line(line, data):
            break
        used.append(index)
    if data.date == UNKNOWN_DATE:
        found = _date_in_body(lines[len(used) :], data)
        if found is not None:
            used.append(len(used) + found)
    if data.date == UNKNOWN_DATE:
        data.notes.append(NO_DATE)
    return used
