//! Every state and index key of the evm module. No other crate spells these prefixes.
//!
//! State (authenticated, with proofs like every other entry):
//! * `evm/params` → [`EvmParams`](crate::EvmParams): chain id, EVM version, gas limits;
//! * `evm/acct/<20-byte address>` → [`AccountRecord`](crate::AccountRecord);
//! * `evm/code/<32-byte code hash>` → the bytecode;
//! * `evm/slot/<20-byte address><32-byte slot>` → the 32-byte value (absent when zero);
//! * `evm/tx/<32-byte Ethereum tx hash>` → [`TxRecord`](crate::TxRecord): the transaction, its
//!   receipt and logs;
//! * `evm/block/<height BE>` → [`BlockTally`](crate::BlockTally): EVM transactions and gas of a
//!   block so far.
//!
//! Query index: `evm/i/btx/<height BE><index BE>` → tx hash (a block's EVM transactions in
//! order); `evm/i/contract/<address>` → creator and height; `evm/i/ctx/<address><height BE>
//! <index BE>` → tx hash (a contract's transactions).

use govchain_types::Address;

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "evm";

/// `evm/params`.
pub const PARAMS: &[u8] = b"evm/params";
const ACCT: &[u8] = b"evm/acct/";
const CODE: &[u8] = b"evm/code/";
const SLOT: &[u8] = b"evm/slot/";
const TX: &[u8] = b"evm/tx/";
const BLOCK: &[u8] = b"evm/block/";
/// Prefix of the index of a block's EVM transactions.
pub const BLOCK_TXS: &[u8] = b"evm/i/btx/";
/// Prefix of the index of contracts.
pub const CONTRACTS: &[u8] = b"evm/i/contract/";
const CONTRACT_TXS: &[u8] = b"evm/i/ctx/";

fn join(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

/// `evm/acct/<address>`.
pub fn account(a: &Address) -> Vec<u8> {
    join(ACCT, &[&a.0])
}

/// `evm/code/<hash>`.
pub fn code(hash: &[u8; 32]) -> Vec<u8> {
    join(CODE, &[hash])
}

/// `evm/slot/<address><slot>`.
pub fn slot(a: &Address, slot: &[u8; 32]) -> Vec<u8> {
    join(SLOT, &[&a.0, slot])
}

/// `evm/tx/<hash>`.
pub fn tx(hash: &[u8; 32]) -> Vec<u8> {
    join(TX, &[hash])
}

/// `evm/block/<height BE>`.
pub fn block(height: u64) -> Vec<u8> {
    join(BLOCK, &[&height.to_be_bytes()])
}

/// `evm/i/btx/<height BE>` (prefix of one block's entries).
pub fn block_txs_prefix(height: u64) -> Vec<u8> {
    join(BLOCK_TXS, &[&height.to_be_bytes()])
}

/// `evm/i/btx/<height BE><index BE>`.
pub fn block_tx(height: u64, index: u32) -> Vec<u8> {
    join(BLOCK_TXS, &[&height.to_be_bytes(), &index.to_be_bytes()])
}

/// `evm/i/contract/<address>`.
pub fn contract(a: &Address) -> Vec<u8> {
    join(CONTRACTS, &[&a.0])
}

/// `evm/i/ctx/<address>` (prefix of one contract's transactions).
pub fn contract_txs_prefix(a: &Address) -> Vec<u8> {
    join(CONTRACT_TXS, &[&a.0])
}

/// `evm/i/ctx/<address><height BE><index BE>`.
pub fn contract_tx(a: &Address, height: u64, index: u32) -> Vec<u8> {
    join(CONTRACT_TXS, &[&a.0, &height.to_be_bytes(), &index.to_be_bytes()])
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    if key == PARAMS {
        return Some("evm/params".into());
    }
    if let Some(a) = key.strip_prefix(ACCT).and_then(|a| <[u8; 20]>::try_from(a).ok()) {
        return Some(format!("evm/acct/{}", Address(a)));
    }
    if let Some(h) = key.strip_prefix(CODE) {
        return Some(format!("evm/code/0x{}", hex::encode(h)));
    }
    if let Some(rest) = key.strip_prefix(SLOT)
        && rest.len() == 52
    {
        return Some(format!("evm/slot/0x{}/0x{}", hex::encode(&rest[..20]), hex::encode(&rest[20..])));
    }
    if let Some(h) = key.strip_prefix(TX) {
        return Some(format!("evm/tx/0x{}", hex::encode(h)));
    }
    if let Some(h) = key.strip_prefix(BLOCK).and_then(|h| <[u8; 8]>::try_from(h).ok()) {
        return Some(format!("evm/block/{}", u64::from_be_bytes(h)));
    }
    None
}
