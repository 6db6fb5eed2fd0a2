//! A per-block cache of reads from the state a block executes on.
//!
//! Within one block every transaction reads the same base version (its own and earlier
//! transactions' writes live in overlays above it), so a base read can be remembered for the
//! rest of the block: the signer's account and organisation, counters and parameters are read by
//! nearly every transaction. The cache changes only how often storage is asked, never an answer,
//! so execution stays deterministic; it holds at most [`MAX_CACHED_BYTES`] of values.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::context::StateRead;
use crate::error::StateError;

/// Most value bytes one block's cache holds; reads beyond it go to storage every time.
pub const MAX_CACHED_BYTES: usize = 32 << 20;

/// [`StateRead`] over `base`, remembering each key's answer (present or absent).
pub(crate) struct CachedRead<'a> {
    base: &'a dyn StateRead,
    values: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    bytes: Cell<usize>,
}

impl<'a> CachedRead<'a> {
    pub(crate) fn new(base: &'a dyn StateRead) -> CachedRead<'a> {
        CachedRead { base, values: RefCell::default(), bytes: Cell::new(0) }
    }
}

impl StateRead for CachedRead<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(v) = self.values.borrow().get(key) {
            return Ok(v.clone());
        }
        let v = self.base.get(key)?;
        let size = key.len() + v.as_ref().map_or(0, Vec::len);
        if self.bytes.get() + size <= MAX_CACHED_BYTES {
            self.bytes.set(self.bytes.get() + size);
            self.values.borrow_mut().insert(key.to_vec(), v.clone());
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting {
        reads: Cell<usize>,
    }

    impl StateRead for Counting {
        fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
            self.reads.set(self.reads.get() + 1);
            Ok((key != b"absent").then(|| vec![key.len() as u8; 1 << 10]))
        }
    }

    #[test]
    fn answers_as_the_base_does_and_asks_it_once_per_key_within_the_bound() {
        let base = Counting { reads: Cell::new(0) };
        let cached = CachedRead::new(&base);
        for _ in 0..3 {
            assert_eq!(cached.get(b"k").expect("read"), base.get(b"k").expect("read"));
            assert_eq!(cached.get(b"absent").expect("read"), None);
        }
        // 3 direct reads of "k" above, plus one each for "k" and "absent" through the cache.
        assert_eq!(base.reads.get(), 5);
        // Past the byte bound values are still right, only no longer remembered.
        let n = MAX_CACHED_BYTES / (1 << 10) + 1_000;
        for i in 0..n as u64 {
            assert!(cached.get(&i.to_le_bytes()).expect("read").is_some());
        }
        let before = base.reads.get();
        let last = (n as u64 - 1).to_le_bytes();
        assert_eq!(cached.get(&last).expect("read"), base.get(&last).expect("read"));
        assert_eq!(base.reads.get(), before + 2, "a key read past the bound goes to storage again");
        assert_eq!(cached.get(&0u64.to_le_bytes()).expect("read"), base.get(&0u64.to_le_bytes()).expect("read"));
        assert_eq!(base.reads.get(), before + 3, "a key read before the bound is still remembered");
        assert!(cached.bytes.get() <= MAX_CACHED_BYTES);
    }
}
