"""The legal facts of legal_truth.py about 新旧对照 and citations (kinds `comparisons` and `citations`), runnable
alone as well:

    .venv/bin/python bench/legal_truth_alignment.py [CORPUS_DIR] [--verbose] [--results [FILE]]
                                                                         (default ../shared/corpus)

comparisons.json: 20 pairs of adjacent versions from the corpus, every row aligned by hand by reading both texts
(legal-b). A row is [status, old unit, new unit]: status same/changed/added/deleted; a unit is its label as
written (第十条, 第二章) or, for another paragraph (a title line, a preamble, 法释〔2022〕8号), ¶ and its first 16
characters without spaces. counts: 改/增/删 over 条 only. `acceptable` lists units where a second reading is also
right (a provision split or merged): "old:第十三条": [null, "第二十四条"] (null: no partner). The archive's answer
is its comparison of the two imported texts (compare.compare), read as the judged rows when every unit has the
judged partner or one `acceptable` allows: a pair is right when its pairing and its counts are (the order in which
a deleted and an added unit of one place are listed is not judged).

citations.json: 55 dated 《》 citations of a regulation with several versions: which held version the link should
name (`links`, by corpus source) and what the archive should say about it (`version`: in_force, later, earlier,
undated), judged from the cited law's 修订沿革 and each version's own 施行 clause; a version adopted but not yet in
force on the citing date is not in force. The archive's answer is its stored citation row (an archive that says
nothing about versions claims the one it links was in force).

Alone, it imports the corpus into a throw-away SQLite database as legal_truth.py does and prints these two kinds
(`--verbose`: every fact the archive gets wrong; `--results`: the figures also written to FILE, default
bench/results/legal_truth_alignment-<UTC time>.txt).
"""

import argparse
import datetime
import importlib
import io
import json
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from common import corpus_files
from throwaway import ROOT, setup_site

HERE = Path(__file__).resolve().parent


def _module(name):
    """documents.legislation.<name> after the layout move, documents.<name> before it."""
    try:
        return importlib.import_module(f"documents.legislation.{name}")
    except ModuleNotFoundError:
        return importlib.import_module(f"documents.{name}")


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
    if _allowed(rows, fact["value"]["rows"], fact.get("acceptable", {})):
        rows = fact["value"]["rows"]
    return {"rows": rows, "counts": counts}


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

    titles = importlib.import_module("documents.common.titles" if _layout() else "documents.titles")
    citing = archive.article(fact["documents"][0])
    wanted = titles.title_key(fact["cited"])
    keys = {wanted, *titles.prefix_variants(wanted)}
    row = Citation.objects.filter(citing=citing, title_key__in=keys).select_related("cited").first()
    if row is None or row.cited is None:
        return {"links": None, "version": None}
    return {"links": row.cited.source, "version": getattr(row, "version", "") or "in_force"}


def _layout():
    return importlib.util.find_spec("documents.common") is not None


KINDS = {
    "comparisons": ("comparisons.json", comparison),
    "citations": ("citations.json", citation),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--verbose", action="store_true", help="list every fact the archive gets wrong")
    parser.add_argument("--results", nargs="?", const="", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args()
    output = io.StringIO()
    with redirect_stdout(output):
        run(args)
    sys.stdout.write(output.getvalue())
    if args.results is not None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M")
        path = Path(args.results) if args.results else HERE / "results" / f"legal_truth_alignment-{stamp}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"legal_truth_alignment.py run {stamp} UTC\n" + output.getvalue(), encoding="utf-8")
        print(f"results written to {path}")


def run(args):
    files = corpus_files(args.corpus)
    with tempfile.TemporaryDirectory(prefix="legal-truth-alignment-") as tmp:
        setup_site(Path(tmp))
        from documents.ingest.importer import import_paths

        started = time.perf_counter()
        result = import_paths(files, status="published", progress=False)
        print(f"corpus: {result.summary()} in {time.perf_counter() - started:.0f} s")
        archive = _Archive()
        for kind, (name, answer) in KINDS.items():
            facts = json.loads((HERE / "legal_truth" / name).read_text(encoding="utf-8"))
            wrong = [(fact, found) for fact in facts if (found := answer(fact, archive)) != fact["value"]]
            print(f"{kind:<14}{len(facts):>7}{len(facts) - len(wrong):>7}{1 - len(wrong) / len(facts):>10.3f}")
            for fact, found in wrong if args.verbose else ():
                print(f"  {' | '.join(fact['documents'])}\n    judged:  {_brief(fact['value'])}\n"
                      f"    archive: {_brief(found)}")


class _Archive:
    """The imported articles by corpus source (what legal_truth.Archive gives its kinds)."""

    def __init__(self):
        from documents.models import Article

        self.by_source = {a.source: a for a in Article.objects.exclude(source="")}

    def article(self, source):
        return self.by_source[source]


def _brief(value):
    """A comparison's answer as its rows that differ from nothing but themselves is long: show counts and rows."""
    return json.dumps(value, ensure_ascii=False)[:2000]


if __name__ == "__main__":
    main()
