"""The 条 of two versions paired by content over the whole text: a moved and revised 条 is one pair, unrelated
texts under one number are not.

Units equal after folding are paired first (difflib's matching blocks, in order). Every other unit of the old
text is a candidate partner of every other unit of the new one of the same kind; the pairs are chosen at once by
a maximum-weight matching on their similarity (the Hungarian method: scipy's linear_sum_assignment), so a 条 moved
from the first chapter to the fifth is found as well as one next door, and two 条 never claim one partner.
Similarity is the Dice coefficient of the two texts' sets of character pairs, computed for all candidates at once
as one sparse matrix product (the pairs encoded as integers by numpy, once per alignment). A pair counts when its similarity reaches SIMILAR anywhere, or NEARBY when both sit
in the same gap between units already paired (the same place in both texts: a 条 rewritten where it stood). A
heading left over there is paired with the heading of the same number (第二章 总则 renamed 第二章 一般规定).
Last, a unit still alone anywhere is paired with one that holds most of it (ABSORBED of the shorter one's pairs,
Dice at least ABSORBED_FLOOR): a 条 taken whole into a longer one as its first 款.
"""

from difflib import SequenceMatcher

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

SIMILAR = 0.5  # Dice of character pairs: above it two units are one unit changed, wherever they stand
NEARBY = 0.31  # the same, for two units in the same place (the gap between the same paired neighbours)
ABSORBED = 0.75  # share of the shorter unit's character pairs found in the longer: one 条 taken into another
ABSORBED_FLOOR = 0.35  # ... whose Dice still reaches this, so a short formula inside a long 条 is not a partner
ORDER_BONUS = 0.001  # ties go to the pair nearer in relative position: never outweighs a similarity difference


