"""RFC 9162 Merkle tree: tree hash, inclusion and consistency proofs, and their verification.

Leaves are the 32-byte event hashes. Each function follows the RFC's definition step by step
(section 2.1.1 for MTH, 2.1.3 for inclusion, 2.1.4 for consistency) so an auditor can read it alongside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf_hash(leaf: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) as the RFC defines it recursively; the empty tree hashes to SHA-256("")."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hash(leaves[0])
    k = _split(n)
    return node_hash(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path for leaf `index` (0-based) in the tree over `leaves`."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} is outside a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return inclusion_proof(index, leaves[:k]) + [tree_hash(leaves[k:])]
    return inclusion_proof(index - k, leaves[k:]) + [tree_hash(leaves[:k])]


def verify_inclusion(index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `proof` show leaf `index` is in the tree of `tree_size` with `root`?"""
    if index >= tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): shows the tree of the first `first` leaves is a prefix of the tree over `leaves`."""
    n = len(leaves)
    if not 0 < first <= n:
        raise ValueError(f"first size {first} must be between 1 and {n}")
    return _subproof(first, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [tree_hash(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], complete) + [tree_hash(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [tree_hash(leaves[:k])]


def verify_consistency(first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes) -> bool:
    """RFC 9162 2.1.4.2: does `proof` show the tree of size `first` is a prefix of the one of size `second`?"""
    if first > second or first < 1:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # first is an exact power of two: its root is the proof's implicit start
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class CompactRange:
    """The perfect subtrees covering leaves [0, size): enough to extend the tree and compute its root.

    One subtree per set bit of `size`, largest first; folding them from the right gives the RFC root.
    Lets the service sign a tree head after N new events in O(N), not O(all events).
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, subtree hash), sizes strictly decreasing

    def append(self, leaf_hash_value: bytes) -> None:
        """Add one already-hashed leaf (`leaf_hash(event_hash)`)."""
        node = (1, leaf_hash_value)
        while self._stack and self._stack[-1][0] == node[0]:
            left = self._stack.pop()
            node = (left[0] * 2, node_hash(left[1], node[1]))
        self._stack.append(node)
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves appended so far."""
        if not self._stack:
            return hashlib.sha256(b"").digest()
        root = self._stack[-1][1]
        for _, left_hash in reversed(self._stack[:-1]):
            root = node_hash(left_hash, root)
        return root

    def copy(self) -> CompactRange:
        other = CompactRange()
        other.size, other._stack = self.size, list(self._stack)
        return other


def roots_at_sizes(leaf_hashes: Sequence[bytes], sizes: Sequence[int]) -> dict[int, bytes]:
    """MTH of each prefix size in `sizes`, in one pass over already-hashed leaves (a verifier's many heads)."""
    wanted = set(sizes)
    roots: dict[int, bytes] = {}
    if 0 in wanted:
        roots[0] = hashlib.sha256(b"").digest()
    compact = CompactRange()
    for h in leaf_hashes:
        compact.append(h)
        if compact.size in wanted:
            roots[compact.size] = compact.root()
    return roots
