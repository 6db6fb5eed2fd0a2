//! A pruned node's background pruner (`[storage] retention = "pruned"`): every `prune_every`
//! blocks it first keeps the proofs about to fall out of the window that the chain promised —
//! validator-set changes (every proof bundle carries them) and the keys block execution marked
//! with `keep_proof` (a certificate's type version and issuer at issuance) — then deletes the state-tree nodes no root within the last
//! `keep_recent` heights reaches, in short write transactions between block commits.

use std::sync::Arc;

use govchain_execution::system::{KEEP_PROOF_PREFIX, VALSET_CHANGE_PREFIX, parse_keep_proof};
use govchain_proofs::VALIDATORS_KEY;
use govchain_proofs::bundle_limits::MAX_VALSET_CHANGES;
use govchain_state::{Snapshot, StateError};
use tracing::{info, warn};

use crate::chain::Chain;

/// Tree nodes deleted per write transaction.
const NODES_PER_PASS: usize = 20_000;

/// The heights at which a validator set was installed (1 less than the change's effective
/// height), oldest first.
pub(crate) fn installed_heights(chain: &Chain) -> eyre::Result<Vec<u64>> {
    let entries = chain.storage.index_scan_desc(VALSET_CHANGE_PREFIX, None, MAX_VALSET_CHANGES)?;
    let mut out: Vec<u64> = entries
        .into_iter()
        .filter_map(|(k, _)| k.get(VALSET_CHANGE_PREFIX.len()..).and_then(|b| <[u8; 8]>::try_from(b).ok()))
        .map(|e| u64::from_be_bytes(e).saturating_sub(1))
        .filter(|h| *h > 0)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The validator set installed at `installed` and its proof: the kept copy if there is one,
/// otherwise proven from the tree.
pub(crate) fn valset_proof(
    chain: &Chain,
    snap: &Snapshot,
    installed: u64,
) -> Result<(Option<Vec<u8>>, Vec<u8>), StateError> {
    if let Some(bytes) = chain.storage.valset_proof(installed)? {
        return borsh::from_slice(&bytes).map_err(|e| StateError::Tree(format!("kept validator-set proof: {e}")));
    }
    snap.prove(VALIDATORS_KEY, installed)
}

/// The value and proof of `key` at `height`: from the tree while it is whole there, else the
/// kept proof if the chain promised it (`keep_proof`), else [`StateError::Pruned`].
pub(crate) fn prove(
    chain: &Chain,
    snap: &Snapshot,
    key: &[u8],
    height: u64,
) -> Result<(Option<Vec<u8>>, Vec<u8>), StateError> {
    if height >= snap.pruned_below() {
        return snap.prove(key, height);
    }
    match chain.storage.kept_proof(height, key)? {
        Some(bytes) => borsh::from_slice(&bytes).map_err(|e| StateError::Tree(format!("kept proof: {e}"))),
        None => snap.prove(key, height),
    }
}

/// Keeps every promised proof at heights below `up_to` (while those trees are still whole).
fn keep_promised(chain: &Chain, snap: &Snapshot, up_to: u64) -> eyre::Result<u64> {
    let mut before = KEEP_PROOF_PREFIX.to_vec();
    before.extend(up_to.to_be_bytes());
    let mut kept = 0;
    loop {
        let entries = chain.storage.index_scan_desc(KEEP_PROOF_PREFIX, Some(&before), 5_000)?;
        if entries.is_empty() {
            return Ok(kept);
        }
        let mut proofs = Vec::with_capacity(entries.len());
        let mut done = Vec::with_capacity(entries.len());
        for (k, _) in entries {
            // A store made from a snapshot holds the markers of heights before it, whose trees
            // it never had: those proofs are an archive node's to give.
            if let Some((h, key)) = parse_keep_proof(&k)
                && h < up_to
                && h >= snap.pruned_below()
            {
                proofs.push((h, key.to_vec(), borsh::to_vec(&snap.prove(key, h)?)?));
            }
            done.push(k);
        }
        kept += proofs.len() as u64;
        chain.storage.keep_proofs(&proofs, &done)?;
    }
}

/// One pruning round at `tip`.
fn prune(chain: &Chain, tip: u64, keep_recent: u64) -> eyre::Result<()> {
    let up_to = tip.saturating_sub(keep_recent);
    if up_to <= chain.storage.pruned_below()? {
        return Ok(());
    }
    let snap = chain.state.snapshot()?;
    for h in installed_heights(chain)?.into_iter().filter(|h| *h < up_to && *h <= tip) {
        if chain.storage.valset_proof(h)?.is_none() {
            let proof = snap.prove(VALIDATORS_KEY, h)?;
            chain.storage.put_valset_proof(h, &borsh::to_vec(&proof)?)?;
        }
    }
    let kept = keep_promised(chain, &snap, up_to)?;
    let mut nodes = 0;
    loop {
        let p = chain.storage.prune_stale(up_to, NODES_PER_PASS)?;
        nodes += p.nodes;
        if p.done {
            break;
        }
    }
    info!(below = up_to, nodes, kept, "pruned the state tree");
    Ok(())
}

/// Runs the pruner on its own thread, following commits.
pub(crate) fn start(chain: Arc<Chain>, keep_recent: u64, every: u64) -> eyre::Result<()> {
    let mut blocks = chain.subscribe();
    std::thread::Builder::new().name("pruner".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().build() {
            Ok(rt) => rt,
            Err(e) => return warn!(error = %e, "the pruner did not start"),
        };
        let mut next = chain.tip().height;
        if let Err(e) = prune(&chain, next, keep_recent) {
            warn!(error = %e, "pruning failed");
        }
        loop {
            match rt.block_on(blocks.recv()) {
                Ok(b) if b.header.height >= next + every => {
                    next = b.header.height;
                    if let Err(e) = prune(&chain, next, keep_recent) {
                        warn!(error = %e, "pruning failed");
                    }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    })?;
    Ok(())
}
