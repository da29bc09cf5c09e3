"""The search schema: one SearchIndex for published articles (the backend decides how each field is analysed)."""

from haystack import indexes

from .models import Article
from .search.analysis import runs
from .titles import title_forms


def compact_key(value):
    """A 文号 or a title reduced to its letters, digits and characters, as a query is compared with it:
    〔2017〕47号, [2017]47号 and 2017 47 号 agree, and so do 《民法典》 and 民法典."""
    return "".join(runs(value or ""))


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Words (jieba) and bigrams of the same text: the words rank, the bigrams guarantee recall.
    text = indexes.CharField(document=True, stored=False)
    text_bigrams = indexes.NgramField(stored=False)
    title = indexes.CharField(model_attr="title")
    title_bigrams = indexes.NgramField(model_attr="title", stored=False)
    # Who delivered or issued it, and where (speaker, position then, meeting, issuer), one value a line: a query
    # word found here weighs more than in the body (engine.SegmentTables.byline_matches).
    byline = indexes.FacetCharField(stored=False)
    # The title as a reader may type it whole (titles.title_forms): exactly, or without its year or issuer.
    title_keys = indexes.MultiValueField(stored=False)
    title_forms = indexes.MultiValueField(stored=False)
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

    def prepare_byline(self, obj):
        parts = [obj.speaker.name if obj.speaker_id else "", obj.speaker_title,
                 obj.meeting.name if obj.meeting_id else "", obj.issuer]
        return "\n".join(part for part in parts if part) or None

    @staticmethod
    def title_terms(obj):
        """(exact, shortened) keys of the title as the index compares them with a query."""
        exact, shortened = title_forms(obj.title, obj.issuer)
        exact = {compact_key(key) for key in exact} - {""}
        return exact, {compact_key(form) for form in shortened} - exact - {""}

    def prepare_title_keys(self, obj):
        return sorted(self.title_terms(obj)[0])

    def prepare_title_forms(self, obj):
        return sorted(self.title_terms(obj)[1])

    def prepare_speaker(self, obj):
        return obj.speaker.slug if obj.speaker_id else None

    def prepare_meeting(self, obj):
        return obj.meeting.slug if obj.meeting_id else None

    def prepare_doc_number(self, obj):
        return compact_key(obj.doc_number) or None

    def prepare_validity(self, obj):
        return obj.validity or None

    def prepare_year(self, obj):
        return str(obj.date.year) if obj.date and obj.date_precision != "unknown" else None
