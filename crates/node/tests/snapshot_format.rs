//! The snapshot file reader refuses, by name, what a damaged or forged file can hold: a wrong
//! magic, a truncation, a length over its bound, an unknown record, a digest that does not
//! match, bytes after the digest; and reads back exactly what the writer wrote.

use govchain_crypto::Suite;
use govchain_node::snapshot::{Item, SnapshotHead, SnapshotReader, SnapshotWriter};

fn head() -> SnapshotHead {
    SnapshotHead { chain_id: "test-chain".into(), genesis_hash: [9; 32], height: 42, anchor: vec![1, 2, 3] }
}

fn items() -> Vec<Item> {
    vec![
        Item::Leaf([1; 32], b"first".to_vec()),
        Item::Leaf([2; 32], Vec::new()),
        Item::Index(b"records/x".to_vec(), b"id".to_vec()),
        Item::End { leaves: 2, index: 1 },
    ]
}

fn file(suite: Suite) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = SnapshotWriter::new(&mut out, suite, &head()).expect("writer");
    for i in items() {
        w.item(&i).expect("item");
    }
    w.finish().expect("finish");
    out
}

fn read_all(bytes: &[u8], suite: Suite) -> Result<(SnapshotHead, Vec<Item>), String> {
    let (mut r, head) = SnapshotReader::open(bytes, suite).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    loop {
        let item = r.next_item().map_err(|e| e.to_string())?;
        let end = matches!(item, Item::End { .. });
        out.push(item);
        if end {
            return Ok((head, out));
        }
    }
}

#[test]
fn what_is_written_reads_back_under_either_suite() {
    for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
        let (h, got) = read_all(&file(suite), suite).expect("reads");
        assert_eq!(h, head());
        assert_eq!(got, items());
    }
    // The digest is the chain suite's: an SM3 file is not a SHA-256 one.
    let err = read_all(&file(Suite::Sm2Sm3), Suite::Ed25519Sha256).expect_err("other suite");
    assert!(err.contains("digest does not match"), "{err}");
}

#[test]
fn damaged_or_forged_files_are_refused_by_name() {
    let good = file(Suite::Ed25519Sha256);
    let suite = Suite::Ed25519Sha256;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("magic", [b"GCSNAP\x00\x02".as_slice(), &good[8..]].concat(), "does not start with GCSNAP"),
        ("truncated", good[..good.len() - 40].to_vec(), "truncated"),
        (
            "flipped",
            {
                let mut b = good.clone();
                let at = b.len() - 50;
                b[at] ^= 1;
                b
            },
            "not a valid snapshot",
        ),
        ("trailing", [good.as_slice(), b"x"].concat(), "bytes follow the digest"),
        (
            "head too long",
            {
                let mut b = good.clone();
                b[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
                b
            },
            "at most",
        ),
    ];
    for (name, bytes, expect) in cases {
        let err = read_all(&bytes, suite).expect_err(name);
        assert!(err.contains(expect), "{name}: {err}");
    }
    // A record tag the format does not have, and a value over its bound.
    let head_len = 12 + u32::from_be_bytes(good[8..12].try_into().expect("len")) as usize;
    let mut tag = good[..head_len].to_vec();
    tag.push(9);
    let err = read_all(&tag, suite).expect_err("tag");
    assert!(err.contains("unknown record tag 9"), "{err}");
    let mut big = good[..head_len].to_vec();
    big.push(1);
    big.extend([0u8; 32]);
    big.extend(u32::MAX.to_be_bytes());
    let err = read_all(&big, suite).expect_err("big");
    assert!(err.contains("state value") && err.contains("at most"), "{err}");
}
