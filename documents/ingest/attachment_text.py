"""The searchable text of attachments: read by the importer's readers in a bounded child process (bounded.py),
at most IMPORT_MAX_BYTES of a file and MAX_CHARS of its text, with the outcome (已提取, 无文字, 已加密 ...) and its
reason recorded on the Attachment; the backfill of attachments never read, which the search applier (`search_sync`,
and its loop under `make serve`) runs too, so that an attachment saved by any path (a shell, a data migration, a
restored backup) is searched.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from ..changes.cache_invalidation import batched_invalidation
from ..models import Attachment
from . import bounded
from .office import check_size, check_type, file_text
from .pipeline import Encrypted, FileTooLarge, ImportProblem, NoText, UnsupportedType

Status = Attachment.TextStatus

# About five times the longest document of the test corpus (107,000 characters), a report of 350 pages. Indexing this
# much costs under a second of word segmentation; a compilation longer than that is searchable in its first part.
MAX_CHARS = 500_000
BATCH = 100  # attachments loaded at a time by backfill()
# Attachments the applier's loop reads in one round: each read is bounded (FILE_READ_SECONDS), and the round's index
# updates wait for them.
PER_ROUND = 10

_STATUS_OF = {FileTooLarge: Status.TOO_LARGE, NoText: Status.NO_TEXT, Encrypted: Status.ENCRYPTED,
              UnsupportedType: Status.UNSUPPORTED}
_NOTE_CHARS = Attachment._meta.get_field("text_note").max_length


@dataclass
class Outcome:
    status: str
    text: str = ""
    note: str = ""

    def apply(self, attachment):
        attachment.text_status, attachment.text, attachment.text_note = self.status, self.text, self.note[:_NOTE_CHARS]


def _problem_outcome(problem):
    return Outcome(_STATUS_OF.get(type(problem), Status.UNREADABLE), note=str(problem))


def of_body():
    """The outcome of the file an article's body was read from: its text is the body's, searched as the body
    (kept here too it was indexed twice, and weighed twice by BM25)."""
    return Outcome(Status.BODY, note="正文即从这个文件读出，其文字作为正文检索")


def read_text(name, data, seconds=None):
    """The Outcome of reading file `name` whose content is `data`, in a child process given `seconds`."""
    try:
        check_size(len(data))
        check_type(name)
        return Outcome(Status.EXTRACTED, bounded.run(_capped_text, name, data, seconds=seconds))
    except ImportProblem as problem:
        return _problem_outcome(problem)


def _capped_text(name, data):
    """Run in the child: only the part kept is sent back."""
    return file_text(name, data, MAX_CHARS)[:MAX_CHARS]


def read_file(file, seconds=None):
    """The Outcome of a Django File: an upload (left open and rewound, to be stored) or a stored attachment's file;
    never more than IMPORT_MAX_BYTES of it is read."""
    try:
        check_size(file.size)  # a file too large is not read at all
        file.open("rb")
        data = file.read(settings.IMPORT_MAX_BYTES + 1)
        file.seek(0)
    except ImportProblem as problem:
        return _problem_outcome(problem)
    except (OSError, ValueError):
        return Outcome(Status.UNREADABLE, note=f"找不到附件文件“{file.name}”")
    return read_text(file.name, data, seconds)


@dataclass
class BackfillReport:
    counts: Counter = field(default_factory=Counter)

    def summary(self):
        total = sum(self.counts.values())
        if not total:
            return "没有需要提取文字的附件"
        parts = [f"{status.label} {self.counts[status]} 个" for status in Status if self.counts[status]]
        return f"处理附件 {total} 个：" + "，".join(parts)


def backfill(*, redo=False, seconds=None, limit=None):
    """Read the text of every attachment never read (redo: of all but the originals of bodies; limit: at most that
    many, the oldest first), saving each; the saves queue their articles for the search index (the caller applies
    the queue). Returns a BackfillReport."""
    chosen = (Attachment.objects.exclude(text_status=Status.BODY) if redo
              else Attachment.objects.filter(text_status=Status.PENDING))
    # Ids first: SQLite gives no isolation between a running query and writes to its table on one connection.
    ids = list(chosen.order_by("id").values_list("id", flat=True)[:limit])
    report = BackfillReport()
    with batched_invalidation():
        for start in range(0, len(ids), BATCH):
            for attachment in Attachment.objects.filter(id__in=ids[start : start + BATCH]).defer("text"):
                read_file(attachment.file, seconds).apply(attachment)
                attachment.file.close()
                attachment.save(update_fields=["text", "text_status", "text_note"])
                report.counts[attachment.text_status] += 1
    return report
