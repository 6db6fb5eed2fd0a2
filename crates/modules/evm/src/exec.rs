//! Running one EVM transaction (revm) on the chain state: block environment from the block
//! header (never a clock), gas price zero, the EVM version and gas limits from `evm/params`.

use govchain_execution::{TxContext, TxError, TxErrorKind};
use govchain_types::Address;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::primitives::{B256, Bytes, TxKind, U256};
use revm::{ExecuteEvm as _, MainBuilder as _, MainContext as _};

use crate::db::{Changes, StateDb, to_evm, to_gov};
use crate::model::{EvmParams, LogRecord, TxStatus};
use crate::precompiles::GovPrecompiles;

/// What to run.
#[derive(Clone, Debug)]
pub struct Run {
    /// `msg.sender`.
    pub caller: Address,
    /// Callee; None to deploy `input`.
    pub to: Option<Address>,
    /// Call data or init code.
    pub input: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
    /// The sender's nonce for this transaction.
    pub nonce: u64,
    /// EIP-2930 access list.
    pub access_list: Vec<([u8; 20], Vec<[u8; 32]>)>,
}

/// How it ended.
pub struct Ran {
    /// Outcome.
    pub status: TxStatus,
    /// Gas used.
    pub gas_used: u64,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// Halt reason.
    pub reason: String,
    /// Logs.
    pub logs: Vec<LogRecord>,
    /// Deployed contract.
    pub contract: Option<Address>,
    /// The state changes (applied by the caller when executing, dropped for `eth_call`).
    pub changes: Changes,
}

/// The pseudo-random value the `PREVRANDAO` opcode returns at a height: a hash of it, public
/// and predictable (there is no randomness in a deterministic ledger).
fn prevrandao(height: u64) -> B256 {
    let mut pre = b"GOVCHAIN/PREVRANDAO/v1\0".to_vec();
    pre.extend(height.to_be_bytes());
    B256::from(govchain_crypto::secp256k1::keccak256(&pre))
}

/// Runs `run` against the state in `ctx` (the changes are returned, not written).
pub fn run(ctx: &mut TxContext<'_>, params: &EvmParams, run: &Run) -> Result<Ran, TxError> {
    if run.gas_limit > params.tx_gas_limit {
        return Err(TxError::new(
            TxErrorKind::TooExpensive,
            format!("gas limit {} exceeds the per-transaction limit {}", run.gas_limit, params.tx_gas_limit),
        ));
    }
    let height = ctx.height();
    let time_s = ctx.time_ms() / 1000;
    let spec = params.version.spec();
    let mut cfg = CfgEnv::new_with_spec(spec);
    cfg.chain_id = params.chain_id;
    cfg.disable_nonce_check = true;
    cfg.tx_gas_limit_cap = Some(params.tx_gas_limit);
    let block = BlockEnv {
        number: U256::from(height),
        beneficiary: revm::primitives::Address::ZERO,
        timestamp: U256::from(time_s),
        gas_limit: params.block_gas_limit,
        basefee: 0,
        difficulty: U256::ZERO,
        prevrandao: Some(prevrandao(height)),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(
            0,
            revm::primitives::eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN,
        )),
        ..Default::default()
    };
    let access_list = revm::context::transaction::AccessList(
        run.access_list
            .iter()
            .map(|(a, keys)| revm::context::transaction::AccessListItem {
                address: revm::primitives::Address::from(*a),
                storage_keys: keys.iter().map(|k| B256::from(*k)).collect(),
            })
            .collect(),
    );
    let tx = TxEnv {
        tx_type: if access_list.0.is_empty() { 0 } else { 1 },
        caller: to_evm(&run.caller),
        gas_limit: run.gas_limit,
        gas_price: 0,
        kind: match run.to {
            Some(a) => TxKind::Call(to_evm(&a)),
            None => TxKind::Create,
        },
        value: U256::ZERO,
        data: Bytes::from(run.input.clone()),
        nonce: run.nonce,
        chain_id: Some(params.chain_id),
        access_list,
        ..Default::default()
    };
    let db = StateDb::new(ctx, Some((run.caller, run.nonce)));
    let mut evm = Context::mainnet()
        .with_db(db)
        .with_cfg(cfg)
        .with_block(block)
        .build_mainnet()
        .with_precompiles(GovPrecompiles::new(spec));
    let result = evm.transact(tx);
    if let Some(e) = evm.ctx.journaled_state.database.failure.take() {
        return Err(e);
    }
    let out = match result {
        Ok(o) => o,
        Err(revm::context::result::EVMError::Database(e)) => return Err(e.0),
        Err(e) => {
            return Err(TxError::invalid_args(format!("EVM refused the transaction: {e}")));
        }
    };
    let changes = Changes::from_state(out.state);
    let logs = |logs: &[revm::primitives::Log]| -> Vec<LogRecord> {
        logs.iter()
            .map(|l| LogRecord {
                address: to_gov(&l.address),
                topics: l.data.topics().iter().map(|t| t.0).collect(),
                data: l.data.data.to_vec(),
            })
            .collect()
    };
    Ok(match out.result {
        ExecutionResult::Success { gas, logs: l, output, .. } => {
            let (output, contract) = match output {
                Output::Call(b) => (b.to_vec(), None),
                Output::Create(b, a) => (b.to_vec(), a.map(|a| to_gov(&a))),
            };
            Ran {
                status: TxStatus::Success,
                gas_used: gas.tx_gas_used(),
                output,
                reason: String::new(),
                logs: logs(&l),
                contract,
                changes,
            }
        }
        ExecutionResult::Revert { gas, output, .. } => Ran {
            status: TxStatus::Reverted,
            gas_used: gas.tx_gas_used(),
            output: output.to_vec(),
            reason: "execution reverted".into(),
            logs: Vec::new(),
            contract: None,
            changes,
        },
        ExecutionResult::Halt { reason, gas, .. } => Ran {
            status: TxStatus::Halted,
            gas_used: gas.tx_gas_used(),
            output: Vec::new(),
            reason: format!("{reason:?}"),
            logs: Vec::new(),
            contract: None,
            changes,
        },
    })
}
