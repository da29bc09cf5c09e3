"""The admin's history page in the staff's words: each change named by its field's label, choices by their Chinese
names, dates as 2022年9月22日, long texts by their length, rows deleted since named as such."""

import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ..common.dates import format_moment

EMPTY = "（空）"
# Longer values (a body's HTML) are shown by their length: the comparison of two versions is the restore page's job.
LONGEST_SHOWN = 60


class StaffHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            return f"（已删除的{value.model._meta.verbose_name}）"
        if value is None or value == "" or value == []:
            return EMPTY
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, datetime.datetime):
            return format_moment(value)
        if isinstance(value, datetime.date):
            return f"{value.year}年{value.month}月{value.day}日"
        if isinstance(value, (list, dict)):
            return f"（{len(value)} 项）"
        text = str(value)
        return text if len(text) <= LONGEST_SHOWN else f"{text[:LONGEST_SHOWN]}……（共 {len(text)} 字）"

    def stringify_delta_change_values(self, change, old, new):
        return mark_safe(escape(old)), mark_safe(escape(new))
