//! The evm module's transaction methods: `evm.eth` (an Ethereum transaction) and `evm.call`
//! (a native account's call or deployment), and the envelope check of Ethereum transactions.

use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args, limits::MAX_WRITES_PER_TX};
use govchain_types::{Address, Event, IndexOp, Method as _, PublicKey, Signature, SignedTransaction};

use crate::ethtx::{self, EthTxError};
use crate::exec::{self, Run};
use crate::keys::{self, MODULE};
use crate::model::*;

/// The permission a role must grant for deploying contracts.
pub const DEPLOY_PERMISSION: &str = "evm.deploy";
/// Writes a transaction makes besides the EVM's own (record, tally).
const OWN_WRITES: usize = 2;
/// Most logs turned into GovChain events per transaction (all are in the EVM receipt).
const MAX_LOG_EVENTS: usize = 48;

/// The evm module.
#[derive(Default)]
pub struct EvmModule;

/// The EVM parameters in force.
pub fn params(ctx: &mut TxContext<'_>) -> Result<EvmParams, TxError> {
    ctx.get_as::<EvmParams>(keys::PARAMS)?.ok_or_else(|| TxError::storage("no evm parameters in state"))
}

/// Applies a governance `SetParam` named `evm.…` (`evm.block_gas_limit`, `evm.tx_gas_limit`,
/// `evm.version`: 0 Cancun, 1 Prague). With `write` false only checks it.
pub fn set_param(ctx: &mut TxContext<'_>, name: &str, value: u64, write: bool) -> Result<(), TxError> {
    let mut p = ctx
        .get_as::<EvmParams>(keys::PARAMS)?
        .ok_or_else(|| TxError::invalid_args("this chain runs no EVM: evm parameters cannot be set"))?;
    match name {
        "evm.block_gas_limit" => p.block_gas_limit = value,
        "evm.tx_gas_limit" => p.tx_gas_limit = value,
        "evm.version" => {
            p.version = EvmVersion::from_number(value)
                .ok_or_else(|| TxError::invalid_args("evm.version must be 0 (cancun) or 1 (prague)"))?
        }
        _ => return Err(TxError::invalid_args(format!("unknown parameter {name}"))),
    }
    p.validate().map_err(TxError::invalid_args)?;
    if write {
        ctx.put_as(keys::PARAMS.to_vec(), &p)?;
    }
    Ok(())
}

fn eth_error(e: EthTxError) -> TxError {
    match e {
        EthTxError::WrongChainId { .. } | EthTxError::NoChainId => {
            TxError::new(TxErrorKind::WrongChainId, e.to_string())
        }
        EthTxError::Signature(_) => TxError::new(TxErrorKind::UnknownSigner, e.to_string()),
        _ => TxError::invalid_args(e.to_string()),
    }
}

/// The gas room left in the block, or `block_full`.
fn check_block_gas(ctx: &mut TxContext<'_>, p: &EvmParams, gas_limit: u64) -> Result<(), TxError> {
    if gas_limit > p.tx_gas_limit {
        return Err(TxError::new(
            TxErrorKind::TooExpensive,
            format!("gas limit {gas_limit} exceeds the per-transaction limit {}", p.tx_gas_limit),
        ));
    }
    let tally: BlockTally = ctx.get_as(&keys::block(ctx.height()))?.unwrap_or_default();
    if tally.gas_used.saturating_add(gas_limit) > p.block_gas_limit {
        return Err(TxError::new(TxErrorKind::BlockFull, "the block's gas limit is reached"));
    }
    Ok(())
}

/// A deployment needs an account whose role grants `evm.deploy`.
fn check_deploy(ctx: &mut TxContext<'_>, sender: &Address) -> Result<(), TxError> {
    let acct = govchain_identity::eth::acting_account(ctx, sender)?
        .ok_or_else(|| TxError::unauthorized(format!("{sender} acts for no account")))?;
    if !govchain_identity::has_permission(ctx, &acct, DEPLOY_PERMISSION)? {
        return Err(TxError::unauthorized(format!("no role of {} grants {DEPLOY_PERMISSION}", acct.address)));
    }
    Ok(())
}

