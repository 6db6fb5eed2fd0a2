//! How the participation modules spell their keys: `<prefix><id>[/<tail>]`, with sequence
//! numbers as 8 big-endian bytes (so they list in order). Each module's `keys.rs` owns its
//! prefixes and uses these.

/// `<prefix><id>`, then `/<tail>` when `tail` is not empty.
pub(crate) fn join(prefix: &[u8], id: &str, tail: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(id.as_bytes());
    if !tail.is_empty() {
        k.push(b'/');
        k.extend(tail);
    }
    k
}

/// Readable form of a key under `root` (for example `b"tender/"`), with the sequence number of a
/// key under `seq` (for example `b"tender/bid/"`) shown in decimal.
pub(crate) fn describe(k: &[u8], root: &[u8], seq: &[u8]) -> Option<String> {
    if !k.starts_with(root) {
        return None;
    }
    if let Some(rest) = k.strip_prefix(seq)
        && rest.len() > 9
    {
        let (id, n) = rest.split_at(rest.len() - 9);
        if let Ok(n) = <[u8; 8]>::try_from(&n[1..]) {
            return Some(format!(
                "{}{}/{}",
                String::from_utf8_lossy(seq),
                String::from_utf8_lossy(id),
                u64::from_be_bytes(n)
            ));
        }
    }
    Some(String::from_utf8_lossy(k).chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect())
}
