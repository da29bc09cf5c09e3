"""Import files and folders: each document on its own, problems collected for a report."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from tqdm import tqdm

from ..changes import service
from .jsonl import read_jsonl
from .office import SUPPORTED as OFFICE_SUPPORTED
from .office import check_size, read_office_file
from .pipeline import ImportProblem, LookupCache, save_document
from .portal_page import read_portal_page

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
PAGE_SUFFIXES = (".txt", ".html", ".htm")
SUPPORTED = JSONL_SUFFIXES + OFFICE_SUPPORTED
# Documents that carry no column go to 人大要闻 unless the caller names another; by slug, so renaming it is safe.
DEFAULT_COLUMN = "news"


@dataclass
class Failure:
    """Where (a file, a line of it) and why: a document that failed, or a note on one imported all the same."""

    path: str
    line: int | None
    reason: str

    def __str__(self):
        where = f"{self.path} 第 {self.line} 行" if self.line else self.path
        return f"{where}：{self.reason}"


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    updated: int = 0
    # Documents already there whose content differs: left alone because no update was asked for.
    stale: int = 0
    failures: list = field(default_factory=list)
    # Imported all the same, but something was not read (an impossible date, no date at all): staff may fix it.
    notes: list = field(default_factory=list)
    # Documents imported or updated whose body ended with a licence notice, dropped (documents.ingest.noise).
    cleaned: int = 0
    # Steps after the documents were saved (citations, related documents ...) that did not finish, with the
    # command that finishes each: (what, command).
    unfinished: list = field(default_factory=list)

    @property
    def failed(self):
        return len(self.failures)

    def summary(self):
        line = f"导入 {self.imported} 篇，未变 {self.unchanged} 篇，更新 {self.updated} 篇，失败 {self.failed} 篇"
        if self.stale:
            line += f"（其中 {self.stale} 篇已存在但内容不同，未更新；要更新请加 --update）"
        if self.cleaned:
            line += f"，清理版权声明 {self.cleaned} 篇（正文末尾的来源版权声明已删去）"
        return line


def collect_files(paths):
    """(files to import, failures for paths that cannot be): folders are walked recursively."""
    files, failures = [], []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.name.lower().endswith(SUPPORTED)
            )
            files.extend(found)
        elif path.is_file():
            if path.name.lower().endswith(SUPPORTED):
                files.append(path)
            else:
                failures.append(Failure(str(path), None, "不支持的文件类型（支持 .jsonl、.jsonl.gz、.docx、.pdf、.txt、.html）"))
        else:
            failures.append(Failure(str(path), None, "找不到这个文件或文件夹"))
    return files, failures


class _Run:
    def __init__(self, report, options, bar):
        self.report, self.options, self.bar = report, options, bar
        self.cache = LookupCache()

    def save(self, path, line, data):
        try:
            result = save_document(data, cache=self.cache, **self.options)
        except ImportProblem as problem:
            self.fail(path, line, problem)
            return
        setattr(self.report, result.outcome, getattr(self.report, result.outcome) + 1)
        self.report.stale += result.stale
        if result.outcome != "unchanged":
            self.report.notes += [Failure(str(path), line, note) for note in data.notes]
            self.report.cleaned += bool(result.cleaned)

    def fail(self, path, line, problem):
        self.report.failures.append(Failure(str(path), line, str(problem)))

    def jsonl(self, path):
        done = 0
        for line, item, position in read_jsonl(path, settings.IMPORT_MAX_BYTES):
            if isinstance(item, ImportProblem):
                self.fail(path, line, item)
            else:
                self.save(path, line, item)
            self.bar.update(max(0, position - done))
            done = max(done, position)
        return done

    def document(self, path):
        try:
            check_size(path.stat().st_size)
            if path.suffix.lower() in PAGE_SUFFIXES:
                # A saved page is all in its body: no attachment, unlike the office files staff hand in.
                data = read_portal_page(path.name, path.read_bytes())
            else:
                data = read_office_file(path.name, path.read_bytes())
        except ImportProblem as problem:
            self.fail(path, None, problem)
            return
        self.save(path, None, data)


def import_paths(paths, *, status, default_column=None, update=False, dry_run=False, progress=None):
    """Import every document under `paths`; return an ImportReport. Search indexing is the caller's step.

    `progress`: show a progress bar on stderr; by default only when stderr is a terminal.
    """
    files, failures = collect_files(paths)
    report = ImportReport(failures=failures)
    options = {
        "status": status, "default_column": default_column or DEFAULT_COLUMN, "update": update, "dry_run": dry_run,
    }
    total = sum(path.stat().st_size for path in files)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="导入", disable=not show,
               file=sys.stderr, leave=False)
    # What the documents' changes set off (citations, related documents, versions' 时效性, the page cache) runs once
    # at the end, for all the documents saved (a dry run's were rolled back), each step in short transactions.
    try:
        with service.bulk(apply=not dry_run), bar:
            run = _Run(report, options, bar)
            for path in files:
                if path.name.lower().endswith(JSONL_SUFFIXES):
                    done = run.jsonl(path)
                    bar.update(path.stat().st_size - done)
                else:
                    run.document(path)
                    bar.update(path.stat().st_size)
    except service.StepFailed as failed:
        report.unfinished = [(name, command) for name, command, _ in failed.failures]
    return report
