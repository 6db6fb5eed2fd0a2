//! A multi-node network of real processes, written by `govchain init`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use govchain_sdk::Client;

use super::bin;

/// N node processes sharing a genesis.
pub struct Net {
    pub dir: PathBuf,
    pub apis: Vec<String>,
    children: Vec<Option<Child>>,
    starts: Vec<usize>,
    _tmp: Option<tempfile::TempDir>,
}

impl Net {
    /// Writes a network of `validators` + `observers` nodes on `<prefix><start + i>`.
    pub fn init(prefix: &str, start: u8, validators: usize, observers: usize) -> Net {
        let tmp = tempfile::Builder::new().prefix("govchain-net-").tempdir().expect("tempdir");
        let dir = tmp.path().join("net");
        let out = Command::new(bin())
            .args(["init", "--out", &dir.to_string_lossy(), "--validators", &validators.to_string()])
            .args(["--observers", &observers.to_string(), "--ip-prefix", prefix, "--ip-start", &start.to_string()])
            .args(["--api-port", "18600", "--p2p-port", "36600", "--insecure-empty-passphrase"])
            .output()
            .expect("govchain init");
        assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
        let n = validators + observers;
        let apis = (0..n).map(|i| format!("http://{prefix}{}:18600", start as usize + i)).collect();
        Net { dir, apis, children: (0..n).map(|_| None).collect(), starts: vec![0; n], _tmp: Some(tmp) }
    }

    /// Home of node `i`.
    pub fn home(&self, i: usize) -> PathBuf {
        self.dir.join(format!("node{i}"))
    }

    /// Starts node `i`.
    pub fn start(&mut self, i: usize) {
        self.start_with(i, &[]);
    }

    /// Starts node `i` with extra `govchain node` arguments.
    pub fn start_with(&mut self, i: usize, extra: &[&str]) {
        self.starts[i] += 1;
        let log = std::fs::File::create(self.home(i).join(format!("node-{}.log", self.starts[i]))).expect("log");
        let child = Command::new(bin())
            .args(["node", "--log", "info"])
            .args(extra)
            .env("GOVCHAIN_HOME", self.home(i))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn");
        self.children[i] = Some(child);
    }

    /// Starts every node.
    pub fn start_all(&mut self) {
        for i in 0..self.children.len() {
            self.start(i);
        }
    }

    /// `kill -9` node `i`.
    pub fn kill9(&mut self, i: usize) {
        if let Some(mut c) = self.children[i].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Runs a `govchain` command against node 0 with the network's keys; fails the test when
    /// it fails. Returns its output.
    pub fn cli(&self, args: &[&str]) -> String {
        let o = Command::new(bin())
            .args(args)
            .env("GOVCHAIN_HOME", &self.dir)
            .env("GOVCHAIN_API", &self.apis[0])
            .output()
            .expect("govchain");
        let t = super::text(&o);
        assert!(o.status.success(), "govchain {args:?}:\n{t}\n{}", self.logs());
        t
    }

    /// [`Net::cli`] with `input` on standard input.
    pub fn cli_stdin(&self, input: &str, args: &[&str]) -> String {
        use std::io::Write as _;
        let mut child = Command::new(bin())
            .args(args)
            .env("GOVCHAIN_HOME", &self.dir)
            .env("GOVCHAIN_API", &self.apis[0])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("govchain");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
        let o = child.wait_with_output().expect("wait");
        let t = super::text(&o);
        assert!(o.status.success(), "govchain {args:?}: {t}");
        t
    }

    /// Runs a `govchain` command in node `i`'s home (store and snapshot commands): whether it
    /// succeeded, and its output.
    pub fn run_in_home(&self, i: usize, args: &[&str]) -> (bool, String) {
        let o = Command::new(bin()).args(args).env("GOVCHAIN_HOME", self.home(i)).output().expect("govchain");
        (o.status.success(), super::text(&o))
    }

    /// Publishes a budget record as the finance officer.
    pub fn publish_budget(&self, title: &str) {
        self.cli(&[
            "records",
            "publish",
            "--key",
            "finance-officer",
            "--category",
            "budget",
            "--title",
            title,
            "--body",
            "…",
        ]);
    }

    /// A load of record publications by the network's publishers, submitted to node `i`.
    pub async fn load_on(&self, i: usize, batch: usize) -> super::load::Load {
        let status = self.client(i).status().await.expect("status");
        let suite = govchain_types::Suite::from_name(&status.suite).expect("suite");
        let builder = govchain_sdk::TxBuilder::new(&status.chain_id, suite);
        let keys = super::load::PUBLISHERS.iter().map(|k| super::load_key(&self.dir, k)).collect();
        super::load::Load { client: self.client(i), builder, suite, keys, batch }
    }

    /// API client of node `i`.
    pub fn client(&self, i: usize) -> Client {
        Client::new(&self.apis[i])
    }

    /// Current height of node `i` (None if it does not answer).
    pub async fn height(&self, i: usize) -> Option<u64> {
        self.client(i).status().await.ok().map(|s| s.height)
    }

    /// Waits until every listed node has at least `h` blocks.
    pub async fn wait_height(&mut self, nodes: &[usize], h: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        for &i in nodes {
            loop {
                if let Some(c) = self.children[i].as_mut()
                    && let Ok(Some(st)) = c.try_wait()
                {
                    panic!("node {i} exited with {st}\n{}", self.logs());
                }
                if self.height(i).await.is_some_and(|x| x >= h) {
                    break;
                }
                assert!(Instant::now() < deadline, "node {i} did not reach height {h} in {timeout:?}\n{}", self.logs());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }

    /// Asserts that the listed nodes have the same block hash at every height 1..=h.
    pub async fn assert_same_chain(&self, nodes: &[usize], h: u64) {
        for height in 1..=h {
            let mut hashes = Vec::new();
            for &i in nodes {
                let b =
                    self.client(i).block(Some(height)).await.unwrap_or_else(|e| panic!("node {i} block {height}: {e}"));
                hashes.push(b.hash);
            }
            assert!(hashes.windows(2).all(|w| w[0] == w[1]), "fork at height {height}: {hashes:?}");
        }
    }

    /// The tail of every node's logs.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for i in 0..self.children.len() {
            if let Ok(rd) = std::fs::read_dir(self.home(i)) {
                let mut paths: Vec<PathBuf> =
                    rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "log")).collect();
                paths.sort();
                for p in paths {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    let tail: Vec<&str> = text.lines().rev().take(15).collect();
                    out.push_str(&format!(
                        "== {} ==\n{}\n",
                        p.display(),
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    ));
                }
            }
        }
        out
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(t) = self._tmp.take()
        {
            eprintln!("network kept for inspection: {}", t.keep().display());
        }
        for i in 0..self.children.len() {
            self.kill9(i);
        }
    }
}

/// The equivocations (conflicting votes and proposals) a node's consensus engine counted, from
/// its `/metrics` text.
pub fn equivocations(metrics: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("malachitebft_core_consensus_equivocation_"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}
