//! A damaged store is detected: the full check names the first damaged height, and a node whose
//! tip is damaged refuses to start, saying how to rebuild.

mod support;

use govchain_records::Publish;
use govchain_types::Block;
use support::{Driver, genesis};

fn flip(path: &std::path::Path, needle: &[u8]) {
    let mut bytes = std::fs::read(path).expect("read store");
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("the bytes are in the file");
    bytes[at + needle.len() / 2] ^= 0x01;
    std::fs::write(path, bytes).expect("write store");
}

#[tokio::test(flavor = "multi_thread")]
async fn flipped_bytes_in_the_store_are_found() {
    let d = Driver::open(&genesis(&["records.*"]), &govchain_node::components());
    for n in 0..5u64 {
        let body = format!("正文 body {n} {}", "x".repeat(200));
        assert_eq!(d.submit(&[d.tx("town-clerk", n, &Publish::text("notice", "t", &body, vec![]))]), ["ok"]);
        d.commit_next().await;
    }
    let checked = d.chain.check_store(|_| {}).expect("an intact store checks");
    assert_eq!((checked.heights, checked.txs), (5, 5));
    let block3 = Block::decode(&d.chain.decided(3).expect("block 3").0).expect("block");
    let signature = block3.txs[0].signature.to_text();
    let sig_bytes = hex::decode(signature.split(':').nth(1).expect("alg:hex")).expect("hex");
    let tip_root = d.chain.tip().height;
    let tip_state_root = Block::decode(&d.chain.decided(tip_root).expect("tip").0).expect("block").header.state_root;
    let Driver { chain, service, cfg, dir, .. } = d;
    drop((chain, service));
    let db = cfg.home.join("data").join("chain.redb");

    // A transaction of block 3 altered: the full check names height 3.
    flip(&db, &sig_bytes);
    let (chain, _) = govchain_node::open_with(&cfg, &govchain_node::components()).expect("the tip is intact");
    let e = chain.check_store(|_| {}).expect_err("damage found");
    println!("{e}");
    assert_eq!(e.height, 3, "{e}");
    drop(chain);

    // The tip's state root altered: the node refuses to open, and says how to rebuild.
    flip(&db, &tip_state_root.0);
    let e = govchain_node::open_with(&cfg, &govchain_node::components()).err().expect("refused");
    let msg = format!("{e:#}");
    println!("{msg}");
    assert!(msg.contains("damaged") && msg.contains("syncs the chain from its peers"), "{msg}");
    drop(dir);
}
