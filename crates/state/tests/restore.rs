//! A state snapshot rebuilds the same tree: the live leaves of a chain at version `h` (after
//! rewrites and deletions) give exactly the root the chain computed at `h`; the rebuilt store
//! proves keys against that root (built in one piece or chunk by chunk), reads nothing below
//! `h`, and takes the next block on top.

use govchain_crypto::Suite;
use govchain_proofs::jmt_hash::verify_state_proof;
use govchain_state::{StateDb, StateError, WriteSet, restore};
use govchain_storage::Storage;

mod common;

fn ws(n: u64) -> WriteSet {
    let mut w: WriteSet =
        (0..50u64).map(|k| (format!("k{k}").into_bytes(), Some(format!("{k}@{n}").into_bytes()))).collect();
    w.insert(format!("new{n}").into_bytes(), Some(n.to_be_bytes().to_vec()));
    if n > 2 {
        // Deletes an older key: a snapshot has only what is live.
        w.insert(format!("new{}", n - 2).into_bytes(), None);
    }
    w
}

#[test]
fn leaves_of_a_version_rebuild_its_root_and_proofs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(&dir.path().join("a")).expect("open");
    let db = StateDb::new(storage.clone(), Suite::Ed25519Sha256);
    let mut root = None;
    for v in 0..=9u64 {
        let (r, state) = db.snapshot().expect("snapshot").apply(&ws(v), v).expect("apply");
        common::commit(&storage, v, &state);
        root = Some(r);
    }
    let root = root.expect("root");

    let mut leaves = Vec::new();
    let source = storage.snapshot_source().expect("source");
    assert_eq!(source.height(), 9);
    let n = source
        .for_each_leaf(|kh, v| {
            leaves.push((*kh, v.to_vec()));
            Ok::<_, govchain_storage::StorageError>(())
        })
        .expect("leaves");
    // 50 rewritten keys, new0, new8 and new9 (new1..new7 were deleted).
    assert_eq!(n, 53);

    let (rebuilt, writes) = restore(Suite::Ed25519Sha256, leaves.clone(), 9).expect("restore");
    assert_eq!(rebuilt, root, "the rebuilt tree has the chain's root");

    // One changed value is another root.
    let mut tampered = leaves.clone();
    tampered[7].1.push(0);
    assert_ne!(restore(Suite::Ed25519Sha256, tampered, 9).expect("restore").0, root);
    // One dropped leaf too.
    assert_ne!(restore(Suite::Ed25519Sha256, leaves[1..].to_vec(), 9).expect("restore").0, root);

    // In memory and in one piece, or chunk by chunk in a store (versions 1, 2, then the
    // snapshot's 9, each on top of the last): the same tree.
    assert!(!writes.nodes.is_empty());
    let fresh = Storage::open(&dir.path().join("b")).expect("open");
    let db2 = StateDb::new(fresh.clone(), Suite::Ed25519Sha256);
    let mut on = None;
    let mut last_root = None;
    for (chunk, version) in [(&leaves[..20], 1), (&leaves[20..40], 2), (&leaves[40..], 9)] {
        let (r, w) = db2.snapshot().expect("snapshot").put_leaves(chunk.to_vec(), on, version).expect("put");
        fresh.import_state(&w).expect("import");
        on = Some(version);
        last_root = Some(r);
    }
    assert_eq!(last_root, Some(root), "the chunked build has the chain's root");
    fresh.finish_import(9, &[], &[], &[]).expect("finish");
    let snap = db2.snapshot().expect("snapshot");
    assert_eq!(snap.root(9).expect("root"), root);
    for key in ["k3", "new9", "new4"] {
        let (value, proof) = snap.prove(key.as_bytes(), 9).expect("prove");
        verify_state_proof(Suite::Ed25519Sha256, root.0, key.as_bytes(), value.as_deref(), &proof).expect("verifies");
        assert_eq!(value, db.snapshot().expect("snapshot").get(key.as_bytes(), 9).expect("get"), "{key}");
    }
    assert!(matches!(snap.get(b"k3", 8), Err(StateError::Pruned { version: 8, pruned_below: 9 })));
    assert!(matches!(snap.root(8), Err(StateError::Pruned { .. })));

    // The next block applies on top of the rebuilt tree as on the original.
    let (next_a, _) = db.snapshot().expect("snapshot").apply(&ws(10), 10).expect("apply");
    let (next_b, state) = snap.apply(&ws(10), 10).expect("apply");
    assert_eq!(next_a, next_b);
    common::commit(&fresh, 10, &state);
    assert_eq!(db2.snapshot().expect("snapshot").root(10).expect("root"), next_a);
}