impl EvmModule {
    fn record(
        &self,
        ctx: &mut TxContext<'_>,
        p: &EvmParams,
        hash: [u8; 32],
        run: Run,
        raw: Vec<u8>,
    ) -> Result<(), TxError> {
        let height = ctx.height();
        let tally_key = keys::block(height);
        let mut tally: BlockTally = ctx.get_as(&tally_key)?.unwrap_or_default();
        if ctx.get(&keys::tx(&hash))?.is_some() {
            return Err(TxError::already_exists("this transaction was executed already"));
        }
        let mut ran = match exec::run(ctx, p, &run) {
            Ok(r) => r,
            // Over the per-transaction read budget (a contract reading more than the chain's
            // limit): recorded as a halt with all its gas, so the sender gets a receipt.
            Err(e) if e.kind == TxErrorKind::TooExpensive => exec::Ran {
                status: TxStatus::Halted,
                gas_used: run.gas_limit,
                output: Vec::new(),
                reason: e.message,
                logs: Vec::new(),
                contract: None,
                changes: crate::db::Changes::empty(),
            },
            Err(e) => return Err(e),
        };
        if ran.changes.len() + OWN_WRITES > MAX_WRITES_PER_TX {
            // Over the per-transaction write limit: nothing the EVM did is kept, like a halt.
            ran.status = TxStatus::Halted;
            ran.reason = format!("more than {} state writes", MAX_WRITES_PER_TX - OWN_WRITES);
            ran.logs.clear();
            ran.contract = None;
            ran.output.clear();
            ran.gas_used = run.gas_limit;
        } else {
            std::mem::replace(&mut ran.changes, crate::db::Changes::empty()).apply(ctx)?;
        }
        let index = tally.txs;
        tally.txs += 1;
        tally.gas_used = tally.gas_used.saturating_add(ran.gas_used);
        let first_log_index = tally.logs;
        tally.logs = tally.logs.saturating_add(ran.logs.len() as u32);
        let rec = TxRecord {
            hash,
            tx_id: ctx.tx_hash,
            height,
            index,
            from: run.caller,
            to: run.to,
            contract: ran.contract,
            nonce: run.nonce,
            gas_limit: run.gas_limit,
            gas_used: ran.gas_used,
            cumulative_gas_used: tally.gas_used,
            status: ran.status.clone(),
            output: ran.output,
            reason: ran.reason,
            logs: ran.logs,
            first_log_index,
            raw,
            input: run.input,
        };
        ctx.put_as(tally_key, &tally)?;
        ctx.index(IndexOp::Put(keys::block_tx(height, index), hash.to_vec()));
        if let Some(c) = rec.contract {
            ctx.index(IndexOp::Put(keys::contract(&c), borsh::to_vec(&(rec.from, height)).unwrap_or_default()));
        }
        if let Some(c) = rec.contract.or(rec.to) {
            ctx.index(IndexOp::Put(keys::contract_tx(&c, height, index), hash.to_vec()));
        }
        let status = match rec.status {
            TxStatus::Success => "success",
            TxStatus::Reverted => "reverted",
            TxStatus::Halted => "halted",
        };
        let mut attrs = vec![
            ("hash", format!("0x{}", hex::encode(hash))),
            ("from", rec.from.to_text()),
            ("status", status.to_string()),
            ("gas_used", rec.gas_used.to_string()),
        ];
        if let Some(to) = rec.to {
            attrs.push(("to", to.to_text()));
        }
        if let Some(c) = rec.contract {
            attrs.push(("contract", c.to_text()));
        }
        ctx.emit(Event::new(MODULE, "tx", &attrs))?;
        for (i, l) in rec.logs.iter().take(MAX_LOG_EVENTS).enumerate() {
            let topics: Vec<String> = l.topics.iter().map(|t| format!("0x{}", hex::encode(t))).collect();
            ctx.emit(Event::new(
                MODULE,
                "log",
                &[
                    ("tx", format!("0x{}", hex::encode(hash))),
                    ("address", l.address.to_text()),
                    ("log_index", (first_log_index as usize + i).to_string()),
                    ("topics", topics.join(",")),
                    ("data", format!("0x{}", hex::encode(&l.data))),
                ],
            ))?;
        }
        ctx.put_as(keys::tx(&hash), &rec)
    }

