//! A byzantine validator among four: whenever it proposes, it sends a block that must not be
//! committed — a pooled transaction with its signature replaced, a transaction of an unknown
//! signer, more transactions than a block may hold, a wrong state root. The three honest
//! validators commit none of it, keep committing one chain, and each bad proposal costs a round.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use govchain_consensus::{AppError, Application, CommitOutcome, ProposalCheck};
use govchain_execution::ChainParams;
use govchain_node::{Chain, ChainApp, RunningNode};
use govchain_records::Publish;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Address, Block, CommitCertificate, Hash32, SignedTransaction, ValidatorSet};
use parking_lot::Mutex;
use support::{CHAIN_ID, SUITE, key, network_genesis, write_network};

const MAX_BLOCK_TXS: u32 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Forgery {
    ResignedPooledTx,
    UnknownSigner,
    TooManyTxs,
    WrongStateRoot,
}

const ALL: [Forgery; 4] =
    [Forgery::ResignedPooledTx, Forgery::UnknownSigner, Forgery::TooManyTxs, Forgery::WrongStateRoot];

/// A validator that forges every block it proposes, cycling through [`ALL`].
struct Byzantine {
    honest: ChainApp,
    forged: Mutex<BTreeMap<Hash32, Vec<u8>>>,
    log: Arc<Mutex<Vec<(u64, Forgery)>>>,
}

fn with_txs(mut b: Block, txs: Vec<SignedTransaction>) -> Block {
    let leaves: Vec<Hash32> = txs.iter().map(|t| govchain_proofs::merkle::leaf_hash(SUITE, &t.encode())).collect();
    b.header.tx_root = govchain_proofs::merkle::root(SUITE, &leaves);
    b.txs = govchain_types::BoundedVec::new(txs).expect("bounded");
    b
}

impl Byzantine {
    fn forge(&self, height: u64, bytes: &[u8]) -> Option<(Forgery, Block)> {
        let b = Block::decode(bytes).ok()?;
        let done = self.log.lock().len();
        let kind = ALL[done % ALL.len()];
        let txs = b.txs.to_vec();
        let stranger = || {
            TxBuilder::new(CHAIN_ID, SUITE)
                .call(&key("stranger"), 0, height + 50, &Publish::text("notice", "forged", "", vec![]))
                .expect("sign")
        };
        let forged = match kind {
            Forgery::ResignedPooledTx => {
                let mut txs = txs;
                let first = txs.first_mut()?;
                first.signature = key("forger").sign(&first.tx.sign_bytes());
                with_txs(b, txs)
            }
            Forgery::UnknownSigner => with_txs(b, [txs, vec![stranger()]].concat()),
            Forgery::TooManyTxs => with_txs(b, vec![stranger(); MAX_BLOCK_TXS as usize + 1]),
            Forgery::WrongStateRoot => {
                let mut b = b;
                b.header.state_root.0[0] ^= 1;
                b
            }
        };
        Some((kind, forged))
    }
}

#[async_trait]
impl Application for Byzantine {
    fn committed_height(&self) -> u64 {
        self.honest.committed_height()
    }
    fn validator_set(&self, height: u64) -> Option<ValidatorSet> {
        self.honest.validator_set(height)
    }
    fn max_block_bytes(&self) -> usize {
        self.honest.max_block_bytes()
    }
    async fn build_block(
        &self,
        height: u64,
        proposer: Address,
        deadline: Instant,
    ) -> Result<(Hash32, Vec<u8>), AppError> {
        let (hash, bytes) = self.honest.build_block(height, proposer, deadline).await?;
        let Some((kind, block)) = self.forge(height, &bytes) else { return Ok((hash, bytes)) };
        let forged = block.encode();
        let forged_hash = block.hash(SUITE);
        self.forged.lock().insert(forged_hash, forged.clone());
        self.log.lock().push((height, kind));
        Ok((forged_hash, forged))
    }
    async fn check_block(
        &self,
        height: u64,
        bytes: &[u8],
        proposer: Address,
        from_sync: bool,
    ) -> Result<(Hash32, ProposalCheck), AppError> {
        self.honest.check_block(height, bytes, proposer, from_sync).await
    }
    async fn commit(&self, certificate: CommitCertificate) -> CommitOutcome {
        self.honest.commit(certificate).await
    }
    fn decided(&self, height: u64) -> Option<(Vec<u8>, CommitCertificate)> {
        self.honest.decided(height)
    }
    fn history_min_height(&self) -> u64 {
        self.honest.history_min_height()
    }
    fn save_undecided(&self, height: u64, round: u32, hash: Hash32, record: Vec<u8>) {
        self.honest.save_undecided(height, round, hash, record)
    }
    fn load_undecided(&self, height: u64, round: u32) -> Result<Vec<(Hash32, Vec<u8>)>, AppError> {
        self.honest.load_undecided(height, round)
    }
    fn proposal_bytes(&self, hash: &Hash32) -> Option<Vec<u8>> {
        self.forged.lock().get(hash).cloned().or_else(|| self.honest.proposal_bytes(hash))
    }
}

