//! The batch and key-by-key insertion paths build the same tree: same roots at every version,
//! same proofs, over several blocks of random writes (fixed seed). The first database reads
//! through the in-memory node cache, the second with it effectively off, so the cache is checked
//! too (current and historical proofs).

use govchain_crypto::Suite;
use govchain_proofs::jmt_hash::verify_state_proof;
use govchain_state::{StateDb, WriteSet};
use govchain_storage::Storage;

mod common;
use common::commit;

#[test]
fn batch_and_one_by_one_agree() {
    for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
        let dirs = [tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir")];
        let stores: Vec<Storage> = dirs.iter().map(|d| Storage::open(&d.path().join("db")).expect("open")).collect();
        let dbs = [StateDb::new(stores[0].clone(), suite), StateDb::with_node_cache(stores[1].clone(), suite, 0)];
        let mut roots = Vec::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for height in 0..8u64 {
            let mut ws = WriteSet::new();
            for _ in 0..(50 + next() % 200) {
                let k = if !keys.is_empty() && next() % 3 == 0 {
                    keys[(next() as usize) % keys.len()].clone()
                } else {
                    let k = format!("test/v/k{}", next()).into_bytes();
                    keys.push(k.clone());
                    k
                };
                ws.insert(k, Some(next().to_le_bytes().to_vec()));
            }
            let (ra, sa) = dbs[0].snapshot().expect("snap").apply(&ws, height).expect("batch");
            let (rb, sb) = dbs[1].snapshot().expect("snap").apply_one_by_one(&ws, height).expect("one by one");
            assert_eq!(ra, rb, "{suite:?} height {height}");
            commit(&stores[0], height, &sa);
            commit(&stores[1], height, &sb);
            roots.push(ra);
            for k in keys.iter().take(20) {
                for (at, root) in roots.iter().enumerate() {
                    let (va, pa) = dbs[0].snapshot().expect("snap").prove(k, at as u64).expect("prove");
                    let (vb, pb) = dbs[1].snapshot().expect("snap").prove(k, at as u64).expect("prove");
                    assert_eq!((&va, &pa), (&vb, &pb), "{suite:?} key at height {at}");
                    verify_state_proof(suite, root.0, k, va.as_deref(), &pa)
                        .expect("proof from the batch-built tree verifies");
                }
            }
        }
    }
}
