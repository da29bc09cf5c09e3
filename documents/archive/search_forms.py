"""Validation of the /search/ query string: anything invalid becomes a clear Chinese message and a 400."""

import re

from django import forms

from . import pages
from ..legislation.genres import GENRES
from ..models import Article, Column
from ..search.interface import SORTS, Filters
from ..search.language.parsing import normalize_input
from ..search.query import MAX_PER_PAGE, PER_PAGE

DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD，例如 2022-09-22。"}
_WELL_FORMED_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayField(forms.DateField):
    """YYYY-MM-DD. A well-formed date that names no day (2023-02-30) says so rather than blaming the format."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if _WELL_FORMED_DAY.fullmatch(value.strip()):
                raise forms.ValidationError(f"日期“{value.strip()}”不存在。", code="nonexistent") from None
            raise


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    column = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(
        required=False, choices=[("", "")] + list(Article.Kind.choices),
        error_messages={"invalid_choice": "没有这种文章类型。"},
    )
    genre = forms.ChoiceField(
        required=False, choices=[("", "")] + [(g, g) for g in GENRES],
        error_messages={"invalid_choice": "没有这种文件种类（可选：" + "、".join(GENRES) + "）。"},
    )
    speaker = forms.CharField(required=False, max_length=200)
    meeting = forms.CharField(required=False, max_length=300)
    validity = forms.ChoiceField(
        required=False, choices=[("", "")] + list(Article.Validity.choices),
        error_messages={"invalid_choice": "时效性只能是 current（现行有效）、amended（已被修改）、repealed（已废止）或 pending（尚未生效）。"},
    )
    date_from = DayField(required=False)
    date_to = DayField(required=False)
    sort = forms.ChoiceField(
        required=False, choices=[(s, s) for s in SORTS],
        error_messages={"invalid_choice": "排序方式只能是相关度（relevance）、最新（newest）或最早（oldest）。"},
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100_000,
        error_messages={"invalid": "页码应为正整数。", "min_value": "页码应为正整数。", "max_value": "页码太大。"},
    )
    per_page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE,
        error_messages={
            "invalid": f"每页条数应为 1 到 {MAX_PER_PAGE} 的整数。",
            "min_value": f"每页条数应为 1 到 {MAX_PER_PAGE} 的整数。",
            "max_value": f"每页条数最多 {MAX_PER_PAGE}。",
        },
    )
    LABELS = {"date_from": "开始日期", "date_to": "结束日期", "page": "页码", "per_page": "每页条数",
              "sort": "排序", "kind": "类型", "column": "栏目", "speaker": "发言人", "meeting": "会议",
              "validity": "时效性", "genre": "文件种类"}

    def __init__(self, params, **kwargs):
        # The public names are from/to (Python keywords, hence the renaming).
        data = {key: normalize_input(value) for key, value in params.items()}
        data["date_from"], data["date_to"] = data.pop("from", ""), data.pop("to", "")
        super().__init__(data, **kwargs)

    def _known(self, name, known, message):
        """A filter naming a column, speaker or meeting that does not exist is an error, like an unknown kind; a
        speaker or meeting without a published article is unknown to the public (its page is a 404 too).
        `known`: a function giving the queryset, built only when the filter is given (most searches have none)."""
        value = self.cleaned_data[name]
        if value and not known().filter(slug=value).exists():
            raise forms.ValidationError(message.format(value), code="unknown")
        return value

    def clean_column(self):
        return self._known("column", Column.objects.all, "没有“{}”这个栏目。")

    def clean_speaker(self):
        return self._known("speaker", pages.speakers, "没有“{}”这位发言人。")

    def clean_meeting(self):
        return self._known("meeting", pages.meetings, "没有“{}”这个会议。")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期晚于结束日期。")
        return data

    def error_messages(self):
        messages = []
        for name, errors in self.errors.items():
            label = self.LABELS.get(name)
            messages += [f"{label}：{e}" if label else e for e in errors]
        return messages

    def search_args(self, json=False):
        data = self.cleaned_data
        return {
            "q": data["q"] or "",
            "filters": Filters(
                column=data["column"], kind=data["kind"], speaker=data["speaker"], meeting=data["meeting"],
                validity=data["validity"], genre=data["genre"], date_from=data["date_from"], date_to=data["date_to"],
            ),
            "sort": data["sort"] or "relevance",
            "page": data["page"] or 1,
            "per_page": (data["per_page"] or PER_PAGE) if json else PER_PAGE,
        }
