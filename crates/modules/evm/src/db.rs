//! revm's view of the chain state: accounts, code and storage slots read through the
//! transaction's context (so the per-transaction read limit and the block's earlier writes
//! apply), and the EVM's state changes written back in sorted order.

use std::collections::BTreeMap;

use govchain_execution::{TxContext, TxError};
use govchain_types::Address;
use revm::bytecode::Bytecode;
use revm::database_interface::{DBErrorMarker, Database};
use revm::primitives::{Address as EvmAddress, B256, KECCAK_EMPTY, StorageKey, StorageValue, U256};
use revm::state::{AccountInfo, EvmState};

use crate::keys;
use crate::model::AccountRecord;

/// A storage failure (or an exceeded read limit) inside the EVM, carried out as the
/// transaction's error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DbError(pub TxError);

impl DBErrorMarker for DbError {}

/// The chain state as revm reads it.
pub struct StateDb<'c, 'a> {
    /// The transaction context (precompiles read chain facts through it).
    pub ctx: &'c mut TxContext<'a>,
    /// The caller and the nonce its transaction carries: the EVM nonce of a sender is the
    /// chain's nonce for it, whatever the account record says.
    caller: Option<(Address, u64)>,
    /// A chain-level failure inside a precompile (storage, read budget), reported after the EVM
    /// stops.
    pub failure: Option<TxError>,
}

pub(crate) fn to_gov(a: &EvmAddress) -> Address {
    Address(a.0.0)
}

pub(crate) fn to_evm(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

impl<'c, 'a> StateDb<'c, 'a> {
    /// A view for one transaction by `caller` with `nonce`.
    pub fn new(ctx: &'c mut TxContext<'a>, caller: Option<(Address, u64)>) -> StateDb<'c, 'a> {
        StateDb { ctx, caller, failure: None }
    }
}

/// Reads an account record.
pub fn read_account(ctx: &mut TxContext<'_>, a: &Address) -> Result<Option<AccountRecord>, TxError> {
    ctx.get_as::<AccountRecord>(&keys::account(a))
}

impl Database for StateDb<'_, '_> {
    type Error = DbError;

    fn basic(&mut self, address: EvmAddress) -> Result<Option<AccountInfo>, DbError> {
        let a = to_gov(&address);
        let rec = read_account(self.ctx, &a).map_err(DbError)?;
        let caller_nonce = self.caller.filter(|(c, _)| *c == a).map(|(_, n)| n);
        let rec = match (rec, caller_nonce) {
            (None, None) => return Ok(None),
            (None, Some(n)) => AccountRecord { nonce: n, balance: [0; 32], code_hash: KECCAK_EMPTY.0 },
            (Some(mut r), Some(n)) => {
                r.nonce = n;
                r
            }
            (Some(r), None) => r,
        };
        Ok(Some(AccountInfo {
            balance: U256::from_be_bytes(rec.balance),
            nonce: rec.nonce,
            code_hash: B256::from(rec.code_hash),
            account_id: None,
            code: None,
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, DbError> {
        if code_hash == KECCAK_EMPTY || code_hash == B256::ZERO {
            return Ok(Bytecode::default());
        }
        let code = self.ctx.get(&keys::code(&code_hash.0)).map_err(DbError)?.unwrap_or_default();
        Ok(Bytecode::new_raw(code.into()))
    }

    fn storage(&mut self, address: EvmAddress, index: StorageKey) -> Result<StorageValue, DbError> {
        let key = keys::slot(&to_gov(&address), &index.to_be_bytes::<32>());
        Ok(match self.ctx.get(&key).map_err(DbError)? {
            Some(v) if v.len() == 32 => U256::from_be_slice(&v),
            _ => U256::ZERO,
        })
    }

    fn block_hash(&mut self, _number: u64) -> Result<B256, DbError> {
        // GovChain's block hashes are not part of the state a block executes on; BLOCKHASH is
        // zero (documented in docs/evm.md).
        Ok(B256::ZERO)
    }
}

/// One state change the EVM made, in the order it is written.
enum Change {
    Account(Address, Option<AccountRecord>),
    Code([u8; 32], Vec<u8>),
    Slot(Address, [u8; 32], Option<[u8; 32]>),
}

/// The EVM's state changes as sorted writes (addresses, then slots, in byte order; hash-map
/// order never reaches the state).
pub struct Changes(Vec<Change>);

impl Changes {
    /// Sorts and converts revm's state diff. Empty accounts (a touched precompile, a call to a
    /// fresh address) are not written (EIP-161).
    pub fn from_state(state: EvmState) -> Changes {
        let sorted: BTreeMap<Address, revm::state::Account> =
            state.into_iter().map(|(a, acc)| (to_gov(&a), acc)).collect();
        let mut out = Vec::new();
        for (addr, acc) in sorted {
            if !acc.is_touched() {
                continue;
            }
            let slots: BTreeMap<[u8; 32], U256> = acc
                .storage
                .iter()
                .filter(|(_, s)| s.is_changed())
                .map(|(k, s)| (k.to_be_bytes::<32>(), s.present_value()))
                .collect();
            if acc.is_selfdestructed() {
                out.push(Change::Account(addr, None));
                out.extend(slots.into_keys().map(|k| Change::Slot(addr, k, None)));
                continue;
            }
            let info = &acc.info;
            let empty = info.nonce == 0 && info.balance.is_zero() && info.code_hash == KECCAK_EMPTY;
            if empty && slots.is_empty() {
                // Touched but empty (a precompile, a call to a new address): nothing to keep.
                continue;
            }
            if acc.is_created()
                && let Some(code) = &info.code
                && info.code_hash != KECCAK_EMPTY
            {
                out.push(Change::Code(info.code_hash.0, code.original_bytes().to_vec()));
            }
            out.push(Change::Account(
                addr,
                Some(AccountRecord {
                    nonce: info.nonce,
                    balance: info.balance.to_be_bytes::<32>(),
                    code_hash: info.code_hash.0,
                }),
            ));
            for (k, v) in slots {
                out.push(Change::Slot(addr, k, (!v.is_zero()).then(|| v.to_be_bytes::<32>())));
            }
        }
        Changes(out)
    }

    /// No changes.
    pub fn empty() -> Changes {
        Changes(Vec::new())
    }

    /// How many state writes applying these changes makes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Writes the changes.
    pub fn apply(self, ctx: &mut TxContext<'_>) -> Result<(), TxError> {
        for c in self.0 {
            match c {
                Change::Account(a, Some(r)) => ctx.put_as(keys::account(&a), &r)?,
                Change::Account(a, None) => ctx.delete(keys::account(&a))?,
                Change::Code(h, code) => ctx.put(keys::code(&h), code)?,
                Change::Slot(a, k, Some(v)) => ctx.put(keys::slot(&a, &k), v.to_vec())?,
                Change::Slot(a, k, None) => ctx.delete(keys::slot(&a, &k))?,
            }
        }
        Ok(())
    }
}
