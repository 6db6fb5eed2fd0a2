//! The module's state types and method arguments.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32};
use serde::{Deserialize, Serialize};

use crate::keys::MODULE;

/// EVM versions a chain may run (changed only by governance, `evm.version`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum EvmVersion {
    /// Cancun (`mcopy`, `tstore`/`tload`, `blobhash` without blobs): what OpenZeppelin 5 needs.
    Cancun = 0,
    /// Prague.
    Prague = 1,
}

impl EvmVersion {
    /// The revm specification.
    pub fn spec(self) -> revm::primitives::hardfork::SpecId {
        match self {
            EvmVersion::Cancun => revm::primitives::hardfork::SpecId::CANCUN,
            EvmVersion::Prague => revm::primitives::hardfork::SpecId::PRAGUE,
        }
    }

    /// The name solc's `evmVersion` uses.
    pub fn name(self) -> &'static str {
        match self {
            EvmVersion::Cancun => "cancun",
            EvmVersion::Prague => "prague",
        }
    }

    /// By number, as a governance `evm.version` proposal gives it (0 Cancun, 1 Prague).
    pub fn from_number(n: u64) -> Option<EvmVersion> {
        match n {
            0 => Some(EvmVersion::Cancun),
            1 => Some(EvmVersion::Prague),
            _ => None,
        }
    }
}

/// The module's chain parameters (`evm/params`): set in the genesis `evm` section, changed by
/// governance proposals (`SetParam` named `evm.block_gas_limit`, `evm.tx_gas_limit`,
/// `evm.version`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EvmParams {
    /// The EIP-155 chain id Ethereum transactions must carry.
    pub chain_id: u64,
    /// EVM version.
    pub version: EvmVersion,
    /// Most gas of all EVM transactions of one block.
    pub block_gas_limit: u64,
    /// Most gas one transaction may ask for.
    pub tx_gas_limit: u64,
}

/// Lowest accepted gas limits (a plain call costs 21,000).
pub const MIN_GAS_LIMIT: u64 = 21_000;
/// Highest accepted gas limits (bounded work per block).
pub const MAX_BLOCK_GAS_LIMIT: u64 = 1_000_000_000;

impl EvmParams {
    /// Checks the limits.
    pub fn validate(&self) -> Result<(), String> {
        if self.chain_id == 0 || self.chain_id > u64::from(u32::MAX) {
            return Err("evm chain_id must be 1-4294967295".into());
        }
        if self.tx_gas_limit < MIN_GAS_LIMIT || self.tx_gas_limit > self.block_gas_limit {
            return Err(format!("evm tx_gas_limit must be {MIN_GAS_LIMIT}-block_gas_limit"));
        }
        if self.block_gas_limit > MAX_BLOCK_GAS_LIMIT {
            return Err(format!("evm block_gas_limit must be at most {MAX_BLOCK_GAS_LIMIT}"));
        }
        Ok(())
    }
}

/// An EVM account (`evm/acct/<address>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct AccountRecord {
    /// Nonce (contracts: how many contracts it created, plus one).
    pub nonce: u64,
    /// Balance in wei, big-endian (always zero on GovChain: gas is a budget, not money).
    #[serde(with = "hex_word")]
    pub balance: [u8; 32],
    /// keccak-256 of the code (`evm/code/<hash>`); the empty-code hash for an externally owned
    /// account.
    #[serde(with = "hex_word")]
    pub code_hash: [u8; 32],
}

/// A log a contract emitted.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct LogRecord {
    /// Emitting contract.
    pub address: Address,
    /// Topics (at most 4).
    #[serde(with = "hex_words")]
    pub topics: Vec<[u8; 32]>,
    /// Data.
    #[serde(with = "hex_bytes")]
    pub data: Vec<u8>,
}

/// How an EVM transaction ended.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum TxStatus {
    /// Succeeded.
    Success = 0,
    /// Reverted (`output` is the revert data).
    Reverted = 1,
    /// Halted (out of gas, invalid opcode…); `reason` names it.
    Halted = 2,
}

