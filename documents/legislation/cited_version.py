"""Which version of a cited regulation a dated citation means: the one in force on the citing document's date,
or, when the archive does not hold that one, the nearest version it holds, saying which.

A version is in force from its own 施行日期 (a version adopted but not yet in force is not), else from its date. The
versions that existed are the held ones and those the 修订沿革 of any held version names (通过, 修正, 修订 …): when
the latest of them in force on the citing date is not held, the citation links to the held version nearest in
date to it, `later` or `earlier`.
"""

import datetime
import re
from typing import NamedTuple

IN_FORCE, LATER, EARLIER, UNDATED = "in_force", "later", "earlier", "undated"
NOTES = {
    LATER: "引用时施行的版本未收录，链接到{year}年版",
    EARLIER: "引用时施行的版本未收录，链接到{year}年版",
    UNDATED: "引用文件日期不详，链接到{year}年版",
}
# A 修订沿革 event that makes a text (not one that only puts it in force, nor a repeal).
_MAKES_A_VERSION = re.compile(r"通过|修正|修订|修改|公布|发布|颁布")
_NOT_A_VERSION = re.compile(r"废止|失效")


class Held(NamedTuple):
    id: int
    date: datetime.date | None  # adopted or published
    effective: datetime.date | None  # this version's own 施行日期, when known
    history: tuple = ()  # (date, event) of its 修订沿革


def in_force_from(version):
    """When `version` took effect: its own 施行日期 when that is not before its date (a consolidated text often
    repeats the first law's 施行 clause), else its date."""
    if version.effective is not None and version.date is not None and version.effective >= version.date:
        return version.effective
    return version.date


def _known_dates(versions, on):
    """Dates of the versions that existed and were in force by `on`, held or only named in a 修订沿革."""
    held_dates = {v.date for v in versions if v.date is not None}
    known = {in_force_from(v) for v in versions if v.date is not None}
    for version in versions:
        for when, event in version.history:
            if when is not None and when not in held_dates and _MAKES_A_VERSION.search(event or "") \
                    and not _NOT_A_VERSION.search(event or ""):
                known.add(when)
    return {when for when in known if when is not None and when <= on}


def choose(versions, on):
    """(the version to link, IN_FORCE | LATER | EARLIER | UNDATED) among `versions` (Held, one document's) for a
    citation dated `on` (None: undated, the newest version)."""
    dated = [v for v in versions if v.date is not None]
    if not dated:
        return versions[0], UNDATED if on is None else IN_FORCE
    newest = max(dated, key=lambda v: v.date)
    if on is None:
        return newest, UNDATED
    in_force = [v for v in dated if in_force_from(v) <= on]
    known = _known_dates(versions, on)
    if in_force:
        current = max(in_force, key=in_force_from)
        if not known or in_force_from(current) >= max(known):
            return current, IN_FORCE
    if not known:  # nothing in force yet on that date: the oldest text is the nearest
        return min(dated, key=lambda v: v.date), LATER
    meant = max(known)
    nearest = min(dated, key=lambda v: (abs((v.date - meant).days), v.date < meant))
    return nearest, LATER if nearest.date > meant else EARLIER


def note(flag, version_date):
    """The sentence shown beside a citation that does not link the version in force then ("" when it does)."""
    template = NOTES.get(flag)
    return template.format(year=version_date.year) if template and version_date else ""