def align(old, new):
    """[(old index or None, new index or None, similarity)] in reading order of the new text (a deleted unit
    right after its old predecessor). `old`, `new`: units with .key (folded text without label), .pairs (its set
    of character pairs) and .kind."""
    partner = {}  # old index -> (new index, similarity)
    rest_old, rest_new = [], []
    matcher = SequenceMatcher(None, [u.key for u in old], [u.key for u in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            partner.update((i, (j, 1.0)) for i, j in zip(range(i1, i2), range(j1, j2)))
        else:
            rest_old += range(i1, i2)
            rest_new += range(j1, j2)
    bigrams = _Bigrams(old, new)
    partner.update(bigrams.match(rest_old, rest_new, SIMILAR))
    partner.update(_match_in_gaps(old, new, partner, bigrams))
    taken = {j for j, _ in partner.values()}
    partner.update(bigrams.match([i for i in range(len(old)) if i not in partner],
                                 [j for j in range(len(new)) if j not in taken], ABSORBED_FLOOR, ABSORBED))
    return _in_order(partner, len(old), len(new))


def _match_in_gaps(old, new, partner, bigrams):
    taken = {j for j, _ in partner.values()}
    paired = sorted((i, j) for i, (j, _) in partner.items())
    found = {}
    for (i0, j0), (i1, j1) in zip([(-1, -1)] + paired, paired + [(len(old), len(new))]):
        if i1 - i0 > 1 and j1 - j0 > 1:
            gap_old = [i for i in range(i0 + 1, i1) if i not in partner]
            gap_new = [j for j in range(j0 + 1, j1) if j not in taken]
            pairs = bigrams.match(gap_old, gap_new, NEARBY)
            pairs.update(_same_headings(old, new, [i for i in gap_old if i not in pairs],
                                        [j for j in gap_new if j not in {j for j, _ in pairs.values()}]))
            found.update(pairs)
    return found


def _is_heading(unit):
    return unit.kind not in ("", "条")  # 编, 分编, 章, 节


def _same_headings(old, new, old_indices, new_indices):
    """Headings of one kind and number in the same place: one heading renamed, whatever its words."""
    free = {(new[j].kind, new[j].label): j for j in new_indices if _is_heading(new[j])}
    found = {}
    for i in old_indices:
        j = free.pop((old[i].kind, old[i].label), None) if _is_heading(old[i]) else None
        if j is not None:
            found[i] = (j, old[i].similarity(new[j]))
    return found


def _pair_codes(key):
    """The distinct character pairs of `key` as integers (two code points of 21 bits); a key shorter than two
    characters is its own single pair, as Unit.pairs has it."""
    if len(key) < 2:
        return np.array([(ord(key) if key else 0x110000) << 21 | 0x1FFFFF], dtype=np.uint64)
    chars = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return np.unique(chars[:-1] << np.uint64(21) | chars[1:])


class _Bigrams:
    """The units' sets of character pairs as one sparse 0/1 matrix a side (a row a unit), built once."""

    def __init__(self, old, new):
        codes = [_pair_codes(unit.key) for unit in old + new]
        sizes = np.array([len(c) for c in codes])
        flat = np.concatenate(codes) if codes else np.empty(0, dtype=np.uint64)
        columns = np.unique(flat, return_inverse=True)[1].ravel()
        rows = np.repeat(np.arange(len(codes)), sizes)
        matrix = csr_matrix((np.ones(len(flat)), (rows, columns)), shape=(len(codes), int(columns.max(initial=0)) + 1))
        self.old, self.new = matrix[: len(old)], matrix[len(old):]
        self.old_sizes, self.new_sizes = sizes[: len(old)], sizes[len(old):]
        kinds = {}
        self.old_kinds = np.array([kinds.setdefault(u.kind, len(kinds)) for u in old], dtype=int)
        self.new_kinds = np.array([kinds.setdefault(u.kind, len(kinds)) for u in new], dtype=int)

    def match(self, old_indices, new_indices, threshold, absorbed=0.0):
        """{old index: (new index, similarity)}: the maximum-weight matching of the candidates among these units
        of one kind whose similarity is `threshold` or more and whose shorter unit has `absorbed` of its character
        pairs or more in the other."""
        if not old_indices or not new_indices:
            return {}
        shared = (self.old[old_indices] @ self.new[new_indices].T).toarray()
        sizes = self.old_sizes[old_indices][:, None] + self.new_sizes[new_indices][None, :]
        similarity = 2 * shared / np.maximum(sizes, 1)
        shorter = np.minimum(self.old_sizes[old_indices][:, None], self.new_sizes[new_indices][None, :])
        held = shared / np.maximum(shorter, 1)
        same_kind = self.old_kinds[old_indices][:, None] == self.new_kinds[new_indices][None, :]
        similarity = np.where(same_kind, similarity, 0.0)
        where_old = np.array(old_indices) / max(len(self.old_sizes), 1)
        where_new = np.array(new_indices) / max(len(self.new_sizes), 1)
        nearness = 1 - np.abs(where_old[:, None] - where_new[None, :])
        weight = np.where((similarity >= threshold) & (held >= absorbed), similarity + ORDER_BONUS * nearness, 0.0)
        rows, columns = linear_sum_assignment(weight, maximize=True)
        chosen = zip(rows, columns)
        return {old_indices[r]: (new_indices[c], float(similarity[r, c])) for r, c in chosen if weight[r, c] > 0}


def _in_order(partner, old_count, new_count):
    by_new = {j: (i, s) for i, (j, s) in partner.items()}
    out, next_old = [], 0

    def deleted_before(until):  # the unpaired old units from next_old up to `until`, where they stood
        return [(k, None, 0.0) for k in range(next_old, until) if k not in partner]

    for j in range(new_count):
        if j in by_new:
            i, similarity = by_new[j]
            if i >= next_old:  # a unit moved back does not pull the deleted ones after it
                out += deleted_before(i)
                next_old = i + 1
            out.append((i, j, similarity))
            continue
        # An added unit: the deleted ones standing before the next kept unit come first (删除 before 新增).
        following = next((by_new[k][0] for k in range(j + 1, new_count) if k in by_new), old_count)
        if following >= next_old:
            out += deleted_before(following)
            next_old = following
        out.append((None, j, 0.0))
    return out + deleted_before(old_count)
