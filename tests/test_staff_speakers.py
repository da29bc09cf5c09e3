"""Merging speaker records that are the same person, through the admin action and its confirmation page."""

import pytest
from django.urls import reverse

from documents.models import Article, Column, Speaker
from tests.staff_support import staff_user

pytestmark = pytest.mark.django_db

URL = "admin:documents_speaker_changelist"


@pytest.fixture
def records():
    column = Column.objects.get(slug="news")
    keep = Speaker.objects.create(name="张雷明")
    twin = Speaker.objects.create(name="张雷明", organization="平顶山市人大常委会", position="主任", bio="简历")
    typo = Speaker.objects.create(name="张雷鸣")
    other = Speaker.objects.create(name="李四")
    for speaker, count in [(keep, 1), (twin, 2), (typo, 1), (other, 1)]:
        for n in range(count):
            Article.objects.create(title=f"{speaker.name}讲话{n}", column=column, speaker=speaker)
    return keep, twin, typo, other


def test_merge_asks_which_record_to_keep_then_moves_the_articles(client, records):
    keep, twin, typo, other = records
    client.force_login(staff_user("reviewer", "审核"))
    selected = [keep.pk, twin.pk, typo.pk]
    page = client.post(reverse(URL), {"action": "merge", "_selected_action": selected})
    assert page.status_code == 200
    text = page.content.decode()
    assert "请选择要保留的记录" in text and "张雷鸣" in text and "李四" not in text
    assert Speaker.objects.count() == 4  # nothing done before confirming

    response = client.post(
        reverse(URL), {"action": "merge", "_selected_action": selected, "confirm": "yes", "keep": keep.pk}
    )
    assert response.status_code == 302
    assert set(Speaker.objects.values_list("pk", flat=True)) == {keep.pk, other.pk}
    assert Article.objects.filter(speaker=keep).count() == 4
    assert Article.objects.filter(speaker=other).count() == 1
    keep.refresh_from_db()
    # Blank fields were filled from the duplicates.
    assert (keep.organization, keep.position, keep.bio) == ("平顶山市人大常委会", "主任", "简历")
    moved = Article.objects.get(title="张雷鸣讲话0")
    latest = moved.history.first()
    assert (latest.history_change_reason, latest.history_user.username) == ("合并发言人到“张雷明”", "reviewer")


def test_merge_without_a_choice_or_with_one_record_does_nothing(client, records):
    keep, twin, *_ = records
    client.force_login(staff_user("reviewer", "审核"))
    response = client.post(reverse(URL), {"action": "merge", "_selected_action": [keep.pk, twin.pk], "confirm": "yes"})
    assert response.status_code == 200 and "请选择要保留的发言人记录" in response.content.decode()
    response = client.post(
        reverse(URL), {"action": "merge", "_selected_action": [keep.pk, twin.pk], "confirm": "yes", "keep": records[3].pk}
    )
    assert "请选择所列的发言人记录之一" in response.content.decode()
    response = client.post(reverse(URL), {"action": "merge", "_selected_action": [keep.pk]}, follow=True)
    assert "请至少选择两个发言人记录" in response.content.decode()
    assert Speaker.objects.count() == 4


def test_editors_cannot_merge(client, records):
    client.force_login(staff_user("editor", "编辑"))
    assert 'value="merge"' not in client.get(reverse(URL)).content.decode()
    client.post(
        reverse(URL),
        {"action": "merge", "_selected_action": [s.pk for s in records[:2]], "confirm": "yes", "keep": records[0].pk},
    )
    assert Speaker.objects.count() == 4
