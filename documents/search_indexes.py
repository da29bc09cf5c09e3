"""The haystack SearchIndex of published articles: what goes into each field of the index (search/schema.py names
and types the fields)."""

from haystack import indexes

from .models import Article
from .search import schema
from .search.analysis import compact_key
from .common.titles import title_forms
from .legislation import genres, regulations


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    """Each field is named and typed in documents/search/schema.py; here only where its value comes from."""

    text = schema.TEXT.haystack()
    text_bigrams = schema.TEXT_BIGRAMS.haystack()
    title = schema.TITLE.haystack(model_attr="title")
    title_bigrams = schema.TITLE_BIGRAMS.haystack(model_attr="title")
    byline = schema.BYLINE.haystack()
    title_keys = schema.TITLE_KEYS.haystack()
    title_forms = schema.TITLE_FORMS.haystack()
    column = schema.COLUMN.haystack(model_attr="column__slug")
    kind = schema.KIND.haystack(model_attr="kind")
    speaker = schema.SPEAKER.haystack()
    meeting = schema.MEETING.haystack()
    doc_number = schema.DOC_NUMBER.haystack()
    year = schema.YEAR.haystack()
    validity = schema.VALIDITY.haystack()
    genre = schema.GENRE.haystack()
    date = schema.DATE.haystack(model_attr="date")

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
        """Everything a reader may search for besides the title: the people, the meeting, the number, the 修订沿革
        (the meetings that adopted and amended it), the body and the text of the attachments. Cached on the object:
        the words and the bigrams fields share it."""
        cached = getattr(obj, "_searchable_text", None)
        if cached is None:
            parts = [obj.subtitle, obj.speaker_title, obj.issuer, obj.doc_number]
            if obj.speaker_id:
                parts += [obj.speaker.name, obj.speaker.position]
            if obj.meeting_id:
                parts.append(obj.meeting.name)
            parts += [str(item.get("event") or "") for item in obj.amendments or () if isinstance(item, dict)]
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

    def prepare_genre(self, obj):
        return genres.of(obj)

    @staticmethod
    def title_terms(obj):
        """(exact, shortened) keys of the title as the index compares them with a query. A law's part is also
        named with its subtitle (民法典物权编); the title alone names only the record that stands for the text
        (Article.represented_by: the first part, the kept one of a text filed twice), so that a search for the
        law leads with it once."""
        exact, shortened = set(), set()
        if obj.represented_by_id is None:
            exact, shortened = title_forms(obj.title, obj.issuer)
        if obj.subtitle and regulations.is_part(obj):
            with_part = title_forms(obj.title + obj.subtitle, obj.issuer)
            exact, shortened = exact | with_part[0], shortened | with_part[1]
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
