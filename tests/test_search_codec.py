"""codec.py: blocks of postings pickled compactly, read back as the tuple of bytes Whoosh's matcher expects."""

import pickle

import pytest

from documents.search.analysis import PackedPositions
from documents.search.codec import PackedValues


@pytest.mark.parametrize("values", [
    (b"\x00",), (b"\x01\x00\x00", b"", b"\x00"), (b"\xff" * 300, b"\x02" + bytes(range(256))),
    tuple(PackedPositions().encode(list(range(i, 2000 * i + 1, i))) for i in range(1, 129)),
])
def test_a_blocks_values_come_back_as_written(values):
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        read = pickle.loads(pickle.dumps(PackedValues(values), protocol))
        assert read == values and type(read) is tuple


def test_the_framing_is_a_few_bytes_a_block_not_a_posting():
    values = tuple(PackedPositions().encode([i * 7, i * 7 + 300]) for i in range(128))
    payload = sum(map(len, values))
    assert len(pickle.dumps(PackedValues(values), 2)) < payload + 4 * len(values) + 80
    assert len(pickle.dumps(values, 2)) > 2 * payload  # what Whoosh's protocol 2 does with the bytes
