//! Precompiles that expose government facts to Solidity, at fixed addresses, beside Ethereum's
//! own. Their interfaces are `contracts/GovChain.sol`; each is a read of the state the block
//! executes on, so a contract sees a certificate revoked in the previous block as revoked.
//!
//! | address | interface | functions |
//! |---|---|---|
//! | `0x…0c01` | `IGovCertificates` | `isValid(string certId)`, `holderHasValid(bytes32 pseudonym, string certType)` |
//! | `0x…0c02` | `IGovRecords` | `latestVersion(string recordId) → (uint32 version, bool active, bytes32 hash)` |
//! | `0x…0c03` | `IGovIdentity` | `hasRole(address account, string role)`, `organisationOf(address account)` |

use alloy_sol_types::{SolCall as _, SolError as _, sol};
use govchain_execution::TxError;
use revm::context::Cfg;
use revm::context_interface::ContextTr;
use revm::handler::{EthPrecompiles, PrecompileProvider, precompile_output_to_interpreter_result};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::precompile::PrecompileOutput;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as EvmAddress, AddressSet, Bytes, address};

use crate::db::{StateDb, to_gov};

sol! {
    /// Certificate status (`0x…0c01`).
    interface IGovCertificates {
        function isValid(string certId) external view returns (bool);
        function holderHasValid(bytes32 pseudonym, string certType) external view returns (bool);
    }
    /// Public records (`0x…0c02`).
    interface IGovRecords {
        function latestVersion(string recordId) external view returns (uint32 version, bool active, bytes32 hash);
    }
    /// Identity (`0x…0c03`).
    interface IGovIdentity {
        function hasRole(address account, string role) external view returns (bool);
        function organisationOf(address account) external view returns (string);
    }
}

/// `IGovCertificates`.
pub const CERTIFICATES: EvmAddress = address!("0000000000000000000000000000000000000c01");
/// `IGovRecords`.
pub const RECORDS: EvmAddress = address!("0000000000000000000000000000000000000c02");
/// `IGovIdentity`.
pub const IDENTITY: EvmAddress = address!("0000000000000000000000000000000000000c03");

/// Gas of one call: a fixed price per state read it may make (a cold `SLOAD` is 2,100).
pub const GAS_PER_READ: u64 = 2_100;
/// Longest string argument (ids, types, roles).
const MAX_ARG: usize = 256;

/// Ethereum's precompiles plus GovChain's.
pub struct GovPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
}

impl GovPrecompiles {
    /// For an EVM version.
    pub fn new(spec: SpecId) -> GovPrecompiles {
        let eth = EthPrecompiles::new(spec);
        let mut warm = AddressSet::default();
        warm.clone_from(eth.warm_addresses());
        warm.extend([CERTIFICATES, RECORDS, IDENTITY]);
        GovPrecompiles { eth, warm }
    }
}

enum Answer {
    Ok(u64, Vec<u8>),
    Revert(String),
}

fn revert_reason(msg: &str) -> Bytes {
    alloy_sol_types::Revert::from(msg).abi_encode().into()
}

fn short(s: &str) -> Result<(), String> {
    if s.len() > MAX_ARG { Err(format!("argument longer than {MAX_ARG} bytes")) } else { Ok(()) }
}

fn answer(db: &mut StateDb<'_, '_>, to: &EvmAddress, input: &[u8]) -> Result<Answer, TxError> {
    let bad = |e: alloy_sol_types::Error| Answer::Revert(format!("GovChain precompile: {e}"));
    let ctx = &mut *db.ctx;
    if *to == CERTIFICATES {
        if let Ok(c) = IGovCertificates::isValidCall::abi_decode(input) {
            if let Err(e) = short(&c.certId) {
                return Ok(Answer::Revert(e));
            }
            let ok = govchain_certificates::facts::in_force(ctx, &c.certId)?.is_some_and(|(_, ok)| ok);
            return Ok(Answer::Ok(GAS_PER_READ, IGovCertificates::isValidCall::abi_encode_returns(&ok)));
        }
        return Ok(match IGovCertificates::holderHasValidCall::abi_decode(input) {
            Ok(c) => {
                if let Err(e) = short(&c.certType) {
                    return Ok(Answer::Revert(e));
                }
                let ok = govchain_certificates::facts::holder_has_valid(
                    ctx,
                    &c.certType,
                    &govchain_types::Hash32(c.pseudonym.0),
                )?;
                let reads = 1 + govchain_certificates::facts::MAX_PER_HOLDER as u64;
                Answer::Ok(GAS_PER_READ * reads, IGovCertificates::holderHasValidCall::abi_encode_returns(&ok))
            }
            Err(e) => bad(e),
        });
    }
    if *to == RECORDS {
        return Ok(match IGovRecords::latestVersionCall::abi_decode(input) {
            Ok(c) => {
                if let Err(e) = short(&c.recordId) {
                    return Ok(Answer::Revert(e));
                }
                let (version, active, hash) =
                    govchain_records::facts::latest_version(ctx, &c.recordId)?.unwrap_or_default();
                let ret = IGovRecords::latestVersionReturn { version, active, hash: hash.0.into() };
                Answer::Ok(2 * GAS_PER_READ, IGovRecords::latestVersionCall::abi_encode_returns(&ret))
            }
            Err(e) => bad(e),
        });
    }
    if let Ok(c) = IGovIdentity::hasRoleCall::abi_decode(input) {
        if let Err(e) = short(&c.role) {
            return Ok(Answer::Revert(e));
        }
        let acct = govchain_identity::eth::acting_account(ctx, &to_gov(&c.account))?;
        let ok = acct.is_some_and(|a| a.active && a.roles.contains(&c.role));
        return Ok(Answer::Ok(2 * GAS_PER_READ, IGovIdentity::hasRoleCall::abi_encode_returns(&ok)));
    }
    Ok(match IGovIdentity::organisationOfCall::abi_decode(input) {
        Ok(c) => {
            let acct = govchain_identity::eth::acting_account(ctx, &to_gov(&c.account))?;
            let org = acct.map(|a| a.org).unwrap_or_default();
            Answer::Ok(2 * GAS_PER_READ, IGovIdentity::organisationOfCall::abi_encode_returns(&org))
        }
        Err(e) => bad(e),
    })
}

impl<'c, 'a: 'c, CTX> PrecompileProvider<CTX> for GovPrecompiles
where
    CTX: ContextTr<Db = StateDb<'c, 'a>, Cfg: Cfg<Spec = SpecId>>,
{
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: SpecId) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        self.warm.clone_from(self.eth.warm_addresses());
        self.warm.extend([CERTIFICATES, RECORDS, IDENTITY]);
        changed
    }

    fn run(&mut self, context: &mut CTX, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        let to = inputs.bytecode_address;
        if to != CERTIFICATES && to != RECORDS && to != IDENTITY {
            return <EthPrecompiles as PrecompileProvider<CTX>>::run(&mut self.eth, context, inputs);
        }
        let input = inputs.input.as_bytes(context).to_vec();
        let out = match answer(context.db_mut(), &to, &input) {
            Ok(Answer::Ok(gas, bytes)) => PrecompileOutput::new(gas, bytes.into(), inputs.reservoir),
            Ok(Answer::Revert(msg)) => PrecompileOutput::revert(GAS_PER_READ, revert_reason(&msg), inputs.reservoir),
            // A storage failure or an exhausted read budget aborts the transaction.
            Err(e) => {
                let msg = e.to_string();
                context.db_mut().failure = Some(e);
                return Err(msg);
            }
        };
        Ok(Some(precompile_output_to_interpreter_result(out, inputs.gas_limit)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }
}
