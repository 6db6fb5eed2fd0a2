use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_types::bounded::{BoundedString, BoundedVec};
use govchain_types::{Hash32, IndexOp, Outcome, Receipt, SignedTransaction, Suite};

use crate::context::{StateRead, TxContext, Writes};
use crate::{BlockError, TxError, TxErrorKind, keys};

/// The environment of the block being executed. Time comes from the block header, never from a
/// clock.
#[derive(Clone, Debug)]
pub struct BlockEnv {
    /// Chain id.
    pub chain_id: String,
    /// Suite (hash for ids and addresses).
    pub suite: Suite,
    /// Height being executed.
    pub height: u64,
    /// Block time in ms since the epoch.
    pub time_ms: u64,
}

/// Why a module method is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Admission check against the committed state: arguments decode and are in range, and the
    /// signer holds the permission the method needs. Must not depend on other pending
    /// transactions; writes made here are discarded.
    Check,
    /// Execution in a block. On error the transaction's writes are discarded and its receipt
    /// carries the error code; the nonce still advances.
    Execute,
}

/// A module: a named set of methods over its own key prefix.
pub trait Module: Send + Sync {
    /// The module name used in calls (`records`, `identity`).
    fn name(&self) -> &'static str;

    /// Checks or executes `method(args)` (see [`Phase`]).
    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError>;

    /// Checks a transaction's envelope before its nonce and signer (in admission and in every
    /// block execution), in a context whose `signer` is still the key's address. An error makes
    /// the transaction invalid: left out of a block being built (and, for
    /// [`TxErrorKind::BlockFull`], kept for the next), and a block carrying it invalid.
    ///
    /// The default accepts only transactions signed with the chain's own algorithm (see
    /// [`SignedTransaction::is_native`]). A module carrying transactions of another kind (an
    /// Ethereum transaction, whose secp256k1 signature covers its own encoding) decodes and
    /// verifies the signature here, and checks that the envelope (signer, nonce, expiry) is the
    /// canonical one for it.
    fn check_envelope(&self, ctx: &mut TxContext<'_>, _method: &str, stx: &SignedTransaction) -> Result<(), TxError> {
        if stx.is_native(ctx.env().suite) {
            return Ok(());
        }
        Err(TxError::new(
            TxErrorKind::WrongAlgorithm,
            format!(
                "this chain accepts only {:?} keys and signatures for this call",
                ctx.env().suite.default_algorithm()
            ),
        ))
    }

    /// Whether `method` may be sent by a key no account holds (an anonymous, one-time key: a
    /// ballot signed by a fresh key that carries a blind-signed token). For such methods the
    /// signer gate is skipped and the module's `call` must itself decide, in both phases,
    /// whether the key may act (for example by checking the token). Default: none.
    fn anonymous(&self, _method: &str) -> bool {
        false
    }

    /// Work due at the start of every block, before its transactions (for example deadlines
    /// that have passed by the block's time): returns the tasks to run, each then given to
    /// [`Module::block_task`] in its own context. It runs with no signer (the zero address)
    /// under the per-transaction limits; its writes (a cursor, say) apply to the block. Events
    /// are dropped (record what happened in state). An error discards its writes; only a
    /// storage error fails the block. Default: nothing.
    fn begin_block(&self, _ctx: &mut TxContext<'_>) -> Result<Vec<Vec<u8>>, TxError> {
        Ok(Vec::new())
    }

    /// Runs one task [`Module::begin_block`] returned, in a context of its own: an error
    /// discards only this task's writes.
    fn block_task(&self, _ctx: &mut TxContext<'_>, _task: &[u8]) -> Result<(), TxError> {
        Ok(())
    }
}

/// Decodes a method's borsh-encoded arguments, or fails with `invalid_arguments`.
pub fn decode_args<T: borsh::BorshDeserialize>(args: &[u8]) -> Result<T, TxError> {
    borsh::from_slice(args).map_err(|e| TxError::invalid_args(format!("arguments do not decode: {e}")))
}

/// Decides whether a signer may send transactions at all (implemented by the identity module:
/// the signer must be a registered, active account whose current key signed).
pub trait SignerGate: Send + Sync {
    /// Checks the signer of the transaction in `ctx` (whose `signer` is still the key's address)
    /// and returns the address of the account it acts for.
    fn check_signer(&self, ctx: &mut TxContext<'_>) -> Result<govchain_types::Address, TxError>;

    /// The account a key acts for (the key's own address unless the account rotated keys).
    fn resolve(
        &self,
        base: &dyn StateRead,
        key_address: &govchain_types::Address,
    ) -> Result<govchain_types::Address, TxError>;
}

/// How invalid transactions are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Building a proposal: skip invalid transactions and report them.
    Build,
    /// Validating or replaying a decided block: an invalid transaction makes the block invalid.
    Validate,
}

/// Result of executing a block.
#[derive(Debug, Default)]
pub struct BlockOutput {
    /// State writes, in key order.
    pub writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// One receipt per included transaction, in order.
    pub receipts: Vec<Receipt>,
    /// Query-index changes.
    pub index: Vec<IndexOp>,
    /// Positions (in the input) of the included transactions.
    pub included: Vec<usize>,
    /// Build mode: transactions left out, with the reason.
    pub rejected: Vec<(usize, TxError)>,
}

