//! General smart contracts: an EVM (revm) inside the chain's authenticated state.
//!
//! * Ethereum transactions (legacy with an EIP-155 chain id, EIP-2930, EIP-1559) signed with a
//!   secp256k1 key that an identity account has bound ([`govchain_identity::eth`]) are carried
//!   in a canonical GovChain envelope ([`ethtx::envelope`]) and verified by this module
//!   ([`EvmModule`]'s `verify_foreign`); native accounts call and deploy with `evm.call`.
//! * Accounts, code and storage slots are state entries under `evm/…` ([`keys`]), so every slot,
//!   receipt and log has the same proof bundles as everything else.
//! * Gas is a budget, not money: base fee and gas price are zero, limits come from
//!   [`EvmParams`] (genesis, then governance).
//! * Precompiles expose certificates, records and identity to Solidity ([`precompiles`]).
//! * The JSON-RPC endpoint `/rpc` (feature `http`) speaks enough Ethereum for ethers.js, viem
//!   and Foundry.

#![deny(clippy::unwrap_used)]

mod component;
pub mod db;
pub mod ethtx;
pub mod exec;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod methods;
mod model;
pub mod precompiles;
pub mod query;
#[cfg(feature = "http")]
pub mod rpc;

pub use component::{EvmComponent, EvmGenesis};
pub use methods::{EvmModule, set_param};
pub use model::*;
