"""The legal facts of legal_truth.py about 新旧对照 and citations (kinds `comparisons` and `citations`), judged with
the other kinds by `bench/legal_truth.py`.

comparisons.json: 20 pairs of adjacent versions from the corpus, every row aligned by hand by reading both texts
(legal-b). A row is [status, old unit, new unit]: status same/changed/added/deleted; a unit is its label as
written (第十条, 第二章) or, for another paragraph (a title line, a preamble, 法释〔2022〕8号), ¶ and its first 16
characters without spaces. counts: 改/增/删 over 条 only. `acceptable` lists units where a second reading is also
right (a provision split or merged): "old:第十三条": [null, "第二十四条"] (null: no partner). The archive's answer
is its comparison of the two imported texts (compare.compare), read as the judged rows when every unit has the
judged partner or one `acceptable` allows: a pair is right when its pairing and its counts are (an acceptable
reading's counts are its own rows' 条 by status; the order in which a deleted and an added unit of one place are
listed is not judged).

citations.json: 55 dated 《》 citations of a regulation with several versions: which held version the link should
name (`links`, by corpus source) and what the archive should say about it (`version`: in_force, later, earlier,
undated), judged from the cited law's 修订沿革 and each version's own 施行 clause; a version adopted but not yet in
force on the citing date is not in force. The archive's answer is its stored citation row (an archive that says
nothing about versions claims the one it links was in force).
"""

import importlib


def _module(name):
    """documents.legislation.<name>, imported once Django is set up (legal_truth.py sets it up)."""
    return importlib.import_module(f"documents.legislation.{name}")


def _unit(unit):
    if unit is None:
        return None
    return unit.label if unit.label else "¶" + "".join(unit.text.split())[:16]


def comparison(fact, archive):
    """{"rows": [[status, old unit, new unit]], "counts"} of the archive's comparison, its acceptable choices
    read as the judged rows (see the module's docstring)."""
    old, new = (archive.article(source) for source in fact["documents"])
    result = _module("compare").compare(old.text, new.text)
    rows = [[row.status, _unit(row.old), _unit(row.new)] for row in result.rows]
    counts = {key: result.counts.get(key, 0) for key in ("changed", "added", "deleted")}
    if _allowed(rows, fact["value"]["rows"], fact.get("acceptable", {})) and counts == _counts(rows):
        return fact["value"]  # the acceptable reading, counted as the judged counts are: 条 rows by status
    return {"rows": rows, "counts": counts}


def _counts(rows):
    """改/增/删 of judged-format rows: the rows whose unit (the new one, the old one when deleted) is a 条."""
    found = {"changed": 0, "added": 0, "deleted": 0}
    for status, old, new in rows:
        unit = old if status == "deleted" else new
        if status in found and unit and unit.endswith("条"):
            found[status] += 1
    return found


def _partners(rows):
    found = {}
    for _status, old, new in rows:
        if old is not None:
            found[f"old:{old}"] = new
        if new is not None:
            found[f"new:{new}"] = old
    return found


def _allowed(rows, judged, acceptable):
    """Whether `rows` differ from `judged` only by partners `acceptable` allows."""
    answer, truth = _partners(rows), _partners(judged)
    return answer.keys() == truth.keys() and all(
        answer[unit] in acceptable.get(unit, [truth[unit]]) for unit in truth
    )


def citation(fact, archive):
    """{"links": the corpus source of the version linked (None: no link), "version": what the archive says}."""
    from documents.models import Citation

    titles = importlib.import_module("documents.common.titles")
    citing = archive.article(fact["documents"][0])
    wanted = titles.title_key(fact["cited"])
    keys = {wanted, *titles.prefix_variants(wanted)}
    row = Citation.objects.filter(citing=citing, title_key__in=keys).select_related("cited").first()
    if row is None or row.cited is None:
        return {"links": None, "version": None}
    return {"links": row.cited.source, "version": getattr(row, "version", "") or "in_force"}


KINDS = {
    "comparisons": ("comparisons.json", comparison),
    "citations": ("citations.json", citation),
}
