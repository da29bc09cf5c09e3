"""Object ids read from addresses: ASCII digits within the database's 64-bit integers; anything else is no id."""

import re

# The largest value of a 64-bit integer column (SQLite's INTEGER, PostgreSQL's bigint): a larger number sent
# to either database is an error, not an empty result.
MAX_ID = 2**63 - 1
DIGITS = "[0-9]{1,19}"
_DIGITS = re.compile(DIGITS)


def parse_id(value):
    """The id `value` spells, or None when it is not one (not a number, a sign, past MAX_ID, a null byte)."""
    text = str(value)
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in URL patterns: an address whose id is not one does not match (a 404), rather than
    reaching a query that would fail."""

    regex = DIGITS

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django's sign for "this pattern does not match"
        return number

    def to_url(self, value):
        return str(value)
