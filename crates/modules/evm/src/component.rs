//! The evm component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described, Genesis, GenesisError, GenesisState};
use govchain_execution::Module;
use serde::{Deserialize, Serialize};

use crate::keys::{self, MODULE};
use crate::methods::EvmModule;
use crate::model::{AccountRecord, BlockTally, EvmParams, EvmVersion, TxRecord};

/// The genesis `evm` section (every field optional).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvmGenesis {
    /// EIP-155 chain id; default: derived from the chain id (see [`default_chain_id`]).
    #[serde(default)]
    pub chain_id: Option<u64>,
    /// EVM version; default Cancun.
    #[serde(default)]
    pub evm_version: Option<EvmVersion>,
    /// Block gas limit; default 100,000,000.
    #[serde(default)]
    pub block_gas_limit: Option<u64>,
    /// Per-transaction gas limit; default 30,000,000.
    #[serde(default)]
    pub tx_gas_limit: Option<u64>,
}

/// The EIP-155 chain id of a chain that does not set one: the first four bytes of SHA-256 of
/// its chain id, as a number below 2^31 (distinct chains get distinct ids, so a transaction
/// signed for one is refused by the others).
pub fn default_chain_id(chain_id: &str) -> u64 {
    let h = govchain_crypto::Suite::Ed25519Sha256.hash(chain_id.as_bytes()).0;
    u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]) & 0x7fff_ffff).max(1)
}

impl EvmGenesis {
    /// The parameters this section sets.
    pub fn params(&self, chain_id: &str) -> EvmParams {
        EvmParams {
            chain_id: self.chain_id.unwrap_or_else(|| default_chain_id(chain_id)),
            version: self.evm_version.unwrap_or(EvmVersion::Cancun),
            block_gas_limit: self.block_gas_limit.unwrap_or(100_000_000),
            tx_gas_limit: self.tx_gas_limit.unwrap_or(30_000_000),
        }
    }
}

/// General smart contracts.
#[derive(Default)]
pub struct EvmComponent;

impl Component for EvmComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(EvmModule))
    }

    fn genesis(&self, genesis: &Genesis) -> Result<GenesisState, GenesisError> {
        let section: EvmGenesis = genesis.section(MODULE)?;
        let params = section.params(&genesis.chain_id);
        params.validate().map_err(|e| GenesisError::section(MODULE, e))?;
        let mut state = GenesisState::default();
        state.put(keys::PARAMS.to_vec(), &params)?;
        Ok(state)
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("evm/acct/") {
                borsh::from_slice::<AccountRecord>(v).ok().map(|x| Described::json("EVM account", &x))
            } else if k.starts_with("evm/slot/") {
                Some(format!("storage slot value 0x{}", hex::encode(v)))
            } else if k.starts_with("evm/tx/") {
                borsh::from_slice::<TxRecord>(v).ok().map(|x| Described::json("EVM transaction and receipt", &x))
            } else if k.starts_with("evm/block/") {
                borsh::from_slice::<BlockTally>(v).ok().map(|x| Described::json("EVM block tally", &x))
            } else if k == "evm/params" {
                borsh::from_slice::<EvmParams>(v).ok().map(|x| Described::json("EVM parameters", &x))
            } else if k.starts_with("evm/code/") {
                Some(format!("contract code, {} bytes", v.len()))
            } else {
                None
            };
            decoded.unwrap_or_else(|| format!("value 0x{}", hex::encode(v)))
        });
        Some(Described { key: text, value })
    }

    #[cfg(feature = "http")]
    fn routes(&self) -> govchain_component::http::Routes {
        crate::rpc::routes()
    }
}