    fn eth(&self, ctx: &mut TxContext<'_>, tx: EthTx, phase: Phase) -> Result<(), TxError> {
        let p = params(ctx)?;
        // The signature was verified in the envelope check (the signer is its address).
        let mut d = ethtx::parse(&tx.raw, p.chain_id).map_err(eth_error)?;
        d.from = ctx.signer;
        if d.to.is_none() {
            check_deploy(ctx, &d.from)?;
        }
        if phase == Phase::Check {
            return Ok(());
        }
        let run = Run {
            caller: d.from,
            to: d.to,
            input: d.input,
            gas_limit: d.gas_limit,
            nonce: d.nonce,
            access_list: d.access_list,
        };
        self.record(ctx, &p, d.hash, run, tx.raw)
    }

    fn call(&self, ctx: &mut TxContext<'_>, c: EvmCall, phase: Phase) -> Result<(), TxError> {
        let p = params(ctx)?;
        check_block_gas(ctx, &p, c.gas_limit)?;
        let caller = ctx.signer;
        if c.to.is_none() {
            check_deploy(ctx, &caller)?;
        }
        if phase == Phase::Check {
            return Ok(());
        }
        // The executor advanced the nonce already: this transaction's is one less.
        let next: u64 = ctx.get_as(&govchain_execution::keys::nonce(&caller))?.unwrap_or(1);
        let run = Run {
            caller,
            to: c.to,
            input: c.input,
            gas_limit: c.gas_limit,
            nonce: next.saturating_sub(1),
            access_list: Vec::new(),
        };
        let hash = ctx.tx_hash.0;
        self.record(ctx, &p, hash, run, Vec::new())
    }
}

impl Module for EvmModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn check_envelope(&self, ctx: &mut TxContext<'_>, method: &str, stx: &SignedTransaction) -> Result<(), TxError> {
        let native = stx.is_native(ctx.env().suite);
        if method != EthTx::METHOD {
            if !native {
                return Err(TxError::new(TxErrorKind::WrongAlgorithm, "only evm.eth carries Ethereum signatures"));
            }
            // A native call waits for the next block when this one's gas is used up.
            if method == EvmCall::METHOD {
                let c: EvmCall = decode_args(&stx.call().args)?;
                let p = params(ctx)?;
                return check_block_gas(ctx, &p, c.gas_limit);
            }
            return Ok(());
        }
        if native {
            return Err(TxError::new(TxErrorKind::WrongAlgorithm, "evm.eth must carry an Ethereum-signed transaction"));
        }
        let tx: EthTx = decode_args(&stx.call().args)?;
        let p = params(ctx)?;
        let d = ethtx::decode(&tx.raw, p.chain_id).map_err(eth_error)?;
        let canonical = stx.tx.signer == PublicKey::Secp256k1(d.signer)
            && stx.signature == Signature::Secp256k1(d.rs)
            && stx.tx.nonce == d.nonce
            && stx.tx.expires_at_height == u64::MAX;
        if !canonical {
            return Err(TxError::new(
                TxErrorKind::UnknownSigner,
                "the envelope does not match the Ethereum transaction it carries",
            ));
        }
        check_block_gas(ctx, &p, d.gas_limit)
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        match method {
            EthTx::METHOD => self.eth(ctx, decode_args(args)?, phase),
            EvmCall::METHOD => self.call(ctx, decode_args(args)?, phase),
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("evm has no method {m}"))),
        }
    }
}
