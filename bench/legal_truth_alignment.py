"""Judged facts of 新旧对照 and citations (bench/legal_truth/comparisons.json, citations.json) checked against the
archive's own answers: a kind of bench/legal_truth.py, runnable alone.

    .venv/bin/python bench/legal_truth_alignment.py [CORPUS_DIR]      (default ../shared/corpus)

Comparisons: the archive's comparison (compare.compare) of the two versions' texts, judged unit by unit: each old
unit's partner (or none: deleted) and each new unit's (or none: added) against the rows aligned by hand (a unit
listed under `acceptable` may have any of its partners); a pair is right when every unit is and its 改/增/删 counts
are the judged ones. Citations: the archive's resolution (citation_index.resolve) over the corpus's documents, right
when it links the judged version and says the judged `version` (an archive that says nothing claims in force).
Prints the accuracy of each kind; asserts nothing.
"""

import argparse
import json
import sys
from pathlib import Path

from throwaway import ROOT

TRUTH = Path(__file__).resolve().parent / "legal_truth"


def _module(name):
    """documents.legislation.<name> after the layout move, documents.<name> before it."""
    import importlib

    try:
        return importlib.import_module(f"documents.legislation.{name}")
    except ImportError:
        return importlib.import_module(f"documents.{name}")


def load_corpus(folder):
    documents = []
    for path in sorted(Path(folder).glob("laws.jsonl")):
        with open(path, encoding="utf-8") as lines:
            documents += [json.loads(line) for line in lines if line.strip()]
    return documents


def _find(documents, title, date, history=None):
    found = [d for d in documents if d["title"] == title and d["date"] == date
             and (history is None or len(d.get("history") or []) == history)]
    if len(found) != 1:
        raise LookupError(f"{title} {date}: {len(found)} documents")
    return found[0]


def _label(unit):
    return unit.label if unit.label else "¶" + "".join(unit.text.split())[:16]


# --- comparisons --------------------------------------------------------------------------------------------------


def comparison_answer(pair, documents):
    """The archive's rows for `pair`: [(status, old label or None, new label or None)] and its counts."""
    compare = _module("compare")
    old = _find(documents, pair["title"], pair["old"]["date"], pair["old"]["history"])
    new = _find(documents, pair["title"], pair["new"]["date"], pair["new"]["history"])
    result = compare.compare(old["body"], new["body"])
    rows = [(row.status, _label(row.old) if row.old else None, _label(row.new) if row.new else None)
            for row in result.rows]
    return rows, result.counts


def _fates(rows):
    """{"old:<label>": partner or None, "new:<label>": partner or None} of rows given as (status, old, new)."""
    fates = {}
    for _status, old, new in rows:
        if old is not None:
            fates[f"old:{old}"] = new
        if new is not None:
            fates[f"new:{new}"] = old
    return fates


def judge_comparison(pair, documents):
    """(units right, units, pair right, wrong units as text)."""
    rows, counts = comparison_answer(pair, documents)
    truth = _fates([(r["status"], r.get("old"), r.get("new")) for r in pair["rows"]])
    answer = _fates(rows)
    acceptable = pair.get("acceptable", {})
    wrong = []
    for unit, partner in truth.items():
        allowed = acceptable[unit]["partners"] if unit in acceptable else [partner]
        if unit not in answer or answer[unit] not in allowed:
            wrong.append(f"{unit} -> {answer.get(unit, '(missing)')} (judged {' | '.join(map(str, allowed))})")
    counts_right = {k: counts.get(k, 0) for k in ("changed", "added", "deleted")} == pair["counts"]
    if not counts_right:
        wrong.append(f"counts {counts} (judged {pair['counts']})")
    return len(truth) - len([w for w in wrong if not w.startswith("counts")]), len(truth), not wrong, wrong


# --- citations ----------------------------------------------------------------------------------------------------


