"""RFC 9162 Merkle tree: roots, inclusion and consistency proofs against hand-checked vectors."""

from __future__ import annotations

import hashlib

import pytest

from api.audit import merkle

# The 8 leaves used by the Certificate Transparency reference tests, and their published roots.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def L(i: int) -> bytes:  # noqa: N802 - the RFC's notation
    return hashlib.sha256(b"\x00" + CT_LEAVES[i]).digest()


def N(a: bytes, b: bytes) -> bytes:  # noqa: N802
    return hashlib.sha256(b"\x01" + a + b).digest()


def test_empty_tree_is_hash_of_nothing():
    assert merkle.tree_hash([]).hex() == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_ct_reference_vectors(size):
    assert merkle.tree_hash(CT_LEAVES[:size]).hex() == CT_ROOTS[size]
    assert merkle.roots_at_sizes([L(i) for i in range(8)], [size])[size].hex() == CT_ROOTS[size]


def test_three_leaf_root_by_hand_uses_the_leaf_and_node_prefixes():
    assert merkle.tree_hash(CT_LEAVES[:3]) == N(N(L(0), L(1)), L(2))


def test_inclusion_proof_by_hand_for_leaf_2_of_5():
    proof = merkle.inclusion_proof(2, CT_LEAVES[:5])
    assert proof == [L(3), N(L(0), L(1)), L(4)]
    assert merkle.verify_inclusion(2, 5, CT_LEAVES[2], proof, bytes.fromhex(CT_ROOTS[5]))


def test_inclusion_proof_matches_the_ct_vector_for_leaf_0_of_8():
    proof = merkle.inclusion_proof(0, CT_LEAVES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]


def test_consistency_proof_by_hand_from_3_to_7():
    proof = merkle.consistency_proof(3, CT_LEAVES[:7])
    assert proof == [L(2), L(3), N(L(0), L(1)), N(N(L(4), L(5)), L(6))]
    assert merkle.verify_consistency(3, 7, proof, bytes.fromhex(CT_ROOTS[3]), bytes.fromhex(CT_ROOTS[7]))


def test_consistency_from_a_power_of_two_omits_the_old_root():
    proof = merkle.consistency_proof(4, CT_LEAVES)
    assert proof == [N(N(L(4), L(5)), N(L(6), L(7)))]
    assert merkle.verify_consistency(4, 8, proof, bytes.fromhex(CT_ROOTS[4]), bytes.fromhex(CT_ROOTS[8]))


def test_every_proof_in_trees_up_to_33_leaves_verifies():
    leaves = [bytes([i]) * 32 for i in range(33)]
    for n in range(1, 34):
        root = merkle.tree_hash(leaves[:n])
        for i in range(n):
            assert merkle.verify_inclusion(i, n, leaves[i], merkle.inclusion_proof(i, leaves[:n]), root)
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, leaves[:n])
            assert merkle.verify_consistency(m, n, proof, merkle.tree_hash(leaves[:m]), root)


def test_tampered_inclusion_proofs_fail():
    root = bytes.fromhex(CT_ROOTS[5])
    proof = merkle.inclusion_proof(2, CT_LEAVES[:5])
    assert not merkle.verify_inclusion(2, 5, CT_LEAVES[3], proof, root)  # another leaf
    assert not merkle.verify_inclusion(1, 5, CT_LEAVES[2], proof, root)  # another position
    assert not merkle.verify_inclusion(2, 5, CT_LEAVES[2], proof[:-1], root)  # shortened
    assert not merkle.verify_inclusion(2, 5, CT_LEAVES[2], [proof[1], proof[0], proof[2]], root)  # reordered
    assert not merkle.verify_inclusion(5, 5, CT_LEAVES[2], proof, root)  # outside the tree


def test_tampered_consistency_proofs_fail():
    first, second = bytes.fromhex(CT_ROOTS[3]), bytes.fromhex(CT_ROOTS[7])
    proof = merkle.consistency_proof(3, CT_LEAVES[:7])
    assert not merkle.verify_consistency(3, 7, proof, bytes.fromhex(CT_ROOTS[4]), second)  # wrong old root
    assert not merkle.verify_consistency(3, 7, proof[:-1], first, second)
    assert not merkle.verify_consistency(3, 7, [], first, second)
    forked = merkle.tree_hash(CT_LEAVES[:6] + [b"forged"])
    assert not merkle.verify_consistency(3, 7, proof, first, forked)


def test_compact_range_extended_in_steps_gives_the_same_roots():
    leaves = [bytes([i]) * 32 for i in range(40)]
    compact = merkle.CompactRange()
    for n, leaf in enumerate(leaves, start=1):
        compact.append(merkle.leaf_hash(leaf))
        assert compact.root() == merkle.tree_hash(leaves[:n])
    resumed = compact.copy()
    resumed.append(merkle.leaf_hash(b"x"))
    assert resumed.root() == merkle.tree_hash(leaves + [b"x"])
    assert compact.size == 40  # the copy did not change the original
