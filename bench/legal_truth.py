"""Legal facts judged by reading the corpus, checked against what the archive derives: the accuracy of each kind.

    .venv/bin/python bench/legal_truth.py [CORPUS_DIR] [--verbose] [--results [FILE]]   (default ../shared/corpus)

The facts live in bench/legal_truth/<kind>.json, one list per kind; each fact names its documents by their corpus
`source`, the judged `value` and a `note` quoting the text that decides it. The corpus is imported (as `manage.py
import_documents` does) into a throw-away SQLite database; each kind's answer function then reads the archive's
answer for one fact. Prints, per kind, how many facts the archive gets right (`--verbose`: every wrong one with
both values). `--results` also writes the figures to FILE (default bench/results/legal_truth-<UTC time>.txt).

A kind is a data file plus an answer function: a module listed in KIND_MODULES defines
KINDS = {name: (data file name, answer(fact, archive))}.
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
DATA = HERE / "legal_truth"
# One line per module that defines kinds of facts.
KIND_MODULES = [
    "legal_truth_kinds",
    "legal_truth_alignment",
]


def kinds():
    """{name: (data file path, answer function)} of every registered kind, in registration order."""
    found = {}
    for name in KIND_MODULES:
        for kind, (filename, answer) in importlib.import_module(name).KINDS.items():
            found[kind] = (DATA / filename, answer)
    return found


class Archive:
    """The imported archive, looked up by corpus `source`."""

    def __init__(self):
        from documents.models import Article

        self.by_source = {a.source: a for a in Article.objects.exclude(source="").select_related("regulation")}

    def article(self, source):
        try:
            return self.by_source[source]
        except KeyError:
            raise LookupError(f"not imported: {source}") from None


def judge(registered, archive):
    """{kind: (facts, [(fact, archive's answer) wrong])}."""
    outcome = {}
    for kind, (path, answer) in registered.items():
        facts = json.loads(path.read_text(encoding="utf-8"))
        wrong = []
        for fact in facts:
            try:
                found = answer(fact, archive)
            except LookupError as error:
                found = f"<{error}>"
            if found != fact["value"]:
                wrong.append((fact, found))
        outcome[kind] = (facts, wrong)
    return outcome


def report(outcome, verbose):
    print(f"{'kind':<14}{'facts':>7}{'right':>7}{'accuracy':>10}")
    for kind, (facts, wrong) in outcome.items():
        right = len(facts) - len(wrong)
        print(f"{kind:<14}{len(facts):>7}{right:>7}{right / len(facts) if facts else float('nan'):>10.3f}")
    total = sum(len(f) for f, _ in outcome.values())
    right = total - sum(len(w) for _, w in outcome.values())
    print(f"{'all':<14}{total:>7}{right:>7}{right / total if total else float('nan'):>10.3f}")
    if verbose:
        for kind, (_, wrong) in outcome.items():
            for fact, found in wrong:
                label, judged = fact.get("field", ""), json.dumps(fact["value"], ensure_ascii=False)
                print(f"\n[{kind}] {label} {' | '.join(fact['documents'])}\n  judged:  {judged}"
                      f"\n  archive: {json.dumps(found, ensure_ascii=False)}\n  note:    {fact['note']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--verbose", action="store_true", help="list every fact the archive gets wrong")
    parser.add_argument("--results", nargs="?", const="", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    registered = kinds()

    with tempfile.TemporaryDirectory(prefix="legal-truth-bench-") as tmp:
        setup_site(Path(tmp))
        from documents.ingest.importer import import_paths

        started = time.perf_counter()
        result = import_paths(files, status="published", progress=False)
        imported = f"corpus: {result.summary()} in {time.perf_counter() - started:.0f} s"
        outcome = judge(registered, Archive())

    output = io.StringIO()
    with redirect_stdout(output):
        print(imported)
        report(outcome, args.verbose)
    sys.stdout.write(output.getvalue())
    if args.results is not None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M")
        path = Path(args.results) if args.results else HERE / "results" / f"legal_truth-{stamp}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"legal_truth.py run {stamp} UTC\n" + output.getvalue(), encoding="utf-8")
        print(f"results written to {path}")


if __name__ == "__main__":
    main()
