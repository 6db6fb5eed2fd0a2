//! Files holding secrets (keystores, p2p keys, the pseudonym secret, credentials): written `0600`
//! in `0700` directories, and refused when their permissions let anyone else read them — as ssh
//! refuses a private key others can read.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use thiserror::Error;

/// A secret file that cannot be written, or must not be used.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file or its directory could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Group or others may access the file or its directory.
    #[error(
        "{path} is readable by others (mode {mode:o}); it holds a secret: run `chmod {want:o} {path}` and check who could have read it"
    )]
    TooOpen {
        /// The path.
        path: String,
        /// Its mode bits.
        mode: u32,
        /// The mode it should have.
        want: u32,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
    move |source| FileError::Io { path: path.display().to_string(), source }
}

/// Creates `dir` (and missing parents) and makes it `0700`.
pub fn private_dir(dir: &Path) -> Result<(), FileError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io(dir))
}

/// Writes a secret: the file is created (or truncated) with mode `0600` in a `0700` directory.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        private_dir(dir)?;
    }
    let mut f = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path).map_err(io(path))?;
    // An existing file keeps its old mode through `open`: set it.
    f.set_permissions(fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Reads a secret file, refusing it when group or others have any access to it, or may write
/// to its directory.
pub fn read_private(path: &Path) -> Result<Vec<u8>, FileError> {
    check_private(path)?;
    fs::read(path).map_err(io(path))
}

/// Refuses a secret file that group or others may access, or whose directory they may write
/// (and so replace the file).
pub fn check_private(path: &Path) -> Result<(), FileError> {
    let mode = fs::metadata(path).map_err(io(path))?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(FileError::TooOpen { path: path.display().to_string(), mode, want: 0o600 });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let dmode = fs::metadata(dir).map_err(io(dir))?.permissions().mode() & 0o777;
        if dmode & 0o022 != 0 {
            return Err(FileError::TooOpen { path: dir.display().to_string(), mode: dmode, want: 0o700 });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn secrets_are_private_and_loose_ones_are_refused() {
        let tmp = tempfile_dir();
        let key = tmp.join("keys").join("validator.json");
        write_private(&key, b"secret").expect("write");
        assert_eq!((mode(&key), mode(key.parent().expect("dir"))), (0o600, 0o700));
        assert_eq!(read_private(&key).expect("read"), b"secret");
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = read_private(&key).expect_err("world-readable");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        write_private(&key, b"again").expect("rewrite");
        assert_eq!(mode(&key), 0o600, "rewriting tightens an existing file");
        fs::set_permissions(key.parent().expect("dir"), fs::Permissions::from_mode(0o777)).expect("chmod");
        assert!(read_private(&key).is_err(), "a directory others may write is refused too");
        fs::remove_dir_all(&tmp).expect("clean");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("govchain-files-{}", std::process::id()));
        fs::create_dir_all(&d).expect("tmp");
        d
    }
}
