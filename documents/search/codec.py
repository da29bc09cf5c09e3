"""How the index is written: Whoosh's W3 codec, its blocks zlib-compressed and their values pickled compactly.

Whoosh pickles each block of postings with protocol 2, which has no opcode for bytes: every value (a bigram's
packed positions in one document) becomes a latin-1 string behind a call of codecs.encode, about 13 bytes of
framing a posting, and each byte above 127 takes two. That was two thirds of the postings file. PackedValues
pickles a block's values as one integer instead (a pickle opcode, its length, the bytes); unpickling gives back
the tuple of bytes Whoosh's own matcher reads, so reading the index (engine.py, Whoosh) is unchanged.
"""

from array import array
from itertools import accumulate

from whoosh.codec.whoosh3 import W3Codec

from .backends.whoosh.whoosh_internals import ValuesPackingWriter

# zlib level 1: on the benchmark corpus 29 % off the index for 8 % more build time and no slower searches
# (engine.py keeps the decoded postings of common terms in memory); higher levels save under 1 % more.
COMPRESSION = 1


# Frozen (search/index/pickled.py): every block of every index pickles this function by name.
def unpack_values(count, number):
    """The tuple of `count` bytes values PackedValues.__reduce__ packed into `number`."""
    data = number.to_bytes((number.bit_length() + 7) // 8, "little")[:-1]  # the last byte is the sentinel
    lengths = array("I")
    lengths.frombytes(data[: lengths.itemsize * count])
    starts = list(accumulate(lengths, initial=lengths.itemsize * count))
    return tuple(map(data.__getitem__, map(slice, starts, starts[1:])))


class PackedValues(tuple):
    """A block's values, pickled as their lengths and bytes in one integer (a sentinel byte after them keeps
    trailing zero bytes)."""

    def __reduce__(self):
        data = array("I", map(len, self)).tobytes() + b"".join(self) + b"\x01"
        return unpack_values, (len(self), int.from_bytes(data, "little"))


class PackedPostingsWriter(ValuesPackingWriter):
    pack = PackedValues


# Frozen (search/index/pickled.py): every index's table of contents pickles this class by name.
class ArchiveCodec(W3Codec):
    def postings_writer(self, dbfile, byteids=False):
        return PackedPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                    compression=self._compression, inlinelimit=self._inlinelimit)


def writing_codec(blocklimit=128):
    """The codec every writer (the full build, the queue's updates) writes with."""
    # (Whoosh's inlining of single postings into the term info, inlinelimit > 1, fails in 2.7.4: set_inline.)
    return ArchiveCodec(blocklimit=blocklimit, compression=COMPRESSION)
