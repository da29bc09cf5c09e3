"""Reading files' text: how long the readers take on ordinary and pathological files, in this process and in the
forked child that documents.ingest.bounded runs them in for web requests (the figures behind its time limit).

    .venv/bin/python bench/attachment_text.py

Prints, for each file, its size, the characters read and the seconds taken, in process (the plain call) and through
read_text() (fork, read, send the text back), then what the slowest rate means for a file of IMPORT_MAX_BYTES.
"""

import io
import tempfile
import time
from pathlib import Path

from throwaway import setup_site


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def files():
    from pypdf import PdfReader, PdfWriter

    from tests.staff_support import docx_bytes, pdf_bytes

    line = "平顶山市人大常委会依法开展监督工作，推进地方立法，加强代表工作。第{}行"
    writer = PdfWriter()
    for number in range(300):
        writer.append(PdfReader(io.BytesIO(pdf_bytes([f"第{number}页"] + [line.format(n) for n in range(40)]))))
    report = io.BytesIO()
    writer.write(report)
    yield "300-page report.pdf", report.getvalue()
    for lines in (50_000, 200_000):
        yield f"one page, {lines:,} lines.pdf", pdf_bytes(["人大"] * lines)
    yield "3,000 paragraphs.docx", docx_bytes("标题", *(line.format(n) for n in range(3000)))
    yield "tiny.txt", "标题\n\n正文。".encode()


def main():
    with tempfile.TemporaryDirectory(prefix="attachment-bench-") as tmp:
        setup_site(Path(tmp))
        from django.conf import settings

        from documents.ingest.attachment_text import MAX_CHARS, read_text
        from documents.ingest.office import file_text

        print(f"{'file':<28}{'MB':>7}{'chars':>10}{'in process s':>14}{'child s':>10}")
        slowest = 0.0
        for name, data in files():
            text, plain = timed(file_text, name, data, MAX_CHARS)
            outcome, child = timed(read_text, name, data, seconds=600)
            assert outcome.text == text[:MAX_CHARS], name
            megabytes = len(data) / 1048576
            slowest = max(slowest, plain / megabytes)
            print(f"{name:<28}{megabytes:>7.2f}{len(outcome.text):>10,}{plain:>14.3f}{child:>10.3f}")
        limit = settings.IMPORT_MAX_BYTES / 1048576
        print(f"slowest rate {slowest:.2f} s/MB: a {limit:.0f} MB file like it would take {slowest * limit:.0f} s; "
              f"the limit is {settings.FILE_READ_SECONDS:g} s")


if __name__ == "__main__":
    main()
