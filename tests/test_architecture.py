"""The package's layers (.importlinter, drawn in docs/architecture.md) hold: `lint-imports` keeps every contract."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(config):
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_every_import_follows_the_declared_layers():
    result = lint(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_against_the_layers_breaks_the_contract(tmp_path):
    # The same contract with two layers swapped: archive imports search, so it cannot sit below it.
    config = (ROOT / ".importlinter").read_text(encoding="utf-8")
    swapped = config.replace("    archive | ingest\n    related\n    search\n", "    search\n    related\n    archive | ingest\n")
    assert swapped != config
    (tmp_path / "contracts.ini").write_text(swapped, encoding="utf-8")
    result = lint(tmp_path / "contracts.ini")
    assert result.returncode != 0
    assert "documents.archive" in result.stdout and "BROKEN" in result.stdout
