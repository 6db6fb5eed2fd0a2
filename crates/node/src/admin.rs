//! The operator's local control socket, `run/admin.sock`: the directory is mode 0700,
//! so only the node's own user (or root) can connect. One request per line, one JSON answer per
//! line:
//!
//! * `backup DIR` — writes a consistent copy of the whole store as of one committed block to
//!   `DIR/govchain-<chain id>-<height>.redb` while the node keeps committing (one backup at a
//!   time), and answers `{"ok":true,"height":…,"path":"…","bytes":…}`; `{"ok":false,"error":"…"}`
//!   otherwise. `govchain db backup` is the client.
//! * `snapshot DIR` — writes a state snapshot at the tip to
//!   `DIR/govchain-<chain id>-<height>.snapshot` (`docs/snapshots.md`) and answers
//!   `{"ok":true,"height":…,"path":"…","bytes":…,"leaves":…}`. `govchain snapshot export` is the
//!   client.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use tracing::{info, warn};

use crate::chain::Chain;

/// Longest request line.
const MAX_LINE: usize = 4096;

/// The socket's path under a home.
pub fn socket_path(home: &Path) -> PathBuf {
    home.join("run").join("admin.sock")
}

/// Binds the socket (replacing a stale one) in a private directory.
pub fn bind(home: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::PermissionsExt as _;
    let path = socket_path(home);
    let dir = path.parent().unwrap_or(home);
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let _ = std::fs::remove_file(&path);
    UnixListener::bind(&path)
}

/// Serves requests until the listener fails.
pub async fn serve(listener: UnixListener, chain: Arc<Chain>) {
    let busy = Arc::new(tokio::sync::Mutex::new(()));
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let (chain, busy) = (chain.clone(), busy.clone());
        tokio::spawn(async move {
            let (rd, mut wr) = stream.into_split();
            let mut line = String::new();
            let answer = match BufReader::new(rd.take(MAX_LINE as u64)).read_line(&mut line).await {
                Ok(_) => handle(line.trim(), &chain, &busy).await,
                Err(e) => json!({"ok": false, "error": format!("bad request: {e}")}),
            };
            let _ = wr.write_all(format!("{answer}\n").as_bytes()).await;
        });
    }
}

async fn handle(line: &str, chain: &Arc<Chain>, busy: &tokio::sync::Mutex<()>) -> serde_json::Value {
    let (cmd, arg) = line.split_once(' ').unwrap_or((line, ""));
    match cmd {
        "backup" => {
            exclusive("backup", arg, chain, busy, |chain, dir| {
                let (height, path, bytes) = backup(chain, dir)?;
                Ok(json!({"ok": true, "height": height, "path": path, "bytes": bytes}))
            })
            .await
        }
        "snapshot" => {
            exclusive("snapshot", arg, chain, busy, |chain, dir| {
                let (path, s) = snapshot(chain, dir)?;
                Ok(json!({"ok": true, "height": s.height, "path": path, "bytes": s.bytes, "leaves": s.leaves}))
            })
            .await
        }
        _ => json!({"ok": false, "error": format!("unknown command {cmd:?}; known: backup DIR, snapshot DIR")}),
    }
}

/// Runs `job` on the blocking pool for a command that writes a file into the directory `arg`,
/// one such job at a time; logs and answers its outcome.
async fn exclusive(
    what: &'static str,
    arg: &str,
    chain: &Arc<Chain>,
    busy: &tokio::sync::Mutex<()>,
    job: impl FnOnce(&Arc<Chain>, &Path) -> eyre::Result<serde_json::Value> + Send + 'static,
) -> serde_json::Value {
    let dir = PathBuf::from(arg.trim());
    if !dir.is_absolute() || !dir.is_dir() {
        return json!({"ok": false, "error": format!("{what} needs an existing absolute directory, not {arg:?}")});
    }
    let Ok(_guard) = busy.try_lock() else {
        return json!({"ok": false, "error": "a backup or snapshot is already running"});
    };
    let chain = chain.clone();
    match tokio::task::spawn_blocking(move || job(&chain, &dir)).await {
        Ok(Ok(answer)) => {
            info!(%answer, "{what} written");
            answer
        }
        Ok(Err(e)) => {
            warn!(error = %e, "{what} failed");
            json!({"ok": false, "error": format!("{e:#}")})
        }
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }
}

fn snapshot(chain: &Arc<Chain>, dir: &Path) -> eyre::Result<(PathBuf, crate::snapshot::SnapshotInfo)> {
    // The height is known once the export has begun: written under a temporary name, renamed.
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let partial = dir.join(format!(".govchain-snapshot-{stamp}.partial"));
    let file = std::fs::File::create(&partial)?;
    let info = crate::snapshot::export(chain, &file).and_then(|i| Ok(file.sync_all().map(|_| i)?));
    let info = match info {
        Ok(i) => i,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let path = dir.join(format!("govchain-{}-{}.snapshot", chain.chain_id, info.height));
    std::fs::rename(&partial, &path)?;
    Ok((path, info))
}

fn backup(chain: &Chain, dir: &Path) -> eyre::Result<(u64, PathBuf, u64)> {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let partial = dir.join(format!(".govchain-backup-{stamp}.partial"));
    let info = chain.storage.backup_to(&partial)?;
    let path = dir.join(format!("govchain-{}-{}.redb", chain.chain_id, info.height));
    if path.exists() {
        let _ = std::fs::remove_file(&partial);
        eyre::bail!("{} exists (a backup at this height was already taken)", path.display());
    }
    std::fs::rename(&partial, &path)?;
    Ok((info.height, path, info.bytes))
}