fn committed(chain: &Chain, height: u64) -> (Block, CommitCertificate) {
    let (bytes, cert) = chain.decided(height).expect("committed block");
    (Block::decode(&bytes).expect("block"), cert)
}

/// The node's background tasks run until the process ends; the runtime is shut down without
/// waiting for them.
#[test]
fn honest_validators_commit_none_of_a_byzantine_proposers_forgeries() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
    rt.shutdown_background();
}

async fn run() {
    let dir = tempfile::tempdir().expect("tmp");
    let params = ChainParams { max_block_txs: MAX_BLOCK_TXS, ..ChainParams::default() };
    let genesis = network_genesis(4, params);
    let configs = write_network(dir.path(), &genesis, 65);
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut nodes: Vec<RunningNode> = Vec::new();
    for (i, cfg) in configs.into_iter().enumerate() {
        let node = if i == 3 {
            let log = log.clone();
            govchain_node::start_with_application(cfg, govchain_node::components(), move |chain| {
                Arc::new(Byzantine { honest: ChainApp(chain), forged: Mutex::default(), log })
            })
            .await
        } else {
            govchain_node::start_with(cfg, govchain_node::components()).await
        };
        nodes.push(node.expect("node starts"));
    }
    let honest: Vec<Arc<Chain>> = nodes[..3].iter().map(|n| n.chain.clone()).collect();

    // Clients keep submitting to an honest validator, which relays to the others (the byzantine
    // one included, so it can replace a pooled transaction's signature).
    let client = Client::new(&format!("http://{}", nodes[0].api_addr));
    let builder = TxBuilder::new(CHAIN_ID, SUITE);
    let loader = tokio::spawn(async move {
        for nonce in 0.. {
            let height = client.status().await.map(|s| s.height).unwrap_or(0);
            let t = builder.call(&key("town-clerk"), nonce, height + 500, &Publish::text("notice", "ok", "", vec![]));
            let _ = client.submit(&t.expect("sign")).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let kinds: std::collections::BTreeSet<Forgery> = log.lock().iter().map(|(_, k)| *k).collect();
        let forged_heights: Vec<u64> = log.lock().iter().map(|(h, _)| *h).collect();
        let tip = honest.iter().map(|c| c.tip().height).min().unwrap_or(0);
        if kinds.len() == ALL.len() && forged_heights.iter().all(|h| *h < tip) {
            break;
        }
        assert!(Instant::now() < deadline, "forged so far {:?}, honest tip {tip}", log.lock());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    loader.abort();
    let tip = honest.iter().map(|c| c.tip().height).min().expect("nodes");

    // One chain on every honest validator, and nothing forged in it.
    let mut intervals: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut prev_time = None;
    for h in 1..=tip {
        let (block, cert) = committed(&honest[0], h);
        for other in &honest[1..] {
            assert_eq!(committed(other, h).0.hash(SUITE), block.hash(SUITE), "one chain at height {h}");
        }
        assert!(block.txs.len() <= MAX_BLOCK_TXS as usize, "height {h}: {} transactions", block.txs.len());
        for t in block.txs.iter() {
            t.tx.signer.verify(&t.tx.sign_bytes(), &t.signature).expect("every committed signature verifies");
            assert_ne!(t.tx.signer, key("stranger").public_key(), "height {h}: a stranger's transaction");
        }
        let forged_here = log.lock().iter().find(|(fh, _)| *fh == h).map(|(_, k)| *k);
        if let Some(kind) = forged_here {
            assert!(cert.round >= 1, "height {h}: the forged proposal ({kind:?}) was not committed in round 0");
            assert_ne!(block.header.proposer, key("validator-3").public_key().address(SUITE));
        }
        let time = block.header.time_ms;
        if let Some(p) = prev_time {
            let class = if cert.round == 0 { "round 0 (honest proposer)" } else { "after a refused forgery" };
            intervals.entry(class).or_default().push(time - p);
            if let Some(kind) = forged_here {
                println!("height {h}: {kind:?} refused, committed in round {} after {} ms", cert.round, time - p);
            }
        }
        prev_time = Some(time);
    }
    for (class, v) in &intervals {
        let mean = v.iter().sum::<u64>() / v.len().max(1) as u64;
        println!("{class}: {} heights, mean block interval {mean} ms", v.len());
    }
    println!("forgeries proposed and refused: {:?}; honest validators committed {tip} heights", log.lock());
}
