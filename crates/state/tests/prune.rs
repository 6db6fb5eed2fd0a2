//! Pruning keeps what it promises: after pruning below version `p`, every root and proof at `p`
//! and later is unchanged and verifies, values at every version still read, and a root older
//! than `p` that pruning removed is reported as missing, not invented.

use govchain_crypto::Suite;
use govchain_proofs::jmt_hash::verify_state_proof;
use govchain_state::{StateDb, StateError, WriteSet};
use govchain_storage::Storage;

mod common;

fn ws(n: u64) -> WriteSet {
    // The same three keys rewritten every version, and one new key per version.
    let mut w: WriteSet =
        ["a", "b", "c"].iter().map(|k| (k.as_bytes().to_vec(), Some(format!("{k}{n}").into_bytes()))).collect();
    w.insert(format!("new{n}").into_bytes(), Some(n.to_be_bytes().to_vec()));
    w
}

#[test]
fn versions_from_the_pruning_point_keep_their_roots_and_proofs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(&dir.path().join("db")).expect("open");
    let db = StateDb::new(storage.clone(), Suite::Ed25519Sha256);
    let mut roots = Vec::new();
    for v in 0..=20u64 {
        let (root, state) = db.snapshot().expect("snapshot").apply(&ws(v), v).expect("apply");
        common::commit(&storage, v, &state);
        roots.push(root);
    }
    assert_eq!(storage.pruned_below().expect("meta"), 0);
    let size_before = std::fs::metadata(dir.path().join("db")).expect("size").len();

    // In small passes, as the node does between blocks.
    let mut passes = 0;
    loop {
        passes += 1;
        if storage.prune_stale(12, 7).expect("prune").done {
            break;
        }
    }
    assert!(passes > 2, "it took several passes of 7 nodes");
    assert_eq!(storage.pruned_below().expect("meta"), 12);

    let snap = db.snapshot().expect("snapshot");
    for v in 12..=20u64 {
        assert_eq!(snap.root(v).expect("root"), roots[v as usize], "root {v}");
        for key in ["a".to_string(), format!("new{v}"), "new3".to_string()] {
            let (value, proof) = snap.prove(key.as_bytes(), v).expect("prove");
            verify_state_proof(Suite::Ed25519Sha256, roots[v as usize].0, key.as_bytes(), value.as_deref(), &proof)
                .unwrap_or_else(|e| panic!("{key} at {v}: {e}"));
        }
    }
    // Values of every version still read; old trees are gone.
    assert_eq!(snap.get(b"a", 3).expect("get"), Some(b"a3".to_vec()));
    for v in [0u64, 5, 11] {
        assert!(
            matches!(snap.root(v), Err(StateError::Pruned { version, pruned_below: 12 }) if version == v),
            "root {v}"
        );
        assert!(matches!(snap.prove(b"a", v), Err(StateError::Pruned { .. })), "proof at {v}");
    }
    // Later versions commit on the pruned tree as before.
    let (root, state) = snap.apply(&ws(21), 21).expect("apply on the pruned tree");
    common::commit(&storage, 21, &state);
    assert_eq!(db.snapshot().expect("snapshot").root(21).expect("root"), root);
    // Pruning again is a no-op; the file does not grow from it.
    assert_eq!(storage.prune_stale(12, 1000).expect("prune").nodes, 0);
    assert!(std::fs::metadata(dir.path().join("db")).expect("size").len() <= size_before * 2);
}
