"""Which version a dated citation means (documents/legislation/cited_version.py), on the versions of real laws:
the one in force then (not one adopted but not yet in force), else the nearest held one, saying so."""

import datetime

from documents.common import dates
from documents.legislation import provisions
from documents.legislation import cited_version
from documents.legislation.cited_version import EARLIER, IN_FORCE, LATER, UNDATED, Held, choose

from .legal_b_fixtures import law


def held(name, pk):
    found = law(name)
    date = dates.parse_partial_date(found["date"]).date
    history = tuple((dates.parse_partial_date(h["date"]).date, h["event"]) for h in found["history"])
    return Held(pk, date, provisions.effective_dates(found["body"], date, found["history"])[0], history)


MARINE = [held("marine_2017", 1), held("marine_2023", 2)]  # amended 2017-11-04; revised 2023-10-24, in force 2024-01-01
REVIEW = [held("review_2017", 3), held("review_2023", 4)]


def picked(versions, *on):
    version, flag = choose(versions, datetime.date(*on) if on else None)
    return version.id, flag


def test_the_version_in_force_on_the_citing_date():
    assert picked(MARINE, 2018, 11, 30) == (1, IN_FORCE)
    assert picked(MARINE, 2024, 9, 1) == (2, IN_FORCE)
    assert picked(REVIEW, 2020, 5, 14) == (3, IN_FORCE)


def test_a_version_adopted_but_not_yet_in_force_is_not_in_force():
    # The 2023 revision of 海洋环境保护法 was adopted on 2023-10-24 and took effect on 2024-01-01.
    assert picked(MARINE, 2023, 12, 1) == (1, IN_FORCE)
    assert picked(REVIEW, 2023, 10, 1) == (3, IN_FORCE)


def test_a_version_not_held_links_the_nearest_held_and_says_so():
    # In 2012 the 1999 revision was in force (the 2017 text's 修订沿革 names the 2013 and 2016 amendments too).
    assert picked(MARINE, 2012, 5, 30) == (1, LATER)
    assert picked(MARINE, 2017, 3, 1) == (1, LATER)  # the 2016 amendment, not held
    # Held only the 2023 text: in 2020 the 2017 one (named in its 修订沿革) was in force.
    assert picked(MARINE[1:], 2020, 1, 1) == (2, LATER)
    assert cited_version.note(LATER, datetime.date(2017, 11, 4)) == "引用时施行的版本未收录，链接到2017年版"


def test_an_earlier_held_version_when_it_is_the_nearest():
    # Held only the 2017 text of 行政复议法, cited in 2024 (the 2023 revision, named by no held text, is unknown
    # here): the 2017 text is the one known in force. With the 2023 text's history known, the 2023 text is held.
    assert picked(REVIEW[:1], 2024, 6, 1) == (3, IN_FORCE)
    oldest_only = [REVIEW[0]._replace(history=REVIEW[1].history)]  # the same law, its later history known
    assert picked(oldest_only, 2024, 6, 1) == (3, EARLIER)


def test_an_undated_citing_document_links_the_newest():
    assert picked(MARINE) == (2, UNDATED)
    assert cited_version.note(UNDATED, datetime.date(2023, 10, 24)) == "引用文件日期不详，链接到2023年版"
    assert cited_version.note(IN_FORCE, datetime.date(2023, 10, 24)) == ""
