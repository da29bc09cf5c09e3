"""The sample `make run` loads: a living archive, and loading it again changes nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from documents.ingest.importer import import_paths
from documents.models import Article, Meeting, Speaker

SAMPLE = Path(settings.BASE_DIR) / "documents" / "sample_data"


@pytest.mark.django_db
def test_sample_load_is_idempotent_and_lively():
    first = import_paths([SAMPLE], status="published", progress=False)
    assert (first.imported, first.failed) == (313, 0)
    snapshot = list(Article.objects.order_by("id").values_list("id", "title", "updated_at"))

    again = import_paths([SAMPLE], status="published", progress=False)
    assert (again.imported, again.unchanged, again.updated, again.failed) == (0, 313, 0, 0)
    assert list(Article.objects.order_by("id").values_list("id", "title", "updated_at")) == snapshot

    # Speakers, meetings and many years, as a new user should see; the seed speech among them.
    assert Speaker.objects.count() >= 9 and Meeting.objects.count() >= 100
    assert len({d.year for d in Article.objects.published().exclude(date=None).values_list("date", flat=True)}) > 50
    speech = Article.objects.get(title="在市委人大工作会议上的讲话")
    assert (speech.speaker.name, speech.speaker_title, speech.date_display) == ("张雷明", "市委书记", "2022年9月22日")
