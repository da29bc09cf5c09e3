"""The search schema: one SearchIndex for published articles (the backend decides how each field is analysed)."""

from haystack import indexes

from .models import Article
from .search.analysis import runs


def doc_number_key(value):
    """A 文号 reduced to its letters, digits and characters: 〔2017〕47号, [2017]47号 and 2017 47 号 agree."""
    return "".join(runs(value or ""))


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Words (jieba) and bigrams of the same text: the words rank, the bigrams guarantee recall.
    text = indexes.CharField(document=True, stored=False)
    text_bigrams = indexes.NgramField(stored=False)
    title = indexes.CharField(model_attr="title")
    title_bigrams = indexes.NgramField(model_attr="title", stored=False)
    # Exact values for filters and facet counts.
    column = indexes.FacetCharField(model_attr="column__slug")
    kind = indexes.FacetCharField(model_attr="kind")
    speaker = indexes.FacetCharField()
    meeting = indexes.FacetCharField()
    doc_number = indexes.FacetCharField()
    year = indexes.FacetCharField()
    validity = indexes.FacetCharField()  # 时效性 of a regulation's version; none for other documents
    date = indexes.DateField(model_attr="date", null=True)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            Article.objects.published()
            .select_related("column", "speaker", "meeting")
            .prefetch_related("attachments")
            .order_by("pk")
        )

    def read_queryset(self, using=None):
        return Article.objects.published().select_related("column", "speaker")

    @staticmethod
    def searchable_text(obj):
        """Everything a reader may search for besides the title: the people, the meeting, the number, the body
        and the text of the attachments. Cached on the object: the words and the bigrams fields share it."""
        cached = getattr(obj, "_searchable_text", None)
        if cached is None:
            parts = [obj.subtitle, obj.speaker_title, obj.issuer, obj.doc_number]
            if obj.speaker_id:
                parts += [obj.speaker.name, obj.speaker.position]
            if obj.meeting_id:
                parts.append(obj.meeting.name)
            parts.append(obj.text)
            parts += [attachment.text for attachment in obj.attachments.all()]
            cached = obj._searchable_text = "\n".join(part for part in parts if part)
        return cached

    def prepare_text(self, obj):
        return self.searchable_text(obj)

    def prepare_text_bigrams(self, obj):
        return self.searchable_text(obj)

    def prepare_speaker(self, obj):
        return obj.speaker.slug if obj.speaker_id else None

    def prepare_meeting(self, obj):
        return obj.meeting.slug if obj.meeting_id else None

    def prepare_doc_number(self, obj):
        return doc_number_key(obj.doc_number) or None

    def prepare_validity(self, obj):
        return obj.validity or None

    def prepare_year(self, obj):
        return str(obj.date.year) if obj.date and obj.date_precision != "unknown" else None
