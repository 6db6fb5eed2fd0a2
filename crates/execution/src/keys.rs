//! State keys owned by the executor (`sys/…`). Modules use `<module>/…`.

use govchain_types::Address;

/// `sys/nonce/<address>` → u64 (borsh): the account's next nonce.
pub fn nonce(addr: &Address) -> Vec<u8> {
    let mut k = b"sys/nonce/".to_vec();
    k.extend(addr.0);
    k
}

/// `sys/validators` → `ValidatorSet` (borsh): the validator set for the next height (the key
/// light clients read, defined with the types).
pub const VALIDATORS: &[u8] = govchain_types::VALIDATORS_STATE_KEY;

/// `sys/validators_pending` → `PendingValidators` (borsh): a scheduled change.
pub const VALIDATORS_PENDING: &[u8] = b"sys/validators_pending";

/// `sys/params` → `ChainParams` (borsh).
pub const PARAMS: &[u8] = b"sys/params";
