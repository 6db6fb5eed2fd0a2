//! Pipelined reads: the next block is built over the decided block's writes before they are
//! stored, and gets the same root, values and proofs as when it is built over the store.

use std::sync::Arc;

use govchain_crypto::Suite;
use govchain_proofs::jmt_hash::verify_state_proof;
use govchain_state::{Pending, StateDb, WriteSet};
use govchain_storage::Storage;

mod common;
use common::commit;

fn writes(height: u64, seed: &mut u64) -> WriteSet {
    let mut ws = WriteSet::new();
    for i in 0..200u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        // Every block rewrites keys 0..50 and adds new ones, so old values are superseded.
        let k = if i < 50 { format!("test/k{i}") } else { format!("test/h{height}/k{i}") };
        ws.insert(k.into_bytes(), Some(seed.to_le_bytes().to_vec()));
    }
    if height > 1 {
        // A deletion takes the key-by-key path.
        ws.insert(format!("test/h{}/k60", height - 1).into_bytes(), None);
    }
    ws
}

#[test]
fn building_over_a_pending_block_equals_building_over_the_store() {
    for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
        let dirs = [tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir")];
        let stores: Vec<Storage> = dirs.iter().map(|d| Storage::open(&d.path().join("db")).expect("open")).collect();
        // The first store commits each block before the next is built (serial); the second
        // builds each block over the previous one's pending writes, then stores it (pipelined).
        let serial = StateDb::new(stores[0].clone(), suite);
        let piped = StateDb::with_node_cache(stores[1].clone(), suite, 0);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut pending: Option<Arc<Pending>> = None;
        for height in 0..6u64 {
            let ws = writes(height, &mut seed);
            let (root_s, sw) = serial.snapshot().expect("snap").apply(&ws, height).expect("apply");
            commit(&stores[0], height, &sw);
            let over = piped.snapshot_over(pending.clone()).expect("snap");
            if let Some(p) = &pending {
                let prev = p.version();
                // Reads at the pending version see its values (and its deletion) before it is stored.
                for k in [b"test/k3".to_vec(), format!("test/h{prev}/k70").into_bytes()] {
                    let want = serial.snapshot().expect("snap").get(&k, prev).expect("get");
                    assert_eq!(over.get(&k, prev).expect("get"), want, "{suite:?} {height}");
                    let (v, proof) = over.prove(&k, prev).expect("prove over pending");
                    assert_eq!(v, want);
                    verify_state_proof(suite, over.root(prev).expect("root").0, &k, v.as_deref(), &proof)
                        .expect("a proof read through the overlay verifies");
                }
                if prev > 1 {
                    let gone = format!("test/h{}/k60", prev - 1).into_bytes();
                    assert_eq!(over.get(&gone, prev).expect("get"), None, "deleted in the pending block");
                    assert!(over.get(&gone, prev - 1).expect("get").is_some(), "still there one height before");
                }
            }
            let (root_p, pw) = over.apply(&ws, height).expect("apply over pending");
            assert_eq!(root_p, root_s, "{suite:?} height {height}: same root pipelined and serial");
            // The previous block lands now, while this one is pending.
            if let Some(p) = pending.take() {
                commit(&stores[1], p.version(), p.writes());
                let after = piped.snapshot_over(None).expect("snap");
                assert_eq!(
                    after.root(p.version()).expect("root"),
                    serial.snapshot().expect("s").root(p.version()).expect("r")
                );
            }
            pending = Some(Arc::new(Pending::new(height, pw)));
        }
        // Same answers whether the last block is pending or stored.
        let p = pending.expect("last");
        let k = b"test/k7".to_vec();
        let before = piped.snapshot_over(Some(p.clone())).expect("snap").prove(&k, p.version()).expect("prove");
        commit(&stores[1], p.version(), p.writes());
        let stored = piped.snapshot_over(Some(p.clone())).expect("snap").prove(&k, p.version()).expect("prove");
        assert_eq!(before, stored);
        assert_eq!(before, piped.snapshot().expect("snap").prove(&k, p.version()).expect("prove"));
    }
}
