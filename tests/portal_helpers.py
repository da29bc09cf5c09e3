"""Small builders for the portal tests: articles straight through the models (the importer is tested elsewhere)."""

import datetime
import html
import re

from documents.common import dates
from documents.models import Article, Column, Speaker

SEED_TITLE = "在市委人大工作会议上的讲话"
SEED_BODY = "市委召开这次人大工作会议，主要任务是深入学习贯彻习近平法治思想。\n\n人民代表大会制度是根本政治制度。"


def column(slug="news"):
    return Column.objects.get(slug=slug)


def make_article(title="文章", *, column_slug="news", status=Article.Status.PUBLISHED, date=(2022, 9, 22),
                 precision=dates.DAY, body="正文。", **fields):
    article = Article(
        title=title,
        column=column(column_slug),
        status=status,
        date=datetime.date(*date) if date else None,
        date_precision=precision,
        **fields,
    )
    article.set_plain_text_body(body)
    article.save()
    return article


def seed_speech():
    """The speech of the original portal page (documents/sample_data/portal_page_speech_2022-09-22.txt)."""
    speaker = Speaker.objects.create(name="张雷明", position="市委书记")
    return make_article(
        SEED_TITLE, speaker=speaker, speaker_title="市委书记", kind=Article.Kind.SPEECH, body=SEED_BODY
    )


def page_text(response):
    """The visible text of an HTML response, tags removed and white space collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</?(a|span|strong|em|b|i)\b[^>]*>", "", body)  # inline: no break in the text
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def breadcrumb_text(response):
    match = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', response.content.decode(), flags=re.S)
    assert match, "no breadcrumb"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))).strip()
