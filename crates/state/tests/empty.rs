//! An empty block leaves the state root unchanged and still gives the new version a root.

use govchain_crypto::Suite;
use govchain_state::{StateDb, WriteSet};
use govchain_storage::{BlockCommit, Storage};

#[test]
fn empty_write_set_keeps_root_and_versions_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(&dir.path().join("db")).expect("open");
    let db = StateDb::new(storage.clone(), Suite::Ed25519Sha256);
    let mut ws = WriteSet::new();
    ws.insert(b"k".to_vec(), Some(b"v".to_vec()));
    let (r0, s0) = db.snapshot().expect("snap").apply(&ws, 0).expect("apply");
    storage.write_genesis(&s0, &[], &[]).expect("genesis");
    let (r1, s1) = db.snapshot().expect("snap").apply(&WriteSet::new(), 1).expect("apply empty");
    assert_eq!(r0, r1, "an empty block does not change the root");
    storage
        .commit_block(&BlockCommit {
            height: 1,
            header: &[],
            body: &[],
            certificate: &[],
            receipts: &[],
            tx_hashes: &[],
            tx_spans: &[],
            receipt_spans: &[],
            state: &s1,
            index: &[],
        })
        .expect("commit");
    let snap = db.snapshot().expect("snap");
    assert_eq!(snap.root(1).expect("root at version 1"), r1);
    let (v, _proof) = snap.prove(b"k", 1).expect("proof at an empty version");
    assert_eq!(v, Some(b"v".to_vec()));
}