def _version_of(document, index):
    from documents import dates

    citation_index = _module("citation_index")
    provisions = _module("provisions")
    date = dates.parse_partial_date(document["date"]).date if document["date"] else None
    fields = {"id": index, "date": date, "issuer": document.get("issuer") or ""}
    extra = {
        "effective": lambda: provisions.effective_date(document["body"], date),
        "history": lambda: tuple((dates.parse_partial_date(h.get("date")).date if h.get("date") else None,
                                  h.get("event") or "") for h in document.get("history") or []),
    }
    for name in citation_index.Version._fields:
        if name not in fields:
            fields[name] = extra[name]()
    return citation_index.Version(**fields)


def citation_answer(fact, documents, by_key, versions):
    """(the linked document or None, the version flag the archive states)."""
    from documents.citations import find_in_text
    from documents.titles import prefix_variants, title_key

    citation_index = _module("citation_index")
    citing_index, citing = next((i, d) for i, d in enumerate(documents)
                                if d["title"] == fact["citing"]["title"] and d["date"] == fact["citing"]["date"])
    wanted = title_key(fact["cited"])
    key = next(f.key for f in find_in_text(citing["body"]) if f.key == wanted or wanted in prefix_variants(f.key))
    outcome = citation_index.resolve(key, versions[citing_index], by_key)
    linked = documents[outcome[1]] if outcome[1] is not None else None
    # An archive whose answer names no version claims the one it links was in force.
    flag = outcome[2] if len(outcome) > 2 else "in_force"
    return linked, flag


def judge_citation(fact, documents, by_key, versions):
    linked, flag = citation_answer(fact, documents, by_key, versions)
    if linked is None:
        return False, "no link"
    target = fact["target"]
    if target is None:  # the newest held version
        from documents.titles import title_key

        group = [d for d in documents if title_key(d["title"]) == title_key(linked["title"]) and d["date"]]
        target = max(d["date"] for d in group)
    right = linked["date"] == target and flag == fact["version"]
    return right, f"linked {linked['date']} says {flag} (judged {target} {fact['version']})"


def citation_context(documents):
    from documents.titles import title_key

    versions = [_version_of(d, i) for i, d in enumerate(documents)]
    by_key = {}
    for d, version in zip(documents, versions):
        by_key.setdefault(title_key(d["title"]), []).append(version)
    return by_key, versions


# --- the registry's entries and the standalone run --------------------------------------------------------------


def check_comparisons(documents, verbose=True):
    pairs = json.loads((TRUTH / "comparisons.json").read_text(encoding="utf-8"))["pairs"]
    units = right_units = right_pairs = 0
    for pair in pairs:
        good, total, whole, wrong = judge_comparison(pair, documents)
        units, right_units, right_pairs = units + total, right_units + good, right_pairs + whole
        if verbose and wrong:
            print(f"  {pair['title']} {pair['old']['date']} -> {pair['new']['date']}:")
            for line in wrong:
                print(f"    {line}")
    return {"comparison units": (right_units, units), "comparisons without error": (right_pairs, len(pairs))}


def check_citations(documents, verbose=True):
    facts = json.loads((TRUTH / "citations.json").read_text(encoding="utf-8"))["facts"]
    by_key, versions = citation_context(documents)
    right = 0
    for fact in facts:
        good, detail = judge_citation(fact, documents, by_key, versions)
        right += good
        if verbose and not good:
            print(f"  {fact['citing']['title']} ({fact['citing']['date']}) 《{fact['cited']}》: {detail}")
    return {"citations": (right, len(facts))}


KINDS = {"comparisons": check_comparisons, "citations": check_citations}


def setup_django():
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_site.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--quiet", action="store_true", help="figures only, not the facts judged wrong")
    args = parser.parse_args()
    setup_django()
    documents = load_corpus(args.corpus)
    for name, check in KINDS.items():
        print(f"{name}:")
        for label, (good, total) in check(documents, verbose=not args.quiet).items():
            print(f"{label:<28}{good:>5} / {total:<5}{good / total:>7.1%}")


if __name__ == "__main__":
    main()
