//! A node's data-sharing store: key files and encrypted deliveries.
//!
//! ```text
//! <store>/keys/grant-<request>.key      grantee: the delivery key of a request/grant
//! <store>/keys/delivery-<access>.key    grantee: the storage key of one received delivery
//! <store>/keys/subject-<tag0>.key       owner: the storage key of one subject's sent deliveries
//! <store>/received/<access>.json        grantee: a delivery, sealed under its storage key
//! <store>/sent/<access>.json            owner: the exact bytes sent, sealed under the subject key
//! ```
//!
//! Every file is 0600 in 0700 directories. Destroying a key overwrites it with zeros, syncs it
//! and unlinks it (crypto-shredding: what it sealed can no longer be opened, though the sealed
//! file may remain).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use govchain_crypto::exchange::{aead_open, aead_seal};
use govchain_crypto::files::{private_dir, read_private, write_private};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key was destroyed (or never existed).
    #[error("erased: the key of {0} no longer exists")]
    Erased(String),
    /// Reading or writing failed.
    #[error("store: {0}")]
    Io(String),
}

fn io(e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(e.to_string())
}

/// A sealed file: which key opens it, and the AEAD ciphertext.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SealedFile {
    /// Name of the key (`delivery-<access>`, `subject-<tag0>`).
    pub key: String,
    /// What it belongs to (grant id for received deliveries, data set for sent ones).
    pub about: String,
    /// The receipt (tag hex).
    pub receipt: String,
    /// Hex of the 12-byte nonce.
    pub nonce: String,
    /// Hex of the ciphertext.
    pub ciphertext: String,
}

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
    sm: bool,
}

impl Store {
    /// Opens (creating) a store; `sm` selects SM4-GCM over ChaCha20-Poly1305.
    pub fn open(root: &Path, sm: bool) -> Result<Store, StoreError> {
        for d in ["", "keys", "received", "sent"] {
            let p = root.join(d);
            std::fs::create_dir_all(&p).map_err(io)?;
            private_dir(&p).map_err(io)?;
        }
        Ok(Store { root: root.to_path_buf(), sm })
    }

    fn key_path(&self, name: &str) -> PathBuf {
        self.root.join("keys").join(format!("{name}.key"))
    }

    /// Writes a key (fails if it exists).
    pub fn put_key(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let p = self.key_path(name);
        if p.exists() {
            return Err(StoreError::Io(format!("key {name} exists")));
        }
        write_private(&p, bytes).map_err(io)
    }

    /// A key's bytes.
    pub fn key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let p = self.key_path(name);
        if !p.exists() {
            return Err(StoreError::Erased(name.into()));
        }
        read_private(&p).map_err(io)
    }

    /// Whether a key exists.
    pub fn has_key(&self, name: &str) -> bool {
        self.key_path(name).exists()
    }

    /// The key, created at random if it does not exist.
    pub fn key_or_new(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        if !self.has_key(name) {
            let mut k = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut k);
            self.put_key(name, &k)?;
        }
        self.key(name)
    }

    /// Destroys a key: overwrite with zeros, sync, unlink. Returns whether it existed.
    pub fn destroy_key(&self, name: &str) -> Result<bool, StoreError> {
        let p = self.key_path(name);
        let Ok(meta) = std::fs::metadata(&p) else { return Ok(false) };
        let mut f = std::fs::OpenOptions::new().write(true).open(&p).map_err(io)?;
        f.write_all(&vec![0u8; meta.len() as usize]).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        std::fs::remove_file(&p).map_err(io)?;
        if let Some(dir) = p.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(true)
    }

    /// Names of keys starting with `prefix`.
    pub fn keys_with(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.root.join("keys")).map_err(io)? {
            let name = e.map_err(io)?.file_name().to_string_lossy().to_string();
            if let Some(n) = name.strip_suffix(".key")
                && n.starts_with(prefix)
            {
                out.push(n.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    fn file(&self, dir: &str, access: &str) -> PathBuf {
        self.root.join(dir).join(format!("{access}.json"))
    }

    /// Seals `bytes` under key `key` (32 bytes) into `<dir>/<access>.json`.
    pub fn seal_file(
        &self,
        dir: &str,
        access: &str,
        key: &str,
        about: &str,
        receipt: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        let k: [u8; 32] =
            self.key(key)?.try_into().map_err(|_| StoreError::Io(format!("key {key} is not 32 bytes")))?;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = aead_seal(self.sm, &k, &nonce, access.as_bytes(), bytes).map_err(io)?;
        let f = SealedFile {
            key: key.into(),
            about: about.into(),
            receipt: receipt.into(),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ct),
        };
        write_private(&self.file(dir, access), serde_json::to_string(&f).map_err(io)?.as_bytes()).map_err(io)
    }

    /// The metadata of a sealed file, if it exists.
    pub fn sealed_file(&self, dir: &str, access: &str) -> Result<Option<SealedFile>, StoreError> {
        let p = self.file(dir, access);
        if !p.exists() {
            return Ok(None);
        }
        serde_json::from_slice(&read_private(&p).map_err(io)?).map(Some).map_err(io)
    }

    /// Opens a sealed file ([`StoreError::Erased`] once its key is destroyed).
    pub fn open_file(&self, dir: &str, access: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(f) = self.sealed_file(dir, access)? else { return Ok(None) };
        let k: [u8; 32] = self.key(&f.key)?.try_into().map_err(|_| StoreError::Io("bad key".into()))?;
        let nonce: [u8; 12] =
            hex::decode(&f.nonce).ok().and_then(|n| n.try_into().ok()).ok_or_else(|| io("bad nonce"))?;
        let ct = hex::decode(&f.ciphertext).map_err(io)?;
        aead_open(self.sm, &k, &nonce, access.as_bytes(), &ct).map(Some).map_err(io)
    }

    /// Access ids of the files in `dir` about `about`.
    pub fn files_about(&self, dir: &str, about: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.root.join(dir)).map_err(io)? {
            let name = e.map_err(io)?.file_name().to_string_lossy().to_string();
            if let Some(access) = name.strip_suffix(".json")
                && self.sealed_file(dir, access)?.is_some_and(|f| f.about == about)
            {
                out.push(access.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destroyed_key_leaves_its_file_unopenable_and_no_key_bytes_on_disk() {
        let dir = tempfile::tempdir().expect("tmp");
        let s = Store::open(&dir.path().join("store"), false).expect("store");
        let key = s.key_or_new("delivery-a1").expect("key");
        s.seal_file("received", "a1", "delivery-a1", "grant-1", "tag", b"{\"months_paid\":42}").expect("seal");
        assert_eq!(s.open_file("received", "a1").expect("open").as_deref(), Some(&b"{\"months_paid\":42}"[..]));
        assert!(s.destroy_key("delivery-a1").expect("destroy"));
        assert!(matches!(s.open_file("received", "a1"), Err(StoreError::Erased(_))));
        // Nothing under the store holds the key's bytes any more.
        for e in walk(s.root()) {
            let bytes = std::fs::read(&e).expect("read");
            assert!(!bytes.windows(32).any(|w| w == key.as_slice()), "{} holds the key", e.display());
        }
        assert!(!s.destroy_key("delivery-a1").expect("twice"));
    }

    fn walk(p: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
        }
        out
    }
}
