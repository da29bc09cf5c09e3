"""Real corpus texts for the 新旧对照, 条文沿革 and citation-version tests (tests/fixtures/legal_b/, copied from the
test corpus: 行政复议法 2017 and 2023, 海洋环境保护法 2017 and 2023, two 司法解释 in two versions each)."""

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "legal_b"


def law(name):
    """{title, date, issuer, history, body, source} of tests/fixtures/legal_b/<name>.json."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
