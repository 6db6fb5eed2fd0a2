//! Binary Merkle lists (transactions, receipts) built with `rs_merkle`.
//!
//! * leaf hash: `H(0x00 || data)`; inner node: `H(0x01 || left || right)`;
//! * a node without a right sibling is promoted unchanged to the next level (rs_merkle's rule);
//! * the tree root of an empty list is 32 zero bytes;
//! * the list root, the value in a header, binds the number of elements:
//!   `H(0x02 || count as u64 big-endian || tree root)`. Without it a proof of element 2 of 3 would
//!   also prove element 1 of 2 (the promoted last node makes the trees equal).

use govchain_crypto::{Hash32, Suite};
use rs_merkle::{MerkleProof, MerkleTree};

macro_rules! list_hasher {
    ($name:ident, $suite:expr) => {
        #[derive(Clone)]
        struct $name;
        impl rs_merkle::Hasher for $name {
            type Hash = [u8; 32];
            fn hash(data: &[u8]) -> [u8; 32] {
                $suite.hash(data).0
            }
            fn concat_and_hash(left: &[u8; 32], right: Option<&[u8; 32]>) -> [u8; 32] {
                match right {
                    Some(r) => $suite.hash_parts(&[&[0x01], left, r]).0,
                    None => *left,
                }
            }
        }
    };
}
list_hasher!(Sha256List, Suite::Ed25519Sha256);
list_hasher!(Sm3List, Suite::Sm2Sm3);

/// Leaf hash of a list element: `H(0x00 || data)`.
pub fn leaf_hash(suite: Suite, data: &[u8]) -> Hash32 {
    suite.hash_parts(&[&[0x00], data])
}

fn raw(leaves: &[Hash32]) -> Vec<[u8; 32]> {
    leaves.iter().map(|h| h.0).collect()
}

/// The list root: the tree root bound to the number of elements.
fn list_root(suite: Suite, count: usize, tree: [u8; 32]) -> Hash32 {
    suite.hash_parts(&[&[0x02], &(count as u64).to_be_bytes(), &tree])
}

/// Root of a list given its leaf hashes (the value a header carries).
pub fn root(suite: Suite, leaves: &[Hash32]) -> Hash32 {
    let tree = if leaves.is_empty() {
        [0u8; 32]
    } else {
        match suite {
            Suite::Ed25519Sha256 => MerkleTree::<Sha256List>::from_leaves(&raw(leaves)).root(),
            Suite::Sm2Sm3 => MerkleTree::<Sm3List>::from_leaves(&raw(leaves)).root(),
        }
        .unwrap_or_default()
    };
    list_root(suite, leaves.len(), tree)
}

/// Sibling hashes proving leaf `index`, bottom to top.
pub fn proof(suite: Suite, leaves: &[Hash32], index: usize) -> Vec<Hash32> {
    let hashes = match suite {
        Suite::Ed25519Sha256 => {
            MerkleTree::<Sha256List>::from_leaves(&raw(leaves)).proof(&[index]).proof_hashes().to_vec()
        }
        Suite::Sm2Sm3 => MerkleTree::<Sm3List>::from_leaves(&raw(leaves)).proof(&[index]).proof_hashes().to_vec(),
    };
    hashes.into_iter().map(Hash32).collect()
}

/// Number of sibling hashes a proof for `index` in a list of `total` must carry.
pub fn expected_proof_len(index: usize, total: usize) -> usize {
    let (mut idx, mut size, mut n) = (index, total, 0);
    while size > 1 {
        if (idx ^ 1) < size {
            n += 1;
        }
        idx /= 2;
        size = size.div_ceil(2);
    }
    n
}

/// Checks that `leaf` is element `index` of a list of exactly `total` elements with list root
/// `root`. The proof must carry exactly the expected number of hashes, and `index < total`.
pub fn verify(suite: Suite, root: Hash32, index: usize, total: usize, leaf: Hash32, proof: &[Hash32]) -> bool {
    if index >= total || proof.len() != expected_proof_len(index, total) {
        return false;
    }
    let hashes = raw(proof);
    let tree = match suite {
        Suite::Ed25519Sha256 => MerkleProof::<Sha256List>::new(hashes).root(&[index], &[leaf.0], total),
        Suite::Sm2Sm3 => MerkleProof::<Sm3List>::new(hashes).root(&[index], &[leaf.0], total),
    };
    tree.is_ok_and(|t| list_root(suite, total, t) == root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_of_every_size_proves_and_tampering_fails() {
        for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
            for n in 1..=17usize {
                let leaves: Vec<Hash32> = (0..n).map(|i| leaf_hash(suite, &i.to_le_bytes())).collect();
                let r = root(suite, &leaves);
                for i in 0..n {
                    let p = proof(suite, &leaves, i);
                    assert_eq!(p.len(), expected_proof_len(i, n), "n={n} i={i}");
                    assert!(verify(suite, r, i, n, leaves[i], &p), "n={n} i={i}");
                    let other = leaves[(i + 1) % n];
                    if n > 1 {
                        assert!(!verify(suite, r, i, n, other, &p));
                    }
                    for j in 0..p.len() {
                        let mut bad = p.clone();
                        bad[j].0[0] ^= 1;
                        assert!(!verify(suite, r, i, n, leaves[i], &bad));
                    }
                    let mut longer = p.clone();
                    longer.push(Hash32::ZERO);
                    assert!(!verify(suite, r, i, n, leaves[i], &longer));
                }
            }
        }
    }

    #[test]
    fn the_root_binds_the_count() {
        let s = Suite::Ed25519Sha256;
        let l = leaf_hash(s, b"x");
        assert_eq!(root(s, &[l]), list_root(s, 1, l.0));
        assert_eq!(root(s, &[]), list_root(s, 0, [0; 32]));
        assert_ne!(root(s, &[]), Hash32::ZERO);
    }

    /// The forgeries an independent verifier found: with the promoted last node, "#2 of 3" had
    /// the proof of "#1 of 2", "0 of 3" that of "0 of 4", "1 of 3" that of "1 of 4".
    #[test]
    fn a_position_cannot_be_claimed_in_a_list_of_another_length() {
        for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
            for n in 1..=9usize {
                let leaves: Vec<Hash32> = (0..n).map(|i| leaf_hash(suite, &[i as u8])).collect();
                let r = root(suite, &leaves);
                for i in 0..n {
                    let p = proof(suite, &leaves, i);
                    for (j, m) in (0..n + 2).flat_map(|j| (1..n + 3).map(move |m| (j, m))) {
                        if (j, m) != (i, n) && j < m && p.len() == expected_proof_len(j, m) {
                            assert!(!verify(suite, r, j, m, leaves[i], &p), "{i} of {n} passed as {j} of {m}");
                        }
                    }
                }
            }
        }
    }
}
