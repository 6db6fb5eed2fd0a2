//! `govchain testnet` stops every node process it started, on SIGTERM as on SIGINT, and says so.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::bin;

const IP_START: u8 = 70;

fn api(i: u8) -> String {
    format!("http://127.0.0.{}:18070", IP_START + i)
}

async fn answers(url: &str) -> bool {
    govchain_sdk::Client::new(url).status().await.is_ok()
}

async fn wait_until(what: &str, timeout: Duration, mut f: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn testnet_stops_its_nodes_on_sigterm_and_sigint() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(bin())
        .args(["init", "--validators", "2", "--ip-start", &IP_START.to_string(), "--api-port", "18070"])
        .args(["--p2p-port", "28070", "--insecure-empty-passphrase", "--out"])
        .arg(dir.path())
        .output()
        .expect("init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for signal in ["TERM", "INT"] {
        let mut testnet = Command::new(bin())
            .args(["testnet", "--dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("testnet");
        wait_until("both nodes answer", Duration::from_secs(60), async || {
            answers(&api(0)).await && answers(&api(1)).await
        })
        .await;
        let pid = testnet.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill").success());
        let status = testnet.wait().expect("testnet exits");
        assert!(status.success(), "SIG{signal}: {status}");
        let mut said = String::new();
        testnet.stdout.take().expect("stdout").read_to_string(&mut said).expect("read");
        assert!(said.contains(&format!("SIG{signal}: stopped 2 nodes")), "{said}");
        for i in 0..2 {
            assert!(!answers(&api(i)).await, "node {i} still answers after SIG{signal}");
        }
    }
}