/// Runs transactions through modules.
#[derive(Clone)]
pub struct Executor {
    modules: BTreeMap<&'static str, Arc<dyn Module>>,
    gate: Arc<dyn SignerGate>,
}

fn read_nonce(writes: &Writes, base: &dyn StateRead, key: &[u8]) -> Result<u64, TxError> {
    let bytes = match writes.get(key) {
        Some(v) => v.clone(),
        None => base.get(key)?,
    };
    match bytes {
        Some(b) => borsh::from_slice(&b).map_err(|e| TxError::storage(format!("corrupt nonce: {e}"))),
        None => Ok(0),
    }
}

fn short<const N: usize>(s: &str) -> BoundedString<N> {
    let mut end = s.len().min(N);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    BoundedString::new(&s[..end]).unwrap_or_default()
}

impl Executor {
    /// An executor over the given modules, with `gate` deciding who may sign.
    pub fn new(modules: Vec<Arc<dyn Module>>, gate: Arc<dyn SignerGate>) -> Executor {
        Executor { modules: modules.into_iter().map(|m| (m.name(), m)).collect(), gate }
    }

    /// The next nonce of an account in `base`.
    pub fn account_nonce(base: &dyn StateRead, addr: &govchain_types::Address) -> Result<u64, TxError> {
        read_nonce(&Writes::new(), base, &keys::nonce(addr))
    }

    /// The next nonce of the account a key (by its address) acts for.
    pub fn nonce_of_key(&self, base: &dyn StateRead, key_address: &govchain_types::Address) -> Result<u64, TxError> {
        Executor::account_nonce(base, &self.gate.resolve(base, key_address)?)
    }

    /// Checks envelope rules that do not depend on the nonce: chain id, expiry, signer gate.
    fn check_envelope(
        &self,
        env: &BlockEnv,
        base: &dyn StateRead,
        writes: &Writes,
        stx: &SignedTransaction,
        tx_hash: Hash32,
    ) -> Result<govchain_types::Address, TxError> {
        let tx = &stx.tx;
        if tx.chain_id.as_str() != env.chain_id {
            return Err(TxError::new(TxErrorKind::WrongChainId, format!("transaction is for chain {}", tx.chain_id)));
        }
        if env.height > tx.expires_at_height {
            return Err(TxError::new(
                TxErrorKind::Expired,
                format!("transaction expired at height {}; chain is at {}", tx.expires_at_height, env.height),
            ));
        }
        let signer = tx.signer.address(env.suite);
        let mut ctx = TxContext::new(env, base, writes, signer, &tx.signer, tx_hash);
        let call = stx.call();
        match self.modules.get(call.module.as_str()) {
            Some(m) => {
                m.check_envelope(&mut ctx, &call.method, stx)?;
                if m.anonymous(&call.method) && stx.is_native(env.suite) {
                    return Ok(signer);
                }
            }
            None if !stx.is_native(env.suite) => {
                return Err(TxError::new(
                    TxErrorKind::WrongAlgorithm,
                    format!("this chain accepts only {:?} keys and signatures", env.suite.default_algorithm()),
                ));
            }
            None => {}
        }
        self.gate.check_signer(&mut ctx)
    }

    /// Admission check of one transaction against committed state: envelope rules, signer gate
    /// and the module's `check` (authorisation). The nonce is checked by the mempool.
    pub fn check_tx(
        &self,
        env: &BlockEnv,
        base: &dyn StateRead,
        stx: &SignedTransaction,
        tx_hash: Hash32,
    ) -> Result<(), TxError> {
        let empty = Writes::new();
        let signer = self.check_envelope(env, base, &empty, stx, tx_hash)?;
        let call = stx.call();
        let module = self
            .modules
            .get(call.module.as_str())
            .ok_or_else(|| TxError::new(TxErrorKind::UnknownMethod, format!("no module named {}", call.module)))?;
        let mut ctx = TxContext::new(env, base, &empty, signer, &stx.tx.signer, tx_hash);
        module.call(&mut ctx, &call.method, &call.args, Phase::Check)
    }

    /// Installs a scheduled validator set while executing the block before its effective height.
    fn install_pending_validators(
        &self,
        env: &BlockEnv,
        base: &dyn StateRead,
        writes: &mut Writes,
        out: &mut BlockOutput,
    ) -> Result<(), BlockError> {
        let Some(bytes) = base.get(keys::VALIDATORS_PENDING).map_err(|e| BlockError::Storage(e.0))? else {
            return Ok(());
        };
        let pending: crate::PendingValidators =
            borsh::from_slice(&bytes).map_err(|e| BlockError::Storage(format!("corrupt pending validators: {e}")))?;
        if pending.effective_height > env.height + 1 {
            return Ok(());
        }
        let set = borsh::to_vec(&pending.set).map_err(|e| BlockError::Storage(e.to_string()))?;
        writes.insert(keys::VALIDATORS.to_vec(), Some(set));
        writes.insert(keys::VALIDATORS_PENDING.to_vec(), None);
        out.index.push(IndexOp::Put(crate::system::valset_change_index_key(env.height + 1), Vec::new()));
        Ok(())
    }

