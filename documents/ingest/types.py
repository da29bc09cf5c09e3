"""What the readers of ingest hand to the pipeline: the document data, and the problems that stop one document."""

import datetime
from dataclasses import dataclass, field

from ..common.dates import UNKNOWN_DATE, PartialDate


class ImportProblem(Exception):
    """A document that cannot be imported; str() is the reason, in Chinese, for the user."""


# What a reader found, for callers that keep the file anyway (an attachment is kept, marked with the reason).
class FileTooLarge(ImportProblem):
    """Larger than IMPORT_MAX_BYTES: not read."""


class NoText(ImportProblem):
    """Nothing to read: an empty file, a scan without a text layer."""


class Encrypted(ImportProblem):
    """A password protects the content."""


class UnsupportedType(ImportProblem):
    """Not a kind of file the readers know."""


@dataclass
class DocumentData:
    title: str
    subtitle: str = ""
    date: PartialDate = UNKNOWN_DATE
    kind: str | None = None  # an Article.Kind value; None: the model's default
    column: str | None = None  # a column's name (or slug); None: the caller's default column
    speaker: str = ""
    speaker_title: str = ""
    meeting: str = ""
    issuer: str = ""
    doc_number: str = ""
    amendments: list = field(default_factory=list)  # [{"date": "YYYY[-MM[-DD]]" or None, "event": str}]
    body_html: str | None = None
    body_text: str | None = None
    source: str = ""
    attachments: list = field(default_factory=list)  # [(filename, bytes)]
    # The one of those files the body was read from (an imported office file keeps its original).
    body_file: str = ""
    # Backups (export_documents): files already in MEDIA_ROOT, copied there from the backup's media folder.
    media_attachments: list = field(default_factory=list)  # [(title, name relative to MEDIA_ROOT)]
    cover_image: str | None = None  # a name relative to MEDIA_ROOT; None: not given
    cover_alt: str | None = None
    # Carried by exported archives so that a backup restores exactly what it saved.
    import_key: str | None = None
    status: str | None = None  # None: the status the caller asks for
    pinned: bool | None = None
    # What the reader could not read but imported anyway (an impossible date, none found): for the import report.
    notes: list = field(default_factory=list)
    # Regulations: None leaves them to the rules (documents.legislation.regulations); a backup carries what staff set.
    effective_date: datetime.date | None = None  # 施行日期; None: read from the body
    validity: str | None = None  # an Article.Validity set by staff
    regulation: str | None = None  # the key of the version group
    regulation_by_hand: bool | None = None
