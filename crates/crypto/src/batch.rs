use rayon::prelude::*;

use crate::{CryptoError, PublicKey, Signature};

/// One signature to check: `sig` over `msg` by `key`.
#[derive(Clone, Copy, Debug)]
pub struct VerifyItem<'a> {
    /// The signer's key.
    pub key: &'a PublicKey,
    /// The signed bytes.
    pub msg: &'a [u8],
    /// The signature.
    pub sig: &'a Signature,
}

/// Signatures per batch. Large enough to amortise the multi-scalar multiplication, small enough
/// that one bad signature only costs a fallback over its own chunk.
const CHUNK: usize = 64;

/// Verifies many signatures in parallel (rayon) and returns one result per item, in order.
///
/// Ed25519 signatures in a chunk are checked with one batch equation; if the batch fails, each is
/// re-checked singly to find the bad ones. Because the batch and single paths apply the same rule
/// (see [`crate::ed25519`]), the result for each item is exactly what [`PublicKey::verify`] would
/// return. SM2 has no batch form and is verified singly, in parallel.
pub fn verify_batch(items: &[VerifyItem<'_>]) -> Vec<Result<(), CryptoError>> {
    items.par_chunks(CHUNK).flat_map_iter(verify_chunk).collect()
}

fn verify_chunk(chunk: &[VerifyItem<'_>]) -> Vec<Result<(), CryptoError>> {
    let mut results: Vec<Result<(), CryptoError>> = vec![Ok(()); chunk.len()];
    let mut batch = ed25519_consensus::batch::Verifier::new();
    let mut queued: Vec<usize> = Vec::with_capacity(chunk.len());
    for (i, item) in chunk.iter().enumerate() {
        match (item.key, item.sig) {
            (PublicKey::Ed25519(a), Signature::Ed25519(s)) => match crate::ed25519::precheck(a, s) {
                Ok(()) => {
                    let vkb = ed25519_consensus::VerificationKeyBytes::from(*a);
                    batch.queue((vkb, ed25519_consensus::Signature::from(*s), &item.msg));
                    queued.push(i);
                }
                Err(e) => results[i] = Err(e),
            },
            _ => results[i] = item.key.verify(item.msg, item.sig),
        }
    }
    if !queued.is_empty() && batch.verify(rand::rngs::OsRng).is_err() {
        for i in queued {
            let item = &chunk[i];
            results[i] = item.key.verify(item.msg, item.sig);
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, SecretKey};

    #[test]
    fn batch_reports_exactly_the_bad_items() {
        let keys: Vec<SecretKey> = (0..150u8)
            .map(|i| {
                let alg = if i % 10 == 0 { Algorithm::Sm2 } else { Algorithm::Ed25519 };
                SecretKey::from_seed(alg, [i; 32])
            })
            .collect();
        let msgs: Vec<Vec<u8>> = (0..150u32).map(|i| i.to_le_bytes().to_vec()).collect();
        let mut sigs: Vec<Signature> = keys.iter().zip(&msgs).map(|(k, m)| k.sign(m)).collect();
        let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        for bad in [3usize, 70, 140] {
            sigs[bad].sig_bytes_mut()[10] ^= 0x40;
        }
        let items: Vec<VerifyItem<'_>> =
            (0..150).map(|i| VerifyItem { key: &pks[i], msg: &msgs[i], sig: &sigs[i] }).collect();
        let results = verify_batch(&items);
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.is_ok(), ![3, 70, 140].contains(&i), "item {i}");
            assert_eq!(*r, pks[i].verify(&msgs[i], &sigs[i]), "single and batch agree on {i}");
        }
    }
}
