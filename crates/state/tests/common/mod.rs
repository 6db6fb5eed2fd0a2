//! Shared helper: commit state writes as genesis (height 0) or as an otherwise empty block.

use govchain_storage::{BlockCommit, StateWrites, Storage};

pub fn commit(storage: &Storage, height: u64, state: &StateWrites) {
    if height == 0 {
        storage.write_genesis(state, &[], &[]).expect("genesis");
    } else {
        let c = BlockCommit {
            height,
            header: &[],
            body: &[],
            certificate: &[],
            receipts: &[],
            tx_hashes: &[],
            tx_spans: &[],
            receipt_spans: &[],
            state,
            index: &[],
        };
        storage.commit_block(&c).expect("commit");
    }
}
