"""The searchable text of attachments: read by the importer's readers, bounded in size, time, memory and length,
with the outcome (已提取, 无文字, 已加密 ...) and its reason recorded on the Attachment.

Why a child process (figures from `bench/attachment_text.py` on this 2-core machine): an ordinary 300-page report
PDF is read in 1.8 s, but pypdf reads a page whole and its time grows faster than the page's text: one page of
50,000 short lines (0.8 MB) took 1.4 s, of 200,000 lines (3.2 MB) 16.5 s, so a machine-made PDF well within
IMPORT_MAX_BYTES can take tens of minutes, and capping pages or characters cannot stop inside a page. A .docx is a zip
whose XML mammoth unpacks whole. Only a process can be stopped at a deadline and kept from eating the memory, so
the reader runs in a forked child (8 ms for a small file: nothing is imported again), killed when time is up.
The limit, ATTACHMENT_TEXT_SECONDS (15 s), is eight times what the longest text kept (MAX_CHARS) takes to read
from an ordinary PDF, and a quarter of gunicorn's worker timeout, which an admin save must stay within.
"""

import multiprocessing
import resource
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from ..cache import batched_invalidation
from ..models import Attachment
from .office import check_size, check_type, file_text
from .pipeline import Encrypted, FileTooLarge, ImportProblem, NoText, UnsupportedType

Status = Attachment.TextStatus

# About five times the longest document of the test corpus (107,000 characters): a 500-page report. Indexing this
# much costs under a second of word segmentation; a compilation longer than that is searchable in its first part.
MAX_CHARS = 500_000
# Memory the child may take beyond what it shares with the web worker it was forked from.
CHILD_MEMORY = 1024 * 1024 * 1024
BATCH = 100  # attachments loaded at a time by backfill()

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


def extracted(text):
    """The outcome of text a reader already has (an import read the file for the article's body)."""
    if not text.strip():
        return Outcome(Status.NO_TEXT, note="文件里没有文字")
    return Outcome(Status.EXTRACTED, text[:MAX_CHARS])


def read_text(name, data, seconds=None):
    """The Outcome of reading file `name` whose content is `data`, in a child process given `seconds`."""
    seconds = settings.ATTACHMENT_TEXT_SECONDS if seconds is None else seconds
    try:
        check_size(len(data))
        check_type(name)
    except ImportProblem as problem:
        return _problem_outcome(problem)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, name, data), daemon=True)
    child.start()
    sender.close()
    try:
        # The child's answer, or nothing by the deadline; EOF when it died (out of memory).
        return receiver.recv() if receiver.poll(seconds) else _timed_out(seconds)
    except EOFError:
        return Outcome(Status.UNREADABLE, note="读取文件时出错（可能内存不足），未能提取文字")
    finally:
        receiver.close()
        child.kill()
        child.join()


def _timed_out(seconds):
    note = f"读取超过 {seconds:g} 秒，已停止（文件可能过于复杂）；可用 extract_attachment_text --all --seconds 延长时间重试"
    return Outcome(Status.UNREADABLE, note=note)


def _child(sender, name, data):
    _limit_memory()
    try:
        outcome = Outcome(Status.EXTRACTED, file_text(name, data, MAX_CHARS)[:MAX_CHARS])
    except ImportProblem as problem:
        outcome = _problem_outcome(problem)
    except MemoryError:
        outcome = Outcome(Status.UNREADABLE, note="文件太复杂，读取时内存不足")
    except Exception as error:  # a malformed file can trip a reader anywhere: it costs this attachment only
        outcome = Outcome(Status.UNREADABLE, note=f"文件已损坏或格式无法识别（{type(error).__name__}）")
    sender.send(outcome)
    sender.close()


def _limit_memory():
    with open("/proc/self/statm") as statm:
        shared = int(statm.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = shared + CHILD_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


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


def backfill(*, redo=False, seconds=None):
    """Read the text of every attachment never read (redo: of all), saving each; the saves queue their articles
    for the search index (the caller applies the queue). Returns a BackfillReport."""
    chosen = Attachment.objects.all() if redo else Attachment.objects.filter(text_status=Status.PENDING)
    # Ids first: SQLite gives no isolation between a running query and writes to its table on one connection.
    ids = list(chosen.order_by("id").values_list("id", flat=True))
    report = BackfillReport()
    with batched_invalidation():
        for start in range(0, len(ids), BATCH):
            for attachment in Attachment.objects.filter(id__in=ids[start : start + BATCH]).defer("text"):
                read_file(attachment.file, seconds).apply(attachment)
                attachment.file.close()
                attachment.save(update_fields=["text", "text_status", "text_note"])
                report.counts[attachment.text_status] += 1
    return report
