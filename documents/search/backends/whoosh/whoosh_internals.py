"""Every use of Whoosh's private members, in one place: a term's postings decoded a block at a time (engine.py),
and the postings writer that packs a block's values (codec.py). Checked by behaviour at process start: self_check()
writes a small index in memory and reads it here and through Whoosh's own matcher API; a Whoosh on which the two
disagree, or that lacks what is read here, is refused (UnsupportedIndex) instead of giving wrong results."""

from itertools import accumulate, repeat

import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PostingsWriter

# The Whoosh versions whose internals this module reads (pyproject.toml pins the same range).
WHOOSH_VERSIONS = ((2, 7, 4), (2, 8))
# What is read of W3LeafMatcher (methods, then attributes) and overridden of W3PostingsWriter.
MATCHER_METHODS = ("_read_data", "_read_values", "_next_block")
MATCHER_ATTRIBUTES = ("_atend", "_data", "_values")
WRITER_METHODS = ("_mini_values",)


class UnsupportedIndex(RuntimeError):
    """Whoosh or the index is not what the engine reads: reading on would give wrong results silently."""


def is_blocked(matcher):
    """Whether a term's postings are in blocks read here (else a single posting inlined in the term info: read it
    through the public API)."""
    return isinstance(matcher, W3LeafMatcher)


def id_blocks(matcher):
    """The document numbers of a blocked term's postings, one iterable a block (the per-posting API costs ~2 µs a
    call; these are decoded in C)."""
    while not matcher._atend:
        yield _block_ids(matcher)
        matcher._next_block()


def posting_blocks(matcher):
    """(ids, weights, values) of each block of a blocked term's postings; values is a tuple of each posting's
    encoded value (None for fields that store none)."""
    while not matcher._atend:
        ids, weights = _block_ids(matcher), _block_weights(matcher)
        matcher._read_values()
        yield ids, weights, matcher._values
        matcher._next_block()


# A block's ids and weights as W3LeafMatcher's _read_ids and _read_weights give them, decoded in C: they run a
# Python generator a posting.
def _block_ids(matcher):
    if matcher._data is None:
        matcher._read_data()
    return accumulate(matcher._data[0])  # document numbers are written as deltas


def _block_weights(matcher):
    weights = matcher._data[1]
    if weights is None or isinstance(weights, float):  # all 1, or all the same
        return repeat(1.0 if weights is None else weights)
    return weights


class ValuesPackingWriter(W3PostingsWriter):
    """W3's postings writer with each block's tuple of values passed through `pack` before it is pickled."""

    pack = staticmethod(lambda values: values)

    def _mini_values(self):
        values = super()._mini_values()
        return self.pack(values) if isinstance(values, tuple) else values


def _check_members():
    low, high = WHOOSH_VERSIONS
    if not low <= whoosh.__version__ < high:
        raise UnsupportedIndex(
            f"documents/search/backends/whoosh/whoosh_internals.py reads Whoosh's postings blocks as Whoosh "
            f"{'.'.join(map(str, low))} to {'.'.join(map(str, high))} (exclusive) write them; Whoosh "
            f"{whoosh.versionstring()} is installed: install a version in that range, or check this module against "
            "the new one and widen WHOOSH_VERSIONS"
        )
    missing = [name for name in MATCHER_METHODS if not callable(getattr(W3LeafMatcher, name, None))]
    missing += [name for name in WRITER_METHODS if not callable(getattr(W3PostingsWriter, name, None))]
    if missing:
        raise UnsupportedIndex(f"Whoosh lacks {missing}, which whoosh_internals.py reads postings with")


def _through_whoosh(reader, fieldname, term):
    matcher, found = reader.postings(fieldname, term), {}
    while matcher.is_active():
        found[matcher.id()] = (matcher.weight(), matcher.value())
        matcher.next()
    return found


def _through_blocks(reader, fieldname, term):
    matcher, found = reader.postings(fieldname, term), {}
    if not is_blocked(matcher):
        return None
    for ids, weights, values in posting_blocks(matcher):
        found.update(zip(ids, zip(weights, values)))
    ids = set()
    for block in id_blocks(reader.postings(fieldname, term)):
        ids.update(block)
    return found if ids == set(found) else {"ids disagree": True}


def self_check(codec):
    """Raise UnsupportedIndex unless this Whoosh is one whose internals are read here and, by behaviour, reading its
    blocks here gives what its own matcher gives: a small index written with `codec` (the archive's, with small
    blocks: several blocks a term, frequencies, positions, packed values) in memory, every term compared."""
    from whoosh.fields import KEYWORD, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage

    _check_members()
    index = RamStorage().create_index(Schema(text=TEXT(phrase=True), tags=KEYWORD(scorable=True)))
    writer = index.writer(codec=codec)
    for number in range(7):
        words = " ".join(["alpha"] * (number + 1) + ["beta", f"gamma{number % 3}"])
        writer.add_document(text=words, tags=" ".join(["x"] * (number % 3 + 1)))
    writer.commit()
    with index.reader() as reader:
        compared = 0
        for fieldname, raw in reader.all_terms():
            term = raw.decode("utf-8")
            blocks = _through_blocks(reader, fieldname, term)
            if blocks is None:
                continue
            if blocks != _through_whoosh(reader, fieldname, term):
                raise UnsupportedIndex(
                    f"Whoosh {whoosh.versionstring()}'s postings blocks do not read as whoosh_internals.py reads "
                    f"them (term {term!r} of {fieldname!r}): the engine would give wrong results"
                )
            compared += 1
    if compared < 3:
        raise UnsupportedIndex("whoosh_internals.self_check read fewer blocked terms than it wrote")
