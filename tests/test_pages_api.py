"""The read-only JSON form of the lists and articles (?format=json)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.common import dates
from documents.models import Article, Attachment, Meeting

from .portal_helpers import SEED_TITLE, make_article, seed_speech

pytestmark = pytest.mark.django_db


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_article(client):
    speech = seed_speech()
    meeting = Meeting.objects.create(name="市委人大工作会议")
    Article.objects.filter(pk=speech.pk).update(meeting=meeting, amendments=[{"date": "2022-09-22", "event": "发表"}])
    Attachment.objects.create(article=speech, file=SimpleUploadedFile("讲话.txt", b"abc"))
    newer = make_article("后一篇", date=(2022, 10, 1))
    data = get_json(client, f"/articles/{speech.pk}/?format=json")
    assert data["id"] == speech.pk and data["title"] == SEED_TITLE
    assert data["url"] == f"http://testserver/articles/{speech.pk}/"
    assert data["date"] == "2022-09-22" and data["date_display"] == "2022年9月22日"
    assert data["speaker"] == {"name": "张雷明", "slug": speech.speaker.slug,
                               "url": f"http://testserver{speech.speaker.get_absolute_url()}"}
    assert data["speaker_title"] == "市委书记"
    assert data["meeting"]["name"] == "市委人大工作会议"
    assert data["column"]["slug"] == "news" and data["kind"] == "speech" and data["kind_display"] == "讲话"
    assert "<p>" in data["body_html"] and "根本政治制度" in data["text"]
    assert data["amendments"] == [{"date": "2022-09-22", "event": "发表"}]
    assert data["attachments"][0]["name"] == "讲话.txt" and data["attachments"][0]["size"] == 3
    assert data["previous"] is None and data["next"] == f"http://testserver/articles/{newer.pk}/"


def test_draft_article_json_is_404(client):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    assert client.get(f"/articles/{draft.pk}/?format=json").status_code == 404


def test_column_list(client):
    for day in range(1, 23):
        make_article(f"要闻{day}", date=(2022, 1, day))
    make_article("年份", date=(2021, 1, 1), precision=dates.YEAR)
    data = get_json(client, "/columns/news/?format=json&page=2")
    assert data["column"]["name"] == "人大要闻"
    assert (data["count"], data["page"], data["num_pages"]) == (23, 2, 2)
    assert [item["title"] for item in data["results"]] == ["要闻2", "要闻1", "年份"]
    assert data["results"][-1]["date"] == "2021" and data["results"][-1]["date_display"] == "2021年"
    assert set(data["results"][0]) == {"id", "title", "url", "date", "date_display", "column", "kind", "pinned",
                                        "validity"}
    assert client.get("/columns/news/?format=json&page=3").status_code == 404


def test_speaker_meeting_and_archive_lists(client):
    speech = seed_speech()
    meeting = Meeting.objects.create(name="会议甲")
    Article.objects.filter(pk=speech.pk).update(meeting=meeting)
    speakers = get_json(client, "/speakers/?format=json")
    assert speakers["results"][0]["name"] == "张雷明" and speakers["results"][0]["count"] == 1
    assert speakers["results"][0]["position"] == "市委书记"
    assert (speakers["count"], speakers["page"], speakers["num_pages"]) == (1, 1, 1)
    speaker = get_json(client, f"{speech.speaker.get_absolute_url()}?format=json")
    # Like every list (README): results, count, page, num_pages; the years count them.
    assert speaker["results"][0]["title"] == SEED_TITLE
    assert (speaker["count"], speaker["page"], speaker["num_pages"]) == (1, 1, 1)
    assert speaker["years"] == [{"year": 2022, "count": 1}]
    assert speaker["speaker"]["name"] == "张雷明"
    meetings = get_json(client, "/meetings/?format=json")
    assert meetings["results"][0]["name"] == "会议甲" and meetings["results"][0]["count"] == 1
    assert get_json(client, f"{meeting.get_absolute_url()}?format=json")["results"][0]["id"] == speech.pk
    archive = get_json(client, "/archive/2022/09/?format=json")
    assert archive["years"] == [{"year": 2022, "count": 1}]
    assert archive["months"] == [{"month": 9, "count": 1}]
    assert (archive["year"], archive["month"], archive["count"]) == (2022, 9, 1)


def test_home_page_boxes(client):
    """The home page answers ?format=json like every list: its boxes, each with its column."""
    notice = make_article("征集立法项目的公告", column_slug="notices", date=(2023, 3, 1))
    make_article("置顶的要闻", date=(2000, 1, 1), pinned=True)
    make_article("最新的要闻", date=(2023, 5, 1), precision=dates.MONTH)
    pictured = make_article("会议召开", cover_alt="会议现场")
    pictured.cover_image = SimpleUploadedFile("meeting.png", b"\x89PNG\r\n\x1a\n")
    pictured.save()
    make_article("草稿通知", column_slug="notices", status=Article.Status.DRAFT)
    data = get_json(client, "/?format=json")
    assert set(data) == {"notices", "pictures", "sections"}
    assert data["notices"]["column"]["slug"] == "notices"
    assert data["notices"]["results"] == [{
        "id": notice.pk, "title": "征集立法项目的公告", "url": f"http://testserver{notice.get_absolute_url()}",
        "date": "2023-03-01", "date_display": "2023年3月1日", "pinned": False,
    }]
    assert data["pictures"] == [{
        "id": pictured.pk, "title": "会议召开", "url": f"http://testserver{pictured.get_absolute_url()}",
        "date": "2022-09-22", "date_display": "2022年9月22日",
        "image": f"http://testserver{pictured.cover_image.url}", "alt": "会议现场",
    }]
    news = next(box for box in data["sections"] if box["column"]["slug"] == "news")
    assert [(item["title"], item["pinned"]) for item in news["results"]] == [
        ("置顶的要闻", True), ("最新的要闻", False), ("会议召开", False),
    ]
    assert news["results"][1]["date"] == "2023-05"