/// An EVM transaction with its receipt (`evm/tx/<hash>`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TxRecord {
    /// Ethereum transaction hash (keccak-256 of the raw transaction; for a native `evm.call`,
    /// the GovChain transaction id).
    #[serde(with = "hex_word")]
    pub hash: [u8; 32],
    /// The GovChain transaction id.
    pub tx_id: Hash32,
    /// Height.
    pub height: u64,
    /// Position among the block's EVM transactions.
    pub index: u32,
    /// Sender (the EVM `msg.sender`).
    pub from: Address,
    /// Callee; None for a deployment.
    pub to: Option<Address>,
    /// The deployed contract's address.
    pub contract: Option<Address>,
    /// Nonce.
    pub nonce: u64,
    /// Gas limit asked for.
    pub gas_limit: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Gas used by the block's EVM transactions up to and including this one.
    pub cumulative_gas_used: u64,
    /// Outcome.
    pub status: TxStatus,
    /// Return or revert data.
    #[serde(with = "hex_bytes")]
    pub output: Vec<u8>,
    /// Halt reason (empty unless halted).
    pub reason: String,
    /// Logs, in order.
    pub logs: Vec<LogRecord>,
    /// Index of the first log among the block's logs.
    pub first_log_index: u32,
    /// The raw Ethereum transaction (empty for a native call).
    #[serde(with = "hex_bytes")]
    pub raw: Vec<u8>,
    /// The call data.
    #[serde(with = "hex_bytes")]
    pub input: Vec<u8>,
}

/// A block's EVM transactions so far (`evm/block/<height>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct BlockTally {
    /// EVM transactions.
    pub txs: u32,
    /// Gas used.
    pub gas_used: u64,
    /// Logs.
    pub logs: u32,
}

/// Arguments of `evm.call`: a native GovChain account calls a contract, or deploys one when
/// `to` is None. `msg.sender` is the account's address.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EvmCall {
    /// Callee; None to deploy `input` as init code.
    pub to: Option<Address>,
    /// Call data or init code.
    pub input: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
}

/// Arguments of `evm.eth`: a signed Ethereum transaction, byte for byte as
/// `eth_sendRawTransaction` received it (EIP-2718: legacy with an EIP-155 chain id, EIP-2930
/// or EIP-1559). Carried in a GovChain envelope whose signer is the recovered secp256k1 key,
/// whose signature is the transaction's `r || s`, whose nonce is the transaction's, and which
/// never expires (see docs/adr/010-evm-accounts.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EthTx {
    /// The raw transaction.
    pub raw: Vec<u8>,
}

govchain_types::methods! { MODULE;
    EvmCall => "call",
    EthTx => "eth",
}

/// Hex (`0x…`) serde for byte vectors.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as `0x…`.
    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(v)))
    }

    /// Parses `0x…` (prefix optional).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s.strip_prefix("0x").unwrap_or(&s)).map_err(serde::de::Error::custom)
    }
}

/// Hex (`0x…`) serde for 32-byte words.
pub mod hex_word {
    use serde::{Deserializer, Serializer};

    /// Serialises as `0x` + 64 hex characters.
    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(v)))
    }

    /// Parses `0x` + 64 hex characters.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let v = super::hex_bytes::deserialize(d)?;
        <[u8; 32]>::try_from(v.as_slice()).map_err(|_| serde::de::Error::custom("expected 32 bytes"))
    }
}

/// Hex (`0x…`) serde for lists of 32-byte words.
pub mod hex_words {
    use serde::ser::SerializeSeq as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as a list of `0x…` strings.
    pub fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for w in v {
            seq.serialize_element(&format!("0x{}", hex::encode(w)))?;
        }
        seq.end()
    }

    /// Parses a list of `0x…` strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| {
                let b = hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(serde::de::Error::custom)?;
                <[u8; 32]>::try_from(b.as_slice()).map_err(|_| serde::de::Error::custom("expected 32 bytes"))
            })
            .collect()
    }
}
