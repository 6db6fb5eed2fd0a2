//! `govchain snapshot export|import` and the `--state-sync` of `govchain node`: a state snapshot
//! written by a running node, and a new node's store made from one after verifying it against
//! the home's genesis (docs/snapshots.md).

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use eyre::{Result, bail, eyre};
use govchain_node::snapshot::SnapshotInfo;
use govchain_sdk::cli::Ctx;

/// Snapshot commands.
#[derive(Subcommand)]
pub enum SnapshotCmd {
    /// (node running) Write the state at the tip, with its header, commit certificate and the
    /// validator-set changes since genesis, to `DIR/govchain-<chain>-<height>.snapshot`; asks
    /// the node over its admin socket (`run/admin.sock`).
    Export {
        /// Directory for the file (default: `<home>/snapshots`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// (node stopped, new home) Verify a snapshot against this home's genesis and make the
    /// node's store from it; `govchain node` then follows the chain from the snapshot's height.
    Import {
        /// A snapshot file, or a peer's API URL (`http://host:port`) to fetch one from.
        source: String,
    },
}

fn export(home: &Path, out: Option<PathBuf>) -> Result<()> {
    let dir = out.unwrap_or_else(|| home.join("snapshots"));
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let sock = govchain_node::admin::socket_path(home);
    let mut s = std::os::unix::net::UnixStream::connect(&sock)
        .map_err(|e| eyre!("cannot reach the node at {} ({e}): is it running from this home?", sock.display()))?;
    writeln!(s, "snapshot {}", dir.display())?;
    let mut answer = String::new();
    std::io::BufReader::new(s).read_line(&mut answer)?;
    let v: serde_json::Value = serde_json::from_str(&answer).map_err(|e| eyre!("bad answer {answer:?}: {e}"))?;
    if v["ok"] != true {
        bail!("snapshot failed: {}", v["error"].as_str().unwrap_or("unknown error"));
    }
    println!(
        "snapshot at height {} ({} state keys) written to {} ({} bytes)",
        v["height"],
        v["leaves"],
        v["path"].as_str().unwrap_or_default(),
        v["bytes"]
    );
    Ok(())
}

/// Makes the store of `cfg`'s home from a snapshot file or a peer's `GET /v1/snapshot`.
pub async fn import(cfg: &govchain_node::NodeConfig, source: &str) -> Result<SnapshotInfo> {
    let components = govchain_node::components();
    if source.starts_with("http://") || source.starts_with("https://") {
        let url = format!("{}/v1/snapshot", source.trim_end_matches('/'));
        let resp = reqwest::get(&url).await.map_err(|e| eyre!("fetching {url}: {e}"))?;
        if !resp.status().is_success() {
            let status = resp.status();
            bail!("{url} answered {status}: {}", resp.text().await.unwrap_or_default());
        }
        // The verifier reads synchronously; the body streams to it through a pipe of chunks.
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<bytes::Bytes>>(64);
        let cfg2 = cfg.clone();
        let verify = tokio::task::spawn_blocking(move || {
            govchain_node::snapshot::import(&cfg2, &components, ChannelReader { rx, buf: bytes::Bytes::new() })
        });
        let mut resp = resp;
        loop {
            match resp.chunk().await {
                Ok(Some(c)) => {
                    if tx.send(Ok(c)).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e)));
                    break;
                }
            }
        }
        drop(tx);
        verify.await?
    } else {
        let file = std::fs::File::open(source).map_err(|e| eyre!("{source}: {e}"))?;
        let cfg = cfg.clone();
        tokio::task::spawn_blocking(move || govchain_node::snapshot::import(&cfg, &components, file)).await?
    }
}

struct ChannelReader {
    rx: std::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>,
    buf: bytes::Bytes,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buf.is_empty() {
            match self.rx.recv() {
                Ok(Ok(b)) => self.buf = b,
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// Runs a snapshot command.
pub async fn run(ctx: &Ctx, c: SnapshotCmd) -> Result<()> {
    match c {
        SnapshotCmd::Export { out } => export(&ctx.home, out),
        SnapshotCmd::Import { source } => {
            let cfg = crate::cmd::node::load_config(&ctx.home, None)?;
            let started = std::time::Instant::now();
            let info = import(&cfg, &source).await?;
            println!(
                "verified and imported the state at height {} ({} state keys, {} index entries, {} bytes) in {:.1} s",
                info.height,
                info.leaves,
                info.index,
                info.bytes,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}
