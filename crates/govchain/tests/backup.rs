//! Backup of a running node and restore: an observer of a four-validator network is copied with
//! `govchain db backup` while blocks keep coming, stopped, restored from the copy with
//! `govchain db restore` (which refuses a running node and a file that is not a store), and
//! restarted: it resumes at the copy's height, takes the later blocks from its peers, and ends
//! on the same chain as the validators.

mod support;

use std::time::Duration;

use support::net::Net;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_backed_up_while_running_restores_and_rejoins_the_chain() {
    let mut net = Net::init("127.0.1.", 160, 4, 1);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3, 4], 2, Duration::from_secs(90)).await;
    for i in 0..3 {
        net.publish_budget(&format!("Budget {i}"));
    }
    let before = net.height(0).await.expect("height");
    net.wait_height(&[4], before, Duration::from_secs(60)).await;

    // The copy is taken while the observer keeps committing.
    let (ok, out) = net.run_in_home(4, &["db", "backup"]);
    assert!(ok, "{out}");
    let height: u64 = out.split_whitespace().nth(3).and_then(|h| h.parse().ok()).unwrap_or_else(|| panic!("{out}"));
    let path = out.split(" written to ").nth(1).and_then(|r| r.split(" (").next()).expect("path").to_string();
    assert!(height >= before, "{out}");
    for i in 3..6 {
        net.publish_budget(&format!("Budget {i}"));
    }

    // Not while it runs; not from a file that is no store.
    let (ok, out) = net.run_in_home(4, &["db", "restore", &path]);
    assert!(!ok && out.contains("stop the node first"), "{out}");
    let junk = net.dir.join("junk.redb");
    std::fs::write(&junk, b"not a database").expect("write");
    net.kill9(4);
    let (ok, out) = net.run_in_home(4, &["db", "restore", &junk.to_string_lossy()]);
    assert!(!ok && out.contains("not a readable store"), "{out}");

    let (ok, out) = net.run_in_home(4, &["db", "restore", &path]);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("restored height {height}")), "{out}");
    let kept = std::fs::read_dir(net.home(4).join("data"))
        .expect("data")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("chain.redb.before-restore-"));
    assert!(kept, "the replaced store is kept aside");
    net.start(4);
    let tip = net.height(0).await.expect("height") + 2;
    net.wait_height(&[0, 4], tip, Duration::from_secs(120)).await;
    net.assert_same_chain(&[0, 4], tip).await;
    let records: serde_json::Value = reqwest::get(format!("{}/v1/records?category=budget", net.apis[4]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let titles: Vec<&str> =
        records["items"].as_array().into_iter().flatten().filter_map(|r| r["title"].as_str()).collect();
    for i in 0..6 {
        assert!(titles.contains(&format!("Budget {i}").as_str()), "Budget {i} on the restored observer: {records}");
    }
}
