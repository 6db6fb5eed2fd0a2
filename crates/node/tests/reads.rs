//! Reads do the work asked, not more: a long record's history comes a page at a time, and a
//! committed transaction is read without decoding its block.

mod support;

use govchain_api::NodeApi;
use govchain_records::views::RecordHistoryQuery;
use govchain_records::{Amend, Publish, RecordContent};
use support::{Driver, SUITE, genesis};

fn content(title: &str) -> RecordContent {
    RecordContent {
        category: "notice".into(),
        title: title.into(),
        body: "x".repeat(1000),
        attachments: vec![],
        tags: vec![],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_history_is_paged_and_one_transaction_is_read_alone() {
    let d = Driver::open(&genesis(&["records.*"]), &govchain_node::components());
    assert_eq!(d.submit(&[d.tx("town-clerk", 0, &Publish { content: content("v1") })]), ["ok"]);
    d.commit_next().await;
    let amends: Vec<_> = (1..130u64)
        .map(|n| {
            let a = Amend { id: "town-000001".into(), content: content(&format!("v{}", n + 1)), reason: "r".into() };
            d.tx("town-clerk", n, &a)
        })
        .collect();
    assert!(d.submit(&amends).iter().all(|c| c == "ok"));
    d.commit_next().await;

    let q: &dyn govchain_component::ChainQuery = d.service.as_ref();
    let page = govchain_records::query::history(q, "town-000001", &RecordHistoryQuery::default()).expect("history");
    assert_eq!(page.latest.version, 130);
    let shown: Vec<u32> = page.versions.iter().map(|v| v.version).collect();
    assert_eq!(shown, (111..=130).collect::<Vec<_>>(), "the latest 20 by default");
    assert_eq!(page.older, Some(111));
    let bytes = serde_json::to_vec(&page).expect("json").len();
    println!("a 130-version record answers {bytes} bytes by default");
    assert!(bytes < 64 * 1024, "{bytes}");
    let next = RecordHistoryQuery { before: page.older, limit: Some(100) };
    let older = govchain_records::query::history(q, "town-000001", &next).expect("older page");
    assert_eq!(
        (older.versions.first().map(|v| v.version), older.versions.len(), older.older),
        (Some(11), 100, Some(11))
    );
    for bad in
        [RecordHistoryQuery { before: None, limit: Some(101) }, RecordHistoryQuery { before: Some(1), limit: None }]
    {
        let e = govchain_records::query::history(q, "town-000001", &bad).expect_err("refused");
        assert_eq!(e.code, "invalid_query");
    }

    // One transaction of a 129-transaction block: its own call and receipt.
    let t = &amends[77];
    let v = d.service.tx(&t.hash(SUITE)).expect("committed");
    assert_eq!((v.status.as_str(), v.index, v.call.as_deref()), ("committed", Some(77), Some("records.amend")));
    let receipt = v.receipt.expect("receipt");
    let version = receipt.events[0].attributes.iter().find(|(k, _)| k == "version").map(|(_, v)| v.clone());
    assert_eq!(version.as_deref(), Some("79"), "the receipt of that very transaction");
}