    /// Runs every module's [`Module::begin_block`], in module-name order.
    fn begin_block(
        &self,
        env: &BlockEnv,
        base: &dyn StateRead,
        writes: &mut Writes,
        out: &mut BlockOutput,
    ) -> Result<(), BlockError> {
        let nobody = govchain_types::PublicKey::Ed25519([0; 32]);
        let id = env.suite.hash_parts(&[b"GOVCHAIN/BEGIN-BLOCK/v1\0", &env.height.to_be_bytes()]);
        let nobody_addr = govchain_types::Address::default();
        for m in self.modules.values() {
            let result = {
                let mut ctx = TxContext::new(env, base, writes, nobody_addr, &nobody, id);
                m.begin_block(&mut ctx).map(|tasks| (ctx.finish(), tasks))
            };
            let tasks = match result {
                Ok(((w, _events, index), tasks)) => {
                    writes.extend(w);
                    out.index.extend(index);
                    tasks
                }
                Err(e) if e.is_storage() => return Err(BlockError::Storage(e.message)),
                Err(_) => continue,
            };
            for task in tasks {
                let result = {
                    let mut ctx = TxContext::new(env, base, writes, nobody_addr, &nobody, id);
                    m.block_task(&mut ctx, &task).map(|()| ctx.finish())
                };
                match result {
                    Ok((w, _events, index)) => {
                        writes.extend(w);
                        out.index.extend(index);
                    }
                    Err(e) if e.is_storage() => return Err(BlockError::Storage(e.message)),
                    Err(_) => {}
                }
            }
        }
        Ok(())
    }

    /// Executes a block's transactions on `base` (the state after the previous block).
    /// `hashes[i]` is the id of `txs[i]` (computed once by the caller).
    pub fn execute_block(
        &self,
        env: &BlockEnv,
        base: &dyn StateRead,
        txs: &[SignedTransaction],
        hashes: &[Hash32],
        mode: Mode,
    ) -> Result<BlockOutput, BlockError> {
        if hashes.len() != txs.len() {
            return Err(BlockError::Storage("one id per transaction is required".into()));
        }
        let cached = crate::cache::CachedRead::new(base);
        let base: &dyn StateRead = &cached;
        let mut out = BlockOutput::default();
        let mut writes = Writes::new();
        self.install_pending_validators(env, base, &mut writes, &mut out)?;
        self.begin_block(env, base, &mut writes, &mut out)?;

        for (i, (stx, tx_hash)) in txs.iter().zip(hashes).enumerate() {
            let tx_hash = *tx_hash;
            let validity = self.check_envelope(env, base, &writes, stx, tx_hash).and_then(|signer| {
                let expected = read_nonce(&writes, base, &keys::nonce(&signer))?;
                if stx.tx.nonce != expected {
                    return Err(TxError::new(
                        TxErrorKind::BadNonce,
                        format!("nonce {} but the account's next nonce is {expected}", stx.tx.nonce),
                    ));
                }
                Ok((signer, expected))
            });
            let (signer, nonce) = match validity {
                Ok(n) => n,
                Err(e) if e.is_storage() => return Err(BlockError::Storage(e.message)),
                Err(e) => match mode {
                    // No room left: the rest waits for the next block.
                    Mode::Build if e.kind == TxErrorKind::BlockFull => break,
                    Mode::Build => {
                        out.rejected.push((i, e));
                        continue;
                    }
                    Mode::Validate => return Err(BlockError::InvalidTx { index: i, error: e }),
                },
            };
            let next = borsh::to_vec(&(nonce + 1)).map_err(|e| BlockError::Storage(e.to_string()))?;
            writes.insert(keys::nonce(&signer), Some(next));

            let call = stx.call();
            let result = {
                let mut ctx = TxContext::new(env, base, &writes, signer, &stx.tx.signer, tx_hash);
                let r = match self.modules.get(call.module.as_str()) {
                    Some(m) => m.call(&mut ctx, &call.method, &call.args, Phase::Execute),
                    None => Err(TxError::new(TxErrorKind::UnknownMethod, format!("no module named {}", call.module))),
                };
                r.map(|()| ctx.finish())
            };
            let receipt = match result {
                Ok((tx_writes, events, index)) => {
                    writes.extend(tx_writes);
                    out.index.extend(index);
                    Receipt {
                        tx_hash,
                        outcome: Outcome::Success,
                        events: BoundedVec::new(events).map_err(|e| BlockError::Storage(e.to_string()))?,
                    }
                }
                Err(e) if e.is_storage() => return Err(BlockError::Storage(e.message)),
                Err(e) => Receipt {
                    tx_hash,
                    outcome: Outcome::Failed { code: short(e.code()), message: short(&e.message) },
                    events: BoundedVec::default(),
                },
            };
            out.receipts.push(receipt);
            out.included.push(i);
        }
        out.writes = writes;
        Ok(out)
    }
}
