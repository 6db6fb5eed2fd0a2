//! Pipelined commits and crashes: a block decided (its decision record durable, the engine free
//! to move on) but not yet stored when the process dies is committed on restart, before the
//! engine could vote at that height again; meanwhile it is reported pending, never committed.

mod support;

use std::time::{Duration, Instant};

use govchain_api::NodeApi;
use govchain_records::Publish;
use support::{Driver, genesis};

#[tokio::test(flavor = "multi_thread")]
async fn a_block_decided_but_not_stored_at_a_crash_is_committed_on_restart() {
    // With the proposal persisted as undecided (the engine's path), and without (a block that
    // arrived by sync): the record then carries the block itself.
    for persisted_proposal in [true, false] {
        let d = Driver::open(&genesis(&["records.*"]), &govchain_node::components());
        let publish = |n: u64| d.tx("town-clerk", n, &Publish::text("notice", &format!("t{n}"), "body", vec![]));
        assert_eq!(d.submit(&[publish(0)]), ["ok"]);
        d.commit_next().await;

        let t1 = publish(1);
        assert_eq!(d.submit(std::slice::from_ref(&t1)), ["ok"]);
        let (hash, _) = d.build().await;
        if persisted_proposal {
            d.chain.save_undecided(2, 0, hash, b"engine record".to_vec());
        }
        d.chain.decide_then_crash(d.certificate(2, hash)).await.expect("decided");
        assert_eq!((d.chain.head().height, d.chain.tip().height), (2, 1), "head moved, storage did not");
        let t1_hash = t1.hash(support::SUITE);
        let view = d.service.tx(&t1_hash).expect("known");
        assert_eq!(view.status, "pending", "decided but not durable is not reported committed");
        assert!(d.chain.decided(2).is_none());

        // The next block is admitted and built over the pending one (nonce 2 follows block 2).
        assert_eq!(d.submit(&[publish(2)]), ["ok"], "admission reads the head's state");
        d.chain.build(3, d.proposer(), Instant::now() + Duration::from_secs(5)).await.expect("built over the head");

        // Crash: nothing else reaches the store. Restart.
        let Driver { chain, service, cfg, dir, .. } = d;
        drop((chain, service));
        let (chain, _) = govchain_node::open_with(&cfg, &govchain_node::components()).expect("reopen");
        assert_eq!(chain.tip().height, 1);
        assert_eq!(chain.recover().await.expect("recover"), vec![2], "the decided block is committed");
        assert_eq!((chain.tip().height, chain.head().height), (2, 2));
        let (bytes, cert) = chain.decided(2).expect("block 2 stored");
        assert_eq!(cert.block_hash, hash);
        let block = govchain_types::Block::decode(&bytes).expect("block");
        assert_eq!(block.txs[0].hash(support::SUITE), t1_hash);
        let service = govchain_node::service::NodeService::new(chain.clone());
        assert_eq!(service.tx(&t1_hash).expect("committed").status, "committed");
        chain.check_store(|_| {}).expect("the recovered store checks");
        assert_eq!(chain.recover().await.expect("recover again"), Vec::<u64>::new(), "the record is gone");
        drop(dir);
    }
}
