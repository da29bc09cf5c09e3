"""Versions of a regulation: grouping on save, their order, 时效性 and what keeps it true (documents.legislation.regulations)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from documents.legislation import regulations
from documents.common.titles import loose_key
from documents.models import Article, IndexOperation, Regulation, Repeal

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db
V = Article.Validity
TITLE = "上海市中小学校学生伤害事故处理条例"
TEXTS = itertools.count(1)


def law(title=TITLE, date=(2024, 12, 31), *, issuer="上海", body=None, **fields):
    # Each version its own text: records with the same text are one version (a duplicate), not two.
    body = body if body is not None else f"第一条 为了保护学生（第{next(TEXTS)}个文本）。"
    return make_article(title, column_slug="documents", date=date, issuer=issuer, body=body,
                        kind=Article.Kind.REGULATION, **fields)


def fresh(article):
    article.refresh_from_db()
    return article


def statuses(*articles):
    return [fresh(a).validity for a in articles]


def test_versions_with_equal_titles_form_one_group_newest_in_force():
    old = law(date=(2011, 11, 17))
    new = law(TITLE.replace("学生", "学生 ").replace("条例", "条例"), date=(2024, 12, 31))  # a stray space
    wide = law("上海市中小学校学生伤害事故处理条例", date=(2001, 7, 13), issuer="")
    assert fresh(old).regulation_id == fresh(new).regulation_id == fresh(wide).regulation_id
    assert Regulation.objects.count() == 1
    assert statuses(new, old, wide) == [V.CURRENT, V.AMENDED, V.AMENDED]


def test_full_width_forms_are_the_same_title():
    a = law("关于修改《ＡＢＣ管理办法》（试行）的决定", date=(2020, 1, 1))
    b = law("关于修改《ABC管理办法》(试行)的决定", date=(2021, 1, 1))
    assert fresh(a).regulation_id == fresh(b).regulation_id


def test_a_different_issuer_is_a_different_regulation():
    shanghai = law("物业管理条例", issuer="上海")
    beijing = law("物业管理条例", issuer="北京")
    assert fresh(shanghai).regulation_id != fresh(beijing).regulation_id
    assert statuses(shanghai, beijing) == [V.CURRENT, V.CURRENT]
    # Two groups of that title with different issuers: a version naming none cannot be placed, and stays alone.
    unnamed = law("物业管理条例", issuer="", date=(2010, 1, 1))
    assert fresh(unnamed).regulation_id not in {shanghai.regulation_id, beijing.regulation_id}
    assert fresh(unnamed).validity == V.CURRENT
    # Naming an issuer places it.
    unnamed.issuer = "北京"
    unnamed.save()
    assert fresh(unnamed).regulation_id == beijing.regulation_id
    assert statuses(beijing, unnamed) == [V.CURRENT, V.AMENDED]


def test_other_kinds_have_no_validity_and_no_group():
    news = make_article(TITLE, column_slug="news")
    assert fresh(news).regulation_id is None and news.validity == ""
    law()
    assert fresh(news).regulation_id is None


def test_an_undated_version_is_placed_by_its_history_or_listed_last():
    dated = law(date=(2011, 11, 17))
    placed = law(date=None, amendments=[{"date": "2001-07-13", "event": "通过"}, {"date": "2024-12-31", "event": "修正"}])
    unplaced = law(date=None)
    assert regulations.newest_first([dated, placed, unplaced]) == [placed, dated, unplaced]
    assert statuses(placed, dated, unplaced) == [V.CURRENT, V.AMENDED, V.AMENDED]


def test_only_undated_versions_still_have_one_in_force():
    first, second = law(date=None), law(date=None)
    assert sorted(statuses(first, second)) == [V.AMENDED, V.CURRENT]


def test_a_future_effective_date_is_pending_and_the_version_before_stays_in_force():
    today = timezone.localdate()
    old = law(date=(2011, 11, 17))
    coming = law(date=(today.year, today.month, today.day),
                 body=f"第一条 甲。\n\n第九条 本条例自{today.year + 1}年1月1日起施行。")
    assert fresh(coming).effective_date == datetime.date(today.year + 1, 1, 1)
    assert statuses(coming, old) == [V.PENDING, V.CURRENT]
    # The day it comes into force, the daily sync turns it over.
    regulations.sync_all(today=datetime.date(today.year + 1, 1, 1))
    assert statuses(coming, old) == [V.CURRENT, V.AMENDED]


def test_the_effective_date_on_publication_and_by_hand():
    published = law(date=(2020, 5, 14), body="第一条 甲。\n\n第二条 本决定自公布之日起施行。")
    assert fresh(published).effective_date == datetime.date(2020, 5, 14)
    published.effective_date = datetime.date(2020, 6, 1)
    published.save()
    assert fresh(published).effective_date == datetime.date(2020, 6, 1)  # kept: only an empty one is read


def test_a_repeal_event_in_the_history_repeals_the_regulation():
    old = law(date=(2011, 11, 17))
    new = law(date=(2015, 1, 1), amendments=[{"date": "2020-01-01", "event": "市人大常委会决定废止"}])
    assert statuses(new, old) == [V.REPEALED, V.AMENDED]


@pytest.mark.parametrize("repealer_first", [False, True])
def test_a_later_document_that_repeals_it(repealer_first):
    def old_law():
        return law("中华人民共和国学位条例", date=(2004, 8, 28), issuer="")

    def new_law():
        return law("中华人民共和国学位法", date=(2024, 4, 26), issuer="",
                   body="第一条 甲。\n\n第六十条 本法自2025年1月1日起施行。《中华人民共和国学位条例》同时废止。")

    if repealer_first:
        new, old = new_law(), old_law()
    else:
        old, new = old_law(), new_law()
    assert statuses(old, new) == [V.REPEALED, V.CURRENT]
    assert list(Repeal.objects.values_list("title_key", flat=True)) == [loose_key("中华人民共和国学位条例")]
    # Withdrawn, the repeal no longer counts.
    new.status = Article.Status.DRAFT
    new.save()
    assert fresh(old).validity == V.CURRENT


def test_an_earlier_document_does_not_repeal_a_later_version():
    law("人民检察院刑事诉讼规则（试行）", date=(2012, 11, 22), issuer="",
        body="第一条 甲。\n\n第七百零八条 本规则自2013年1月1日起施行。《人民检察院刑事诉讼规则》同时废止。")
    rules = law("人民检察院刑事诉讼规则", date=(2019, 12, 2), issuer="")
    assert fresh(rules).validity == V.CURRENT


def test_a_new_text_of_the_same_title_that_repeals_the_old_one_makes_it_repealed():
    old = law(date=(2001, 7, 13))
    new = law(date=(2024, 12, 31), body=f"第一条 甲。\n\n第三十条 本条例自2025年1月1日起施行。《{TITLE}》同时废止。")
    assert statuses(new, old) == [V.CURRENT, V.REPEALED]


def test_a_repeal_of_its_own_title_reaches_only_the_texts_it_dates():
    # "1992年…发布的《…》同时废止" in a 2023 text: the 1992 text, not the 2010 version of the law.
    old = law(date=(2010, 1, 9))
    new = law(date=(2023, 12, 11), body=f"第一条 甲。\n\n1992年12月21日发布的《{TITLE}》同时废止。")
    assert statuses(new, old) == [V.CURRENT, V.AMENDED]


def test_staff_override_wins():
    old, new = law(date=(2011, 11, 17)), law(date=(2024, 12, 31))
    new.validity_override = V.REPEALED
    new.save()
    assert statuses(new, old) == [V.REPEALED, V.AMENDED]
    new.validity_override = ""
    new.save()
    assert statuses(new, old) == [V.CURRENT, V.AMENDED]


def test_a_draft_version_changes_nothing_until_published():
    current = law(date=(2011, 11, 17))
    draft = law(date=(2024, 12, 31), status=Article.Status.DRAFT)
    assert statuses(current, draft) == [V.CURRENT, V.CURRENT]  # the draft: what it will be once published
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert statuses(current, draft) == [V.AMENDED, V.CURRENT]


def test_the_recycle_bin_and_deleting():
    old, new = law(date=(2011, 11, 17)), law(date=(2024, 12, 31))
    new.deleted_at = timezone.now()
    new.save()
    assert fresh(old).validity == V.CURRENT
    new.deleted_at = None
    new.save()
    assert statuses(new, old) == [V.CURRENT, V.AMENDED]
    group = new.regulation_id
    new.delete()
    old.delete()
    assert not Regulation.objects.filter(pk=group).exists()  # a group without versions goes


def test_a_new_title_moves_the_version_and_leaves_no_empty_group():
    a, b = law(date=(2011, 11, 17)), law("上海市另一条例", date=(2024, 12, 31))
    first, second = fresh(a).regulation_id, fresh(b).regulation_id
    b.title = TITLE
    b.save()
    assert fresh(b).regulation_id == first and not Regulation.objects.filter(pk=second).exists()
    assert Regulation.objects.get(pk=first).title == TITLE


def test_siblings_whose_status_changes_are_reindexed():
    old = law(date=(2011, 11, 17))
    IndexOperation.objects.all().delete()
    law(date=(2024, 12, 31))
    assert old.pk in set(IndexOperation.objects.values_list("article_id", flat=True))


def test_attach_detach_and_merge_by_hand():
    a = law("甲条例", date=(2010, 1, 1))
    b = law("甲条例（修订）", date=(2020, 1, 1))
    regulations.attach(b, fresh(a).regulation)
    assert fresh(b).regulation_id == a.regulation_id and b.regulation_by_hand
    assert statuses(a, b) == [V.AMENDED, V.CURRENT]
    b.save()  # an ordinary save later does not undo staff's choice
    assert fresh(b).regulation_id == a.regulation_id

    regulations.detach(fresh(b))
    assert fresh(b).regulation_id != a.regulation_id
    assert statuses(a, b) == [V.CURRENT, V.CURRENT]

    c = law("乙条例", date=(2022, 1, 1))
    moved = regulations.merge(fresh(a).regulation, [fresh(b).regulation, fresh(c).regulation])
    assert moved == 2
    assert {fresh(x).regulation_id for x in (a, b, c)} == {a.regulation_id}
    assert Regulation.objects.count() == 1
    assert statuses(a, b, c) == [V.AMENDED, V.AMENDED, V.CURRENT]
    assert fresh(c).history.first().history_change_reason == "合并到法规“甲条例”"
    assert Regulation.objects.get().title == "乙条例"  # named after its newest version


def test_sync_all_groups_what_was_stored_before():
    a, b = law(date=(2011, 11, 17)), law(date=(2024, 12, 31))
    Article.objects.update(regulation=None, validity="", effective_date=None)
    Regulation.objects.all().delete()
    counts = regulations.sync_all()
    assert counts["grouped"] == 2 and counts["changed"] == 2
    assert fresh(a).regulation_id == fresh(b).regulation_id
    assert statuses(b, a) == [V.CURRENT, V.AMENDED]
    assert regulations.sync_all() == {"grouped": 0, "changed": 0}


def test_restoring_an_old_version_whose_group_was_merged_away():
    a, b = law("甲条例", date=(2010, 1, 1)), law("乙条例", date=(2020, 1, 1))
    regulations.attach(fresh(b), fresh(a).regulation)
    old_record = fresh(b).history.first()  # grouped by hand into a's group
    regulations.detach(fresh(a))
    regulations.merge(fresh(a).regulation, [fresh(b).regulation])
    assert not Regulation.objects.filter(pk=old_record.regulation_id).exists()
    old_record.instance.save()  # what the admin's 恢复 does
    restored = fresh(b)
    assert restored.regulation_id is not None and not restored.regulation_by_hand
    assert restored.validity == V.CURRENT
