//! The state tree over a real redb file: roots, reads across versions, presence and absence
//! proofs that verify with the proofs crate, and rejection of tampered proofs.

use govchain_crypto::Suite;
use govchain_proofs::jmt_hash::verify_state_proof;
use govchain_state::{StateDb, WriteSet};
use govchain_storage::Storage;

mod common;

fn commit(storage: &Storage, db: &StateDb, height: u64, writes: &WriteSet) -> [u8; 32] {
    let (root, state) = db.snapshot().expect("snapshot").apply(writes, height).expect("apply");
    common::commit(storage, height, &state);
    root.0
}

fn ws(items: &[(&str, Option<&str>)]) -> WriteSet {
    items.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
}

#[test]
fn versions_roots_and_proofs() {
    for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = Storage::open(&dir.path().join("db")).expect("open");
        let db = StateDb::new(storage.clone(), suite);
        let r0 = commit(&storage, &db, 0, &ws(&[("a", Some("1")), ("b", Some("2"))]));
        let r1 = commit(&storage, &db, 1, &ws(&[("a", Some("10")), ("c", Some("3"))]));
        let r2 = commit(&storage, &db, 2, &ws(&[("b", None)]));
        assert_ne!(r0, r1);
        assert_ne!(r1, r2);

        let snap = db.snapshot().expect("snapshot");
        assert_eq!(snap.root(1).expect("root").0, r1);
        assert_eq!(snap.get(b"a", 0).expect("get"), Some(b"1".to_vec()));
        assert_eq!(snap.get(b"a", 2).expect("get"), Some(b"10".to_vec()));
        assert_eq!(snap.get(b"b", 1).expect("get"), Some(b"2".to_vec()));
        assert_eq!(snap.get(b"b", 2).expect("get"), None, "deleted at version 2");

        // Presence at version 1.
        let (v, proof) = snap.prove(b"a", 1).expect("prove");
        assert_eq!(v.as_deref(), Some(&b"10"[..]));
        verify_state_proof(suite, r1, b"a", Some(b"10"), &proof).expect("present");
        assert!(verify_state_proof(suite, r1, b"a", Some(b"11"), &proof).is_err(), "wrong value");
        assert!(verify_state_proof(suite, r2, b"a", Some(b"10"), &proof).is_err(), "wrong root");
        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i] ^= 0x01;
            assert!(verify_state_proof(suite, r1, b"a", Some(b"10"), &bad).is_err(), "byte {i}");
        }

        // Absence: a key never written, and a deleted key.
        for key in [&b"zzz"[..], &b"b"[..]] {
            let (v, proof) = snap.prove(key, 2).expect("prove");
            assert_eq!(v, None);
            verify_state_proof(suite, r2, key, None, &proof).expect("absent");
            assert!(verify_state_proof(suite, r2, key, Some(b"x"), &proof).is_err());
        }
    }
}
