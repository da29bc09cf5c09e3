"""Licence notices that the collections a document was copied from append to its end (Chinese Wikisource's
公有领域 template and its machine marks): not the document's words, so neither searched nor compared. The import
drops them from a plain-text body's end; migration 0016_legal_a_facts drops them from stored bodies."""

import re

# The longest a notice runs: a notice is the end of a body, never a part of it.
_LONGEST = 800
# (name, where the notice starts): each runs from there to the end of the body.
NOTICES = (
    ("维基文库公有领域模板", re.compile(r"(?:^|\n\n)本作品(?:是|来自)\s*中华人民共和国")),
    ("维基文库社群注", re.compile(r"(?:^|\n\n)注：中文维基文库社群认为")),
    ("Public domain 标记", re.compile(r"(?:^|\n\n)Public domain(?=\s)")),
)
_NOT_WORDS = re.compile(r"(?:\s|Public domain|false)*")


def strip_notices(text):
    """(the text without the licence notices at its end, the names of those dropped)."""
    dropped = []
    while True:
        for name, start in NOTICES:
            found = [m for m in start.finditer(text, max(0, len(text) - _LONGEST))]
            if found and _is_notice(name, text[found[0].start():]):
                text, dropped = text[:found[0].start()].rstrip(), dropped + [name]
                break
        else:
            return text, dropped


def _is_notice(name, tail):
    if name == "Public domain 标记":
        return bool(_NOT_WORDS.fullmatch(tail))
    return "公有领域" in tail or "不总是" in tail
