//! Harness for tests that run real `govchain` processes on 127.0.0.x.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use govchain_crypto::SecretKey;
use govchain_crypto::keystore::Keystore;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::Suite;

/// Path of the binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_govchain")
}

/// A free TCP port on `ip` (bound and released; the OS does not hand it out again soon).
pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0)).and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A node process with its home; killed when dropped.
pub struct Node {
    pub home: PathBuf,
    pub api: String,
    pub listen: String,
    pub p2p: String,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Node {
    /// Creates a dev home (`--init-only`) in a fresh temporary directory on loopback address `ip`.
    pub fn init(ip: &str, suite: &str) -> Node {
        let dir = tempfile::Builder::new().prefix("govchain-test-").tempdir().expect("tempdir");
        let home = dir.path().join("home");
        let (api_port, p2p_port) = (free_port(ip), free_port(ip));
        let listen = format!("{ip}:{api_port}");
        let p2p = format!("/ip4/{ip}/tcp/{p2p_port}");
        let out = Command::new(bin())
            .args(["dev", "--init-only", "--suite", suite, "--listen", &listen, "--p2p", &p2p])
            .env("GOVCHAIN_HOME", &home)
            .output()
            .expect("run govchain dev --init-only");
        assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
        Node { home, api: format!("http://{listen}"), listen, p2p, child: None, _dir: Some(dir) }
    }

    /// Starts (or restarts) the node process; logs go to `home/node-<n>.log`.
    pub fn start(&mut self) {
        self.start_with_env(&[]);
    }

    /// [`Node::start`] with extra environment variables (test failpoints).
    pub fn start_with_env(&mut self, env: &[(&str, &str)]) {
        let n = std::fs::read_dir(&self.home).map(|d| d.count()).unwrap_or(0);
        let log = std::fs::File::create(self.home.join(format!("node-{n}.log"))).expect("log file");
        let child = Command::new(bin())
            .args(["node", "--listen", &self.listen, "--log", "info"])
            .env("GOVCHAIN_HOME", &self.home)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn node");
        self.child = Some(child);
    }

    /// The node process's id, when running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// Peak resident memory of the node process so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid().expect("running"))).expect("proc");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }

    /// Sends SIGTERM (as systemd or `kill` does) and waits up to `timeout` for the process to
    /// exit; returns its exit status.
    pub fn terminate(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("running");
        let sent = Command::new("sh").args(["-c", &format!("kill -TERM {}", c.id())]).status().expect("sh");
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = c.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                let _ = c.wait();
                panic!("the node did not stop within {timeout:?} of SIGTERM; logs:\n{}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// API client.
    pub fn client(&self) -> Client {
        Client::new(&self.api)
    }

    /// Waits until the API answers and the chain has at least `height` blocks.
    pub async fn wait_height(&mut self, height: u64, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        let client = self.client();
        loop {
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!("node exited with {status}; logs:\n{}", self.logs());
            }
            if let Ok(s) = client.status().await
                && s.height >= height
            {
                return s.height;
            }
            assert!(
                Instant::now() < deadline,
                "node did not reach height {height} within {timeout:?}; logs:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last lines of every log of this node.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        if let Ok(rd) = std::fs::read_dir(&self.home) {
            let mut paths: Vec<PathBuf> =
                rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "log")).collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                out.push_str(&format!(
                    "== {} ==\n{}\n",
                    p.display(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ));
            }
        }
        out
    }

    /// Runs a CLI command against this node.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(bin())
            .args(args)
            .env("GOVCHAIN_HOME", &self.home)
            .env("GOVCHAIN_API", &self.api)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run govchain")
    }

    /// Runs a CLI command that must succeed with `input` on its standard input.
    pub fn cli_ok_stdin(&self, input: &str, args: &[&str]) -> String {
        use std::io::Write;
        let mut child = Command::new(bin())
            .args(args)
            .env("GOVCHAIN_HOME", &self.home)
            .env("GOVCHAIN_API", &self.api)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run govchain");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        let o = child.wait_with_output().expect("wait");
        let t = text(&o);
        assert!(o.status.success(), "govchain {args:?} failed:\n{t}\nnode logs:\n{}", self.logs());
        t
    }

    /// Runs a CLI command that must succeed; returns its output (panics with the node's logs).
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let o = self.cli(args);
        let t = text(&o);
        assert!(o.status.success(), "govchain {args:?} failed:\n{t}\nnode logs:\n{}", self.logs());
        t
    }

    /// A dev key from the home.
    pub fn key(&self, name: &str) -> SecretKey {
        load_key(&self.home, name)
    }

    /// The genesis file.
    pub fn genesis(&self) -> PathBuf {
        self.home.join("genesis.json")
    }

    /// A transaction builder for this chain.
    pub async fn builder(&self) -> (TxBuilder, Suite, u64) {
        let s = self.client().status().await.expect("status");
        let suite = Suite::from_name(&s.suite).expect("suite");
        (TxBuilder::new(&s.chain_id, suite), suite, s.height)
    }

    /// Edits the genesis JSON before the first start.
    pub fn edit_genesis(&self, f: impl FnOnce(&mut serde_json::Value)) {
        let p = self.genesis();
        let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        f(&mut v);
        std::fs::write(&p, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    }

    /// Replaces text in config.toml (which must contain it).
    pub fn edit_config(&self, from: &str, to: &str) {
        let p = self.home.join("config.toml");
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains(from), "config.toml has no {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("node home kept for inspection: {}", self.home.display());
            if let Some(d) = self._dir.take() {
                let _ = d.keep();
            }
        }
        self.kill9();
    }
}

/// Loads a development keystore.
pub fn load_key(home: &Path, name: &str) -> SecretKey {
    let text = std::fs::read_to_string(home.join("keys").join(format!("{name}.json"))).expect("keystore");
    Keystore::from_json(&text).expect("parse").decrypt("").expect("dev key")
}

/// Output as text.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
pub mod datashare;
pub mod evm;
pub mod load;
pub mod net;
pub mod participation;
pub mod proxy;
pub mod workflow;

/// Decodes the one QR code in a greyscale PNG file.
pub fn scan_qr(path: &str) -> String {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png")));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("decodes").1
}
