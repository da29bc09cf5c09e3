"""The legal facts of legal_truth.py about force and versions: 时效性, version groups, 施行日期 (each kind's answer
function reads the archive's answer for one judged fact)."""

import importlib


def _regulations():
    """The module that groups versions (documents.legislation after the layout move, documents before it)."""
    for name in ("documents.legislation.regulations", "documents.regulations"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError("documents regulations module")


def validity(fact, archive):
    """The 时效性 the archive shows for the document ("" when it shows none)."""
    from documents.models import Article

    article = archive.article(fact["documents"][0])
    return Article.Validity(article.validity).label if article.validity else ""


def versions(fact, archive):
    """The versions of the first document's regulation, newest first, each as the sources of its records (a law's
    parts in their order; a text and its duplicates sorted)."""
    from documents.models import Article

    article = archive.article(fact["documents"][0])
    if article.regulation_id is None:
        return [[article.source]]
    regulations = _regulations()
    members = list(Article.objects.filter(regulation_id=article.regulation_id))
    texts = getattr(regulations, "version_records", None)
    if texts is None:  # before the archive knew duplicates and parts: every record is a version
        return [[m.source] for m in regulations.newest_first(members)]
    # A law's parts keep their order; a text and its duplicates have none.
    return [[m.source for m in records] if regulations.is_part(records[0]) else sorted(m.source for m in records)
            for records in texts(members)]


def effective(fact, archive):
    """The archive's 本版施行日期 or 首次施行日期 (fact["field"]) as YYYY-MM-DD, or None."""
    article = archive.article(fact["documents"][0])
    if fact["field"] == "本版施行日期":
        found = article.effective_date
    else:  # one 施行日期 shown before the archive told the two apart
        found = getattr(article, "first_effective_date", article.effective_date)
    return found.isoformat() if found else None


KINDS = {
    "validity": ("validity.json", validity),
    "versions": ("versions.json", versions),
    "effective": ("effective.json", effective),
}
