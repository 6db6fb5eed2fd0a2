//! The k-of-n sealing key of a vote or a tender, and the sealed boxes (ballots, bids) under it.
//!
//! No one ever holds the whole key until k trustees release their parts after the close:
//!
//! 1. **Dealing** (joint Feldman key generation): each of the n trustees picks a random scalar
//!    and splits it with Feldman verifiable secret sharing (`vsss-rs`, threshold k, P-256): it
//!    publishes the k commitments `a_j·G` and, for every trustee t, t's share sealed to t's
//!    account key ([`govchain_crypto::exchange::seal`]).
//! 2. The **sealing public key** is the sum of the dealers' constant commitments; its secret is
//!    the sum of the dealers' secrets, which no one knows.
//! 3. **Sealed boxes** are HPKE (RFC 9180) base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256,
//!    AES-128-GCM to that key — the suite a browser's WebCrypto also has.
//! 4. **Release**: after the close, trustee t opens the n shares sent to it, adds them, and
//!    publishes the sum. Everyone checks it against the summed commitments
//!    (`s·G = Σ_j C_j·t^j`); with k checked parts anyone interpolates the secret and opens
//!    every box. With k−1 parts nothing is learnt.
//!
//! `docs/participation.md` gives the byte layouts and the threat model.

use hpke::{Deserializable as _, Serializable as _};
use p256::elliptic_curve::group::GroupEncoding as _;
use p256::elliptic_curve::sec1::ToSec1Point as _;
use p256::elliptic_curve::{Field as _, PrimeField as _};
use p256::{AffinePoint, ProjectivePoint, Scalar};
use rand_core::UnwrapErr;
use vsss_rs::{IdentifierPrimeField, ReadableShareSet as _, Share as _, feldman};

/// Largest number of trustees.
pub const MAX_TRUSTEES: usize = 16;
/// HPKE `info` of a trustee's share sealed to its account key.
pub const SHARE_INFO: &[u8] = b"GOVCHAIN/SEALING-SHARE/v1";
/// Length of a compressed P-256 point.
pub const POINT_LEN: usize = 33;
/// Length of an encapsulated key (uncompressed P-256 point) at the start of a sealed box.
pub const ENC_LEN: usize = 65;

type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm128;
type Share = vsss_rs::PrimeFieldShare<Scalar>;
type Verifier = vsss_rs::ShareVerifierGroup<ProjectivePoint>;

/// Why sealing material is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealingError {
    /// Threshold or trustee count out of range.
    #[error("threshold {k} of {n} trustees: need 2 <= k <= n <= {MAX_TRUSTEES}")]
    Threshold {
        /// Threshold.
        k: usize,
        /// Trustees.
        n: usize,
    },
    /// A commitment is not a P-256 point (or is the identity).
    #[error("commitment {0} is not a valid P-256 point")]
    BadCommitment(usize),
    /// The dealing has the wrong number of parts.
    #[error("a dealing has {expected} commitments and {n} sealed shares; got {got_c} and {got_s}")]
    DealingShape {
        /// Threshold.
        expected: usize,
        /// Trustees.
        n: usize,
        /// Commitments given.
        got_c: usize,
        /// Shares given.
        got_s: usize,
    },
    /// A released part does not match the commitments.
    #[error("the part of trustee {0} does not match the published commitments")]
    BadPart(usize),
    /// A part is not a scalar.
    #[error("a part is 32 bytes, a P-256 scalar")]
    NotScalar,
    /// Fewer than k parts.
    #[error("{have} of the {k} parts needed")]
    NotEnough {
        /// Parts given.
        have: usize,
        /// Threshold.
        k: usize,
    },
    /// A share sent to this trustee cannot be opened or does not match its dealer's commitments.
    #[error("the share dealt by trustee {0} cannot be opened or does not match its commitments")]
    BadShare(usize),
    /// Sealing or opening failed.
    #[error("sealed box: {0}")]
    Box(&'static str),
}

/// One trustee's dealing: commitments (compressed points) and one sealed share per trustee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dealing {
    /// `a_j·G` for j = 0..k, 33 bytes each.
    pub commitments: Vec<Vec<u8>>,
    /// The share of trustee t (1-based identifier t+1), sealed to its account key.
    pub shares: Vec<Vec<u8>>,
}

fn rng() -> UnwrapErr<getrandom::SysRng> {
    UnwrapErr(getrandom::SysRng)
}

fn point(bytes: &[u8]) -> Option<ProjectivePoint> {
    let arr: [u8; POINT_LEN] = bytes.try_into().ok()?;
    let p: Option<AffinePoint> = AffinePoint::from_bytes(&arr.into()).into();
    p.filter(|p| !bool::from(p.is_identity())).map(ProjectivePoint::from)
}

fn scalar(bytes: &[u8]) -> Option<Scalar> {
    let arr: [u8; 32] = bytes.try_into().ok()?;
    Option::from(Scalar::from_repr(arr.into()))
}

fn id_scalar(t: usize) -> Scalar {
    Scalar::from(t as u64 + 1)
}

/// Checks a threshold against a trustee count.
pub fn check_threshold(k: usize, n: usize) -> Result<(), SealingError> {
    if k < 2 || k > n || n > MAX_TRUSTEES {
        return Err(SealingError::Threshold { k, n });
    }
    Ok(())
}

/// Checks a dealing's shape and commitments (the sealed shares can only be checked by their
/// recipients).
pub fn check_dealing(d: &Dealing, k: usize, n: usize) -> Result<(), SealingError> {
    if d.commitments.len() != k || d.shares.len() != n {
        return Err(SealingError::DealingShape { expected: k, n, got_c: d.commitments.len(), got_s: d.shares.len() });
    }
    for (i, c) in d.commitments.iter().enumerate() {
        point(c).ok_or(SealingError::BadCommitment(i))?;
    }
    Ok(())
}

/// Deals a fresh random secret to `trustees` (their account keys, in order), threshold `k`.
pub fn deal(k: usize, trustees: &[govchain_types::PublicKey], aad: &[u8]) -> Result<Dealing, SealingError> {
    check_threshold(k, trustees.len())?;
    let secret = IdentifierPrimeField(Scalar::random(&mut rng()));
    let (shares, verifiers) = feldman::split_secret::<Share, Verifier>(k, trustees.len(), &secret, None, rng())
        .map_err(|_| SealingError::Box("feldman split failed"))?;
    // vsss-rs returns the generator first, then a_0·G … a_{k-1}·G.
    let commitments = verifiers.iter().skip(1).map(|v| v.0.to_affine().to_bytes().to_vec()).collect::<Vec<_>>();
    let mut sealed = Vec::with_capacity(trustees.len());
    for (t, pk) in trustees.iter().enumerate() {
        let value = shares
            .iter()
            .find(|s| s.identifier().0 == id_scalar(t))
            .ok_or(SealingError::Box("missing share"))?
            .value()
            .0
            .to_repr();
        sealed.push(
            govchain_crypto::exchange::seal(pk, SHARE_INFO, aad, &value)
                .map_err(|_| SealingError::Box("seal share"))?,
        );
    }
    Ok(Dealing { commitments, shares: sealed })
}

/// The sealing public key (uncompressed SEC1, 65 bytes) from every trustee's dealing.
pub fn public_key(dealings: &[&Dealing]) -> Result<Vec<u8>, SealingError> {
    let mut sum = ProjectivePoint::IDENTITY;
    for d in dealings {
        sum += point(d.commitments.first().ok_or(SealingError::BadCommitment(0))?)
            .ok_or(SealingError::BadCommitment(0))?;
    }
    Ok(sum.to_affine().to_sec1_point(false).as_bytes().to_vec())
}

/// The expected public image `s_t·G` of trustee `t`'s part, from every dealing.
fn expected_image(dealings: &[&Dealing], t: usize) -> Result<ProjectivePoint, SealingError> {
    let x = id_scalar(t);
    let mut sum = ProjectivePoint::IDENTITY;
    for d in dealings {
        let mut pow = Scalar::ONE;
        for (j, c) in d.commitments.iter().enumerate() {
            sum += point(c).ok_or(SealingError::BadCommitment(j))? * pow;
            pow *= x;
        }
    }
    Ok(sum)
}

/// Checks trustee `t`'s released part against the commitments of every dealing.
pub fn verify_part(dealings: &[&Dealing], t: usize, part: &[u8]) -> Result<(), SealingError> {
    let s = scalar(part).ok_or(SealingError::NotScalar)?;
    if ProjectivePoint::GENERATOR * s != expected_image(dealings, t)? {
        return Err(SealingError::BadPart(t));
    }
    Ok(())
}

/// Trustee `t` opens the shares dealt to it, checks each against its dealer's commitments, and
/// returns its part (the sum), to be published after the close.
pub fn own_part(
    dealings: &[&Dealing],
    t: usize,
    key: &govchain_crypto::SecretKey,
    aad: &[u8],
) -> Result<[u8; 32], SealingError> {
    let mut sum = Scalar::ZERO;
    for (d, dealing) in dealings.iter().enumerate() {
        let sealed = dealing.shares.get(t).ok_or(SealingError::BadShare(d))?;
        let bytes =
            govchain_crypto::exchange::open(key, SHARE_INFO, aad, sealed).map_err(|_| SealingError::BadShare(d))?;
        let s = scalar(&bytes).ok_or(SealingError::BadShare(d))?;
        let one = Dealing { commitments: dealing.commitments.clone(), shares: vec![] };
        if ProjectivePoint::GENERATOR * s != expected_image(&[&one], t)? {
            return Err(SealingError::BadShare(d));
        }
        sum += s;
    }
    Ok(sum.to_repr().into())
}

/// The opening key from k or more parts `(trustee index, part)`, already verified. Uses the
/// first k in the order given.
pub fn combine(parts: &[(usize, [u8; 32])], k: usize) -> Result<OpeningKey, SealingError> {
    if parts.len() < k {
        return Err(SealingError::NotEnough { have: parts.len(), k });
    }
    let shares = parts[..k]
        .iter()
        .map(|(t, p)| {
            scalar(p)
                .map(|s| Share::with_identifier_and_value(IdentifierPrimeField(id_scalar(*t)), IdentifierPrimeField(s)))
                .ok_or(SealingError::NotScalar)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let secret = shares.combine().map_err(|_| SealingError::Box("interpolation failed"))?.0;
    let key =
        <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret.to_repr()).map_err(|_| SealingError::Box("zero key"))?;
    Ok(OpeningKey { key, secret: secret.to_repr().into() })
}

/// The opening (private) key, once k parts are out.
pub struct OpeningKey {
    key: <Kem as hpke::Kem>::PrivateKey,
    secret: [u8; 32],
}

impl OpeningKey {
    /// The key from a published secret scalar (big-endian), as a count publishes it.
    pub fn from_secret(secret: [u8; 32]) -> Result<OpeningKey, SealingError> {
        let key = <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret).map_err(|_| SealingError::NotScalar)?;
        Ok(OpeningKey { key, secret })
    }

    /// Opens one sealed box (`enc (65) || ciphertext`).
    pub fn open(&self, info: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealingError> {
        if sealed.len() < ENC_LEN {
            return Err(SealingError::Box("shorter than an encapsulated key"));
        }
        let (enc, ct) = sealed.split_at(ENC_LEN);
        let enc =
            <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).map_err(|_| SealingError::Box("bad encapsulated key"))?;
        hpke::single_shot_open::<Aead, Kdf, Kem>(&hpke::OpModeR::Base, &self.key, &enc, info, ct, aad)
            .map_err(|_| SealingError::Box("does not open under the sealing key"))
    }

    /// The secret scalar (big-endian), to publish or check.
    pub fn secret(&self) -> [u8; 32] {
        self.secret
    }

    /// Its public key (uncompressed SEC1), to compare with the one the dealings fixed.
    pub fn public_key(&self) -> Vec<u8> {
        <Kem as hpke::Kem>::sk_to_pk(&self.key).to_bytes().to_vec()
    }
}

/// Seals `msg` to the sealing public key (65-byte SEC1): `enc (65) || ciphertext`.
pub fn seal(public_key: &[u8], info: &[u8], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>, SealingError> {
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(public_key).map_err(|_| SealingError::Box("bad sealing key"))?;
    let (enc, ct) = hpke::single_shot_seal::<Aead, Kdf, Kem>(&hpke::OpModeS::Base, &pk, info, msg, aad)
        .map_err(|_| SealingError::Box("seal failed"))?;
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use govchain_crypto::SecretKey;

    fn trustees(n: usize) -> Vec<SecretKey> {
        (0..n).map(|i| SecretKey::from_seed(govchain_types::Algorithm::Ed25519, [i as u8 + 1; 32])).collect()
    }

    #[test]
    fn k_parts_open_k_minus_one_do_not() {
        let keys = trustees(3);
        let pks: Vec<_> = keys.iter().map(|k| k.public_key()).collect();
        let dealings: Vec<Dealing> = (0..3).map(|_| deal(2, &pks, b"vote:v1").expect("deal")).collect();
        let refs: Vec<&Dealing> = dealings.iter().collect();
        let pk = public_key(&refs).expect("pk");
        let sealed = seal(&pk, b"info", b"aad", b"choice 1").expect("seal");
        let parts: Vec<(usize, [u8; 32])> =
            (0..3).map(|t| (t, own_part(&refs, t, &keys[t], b"vote:v1").expect("part"))).collect();
        for (t, p) in &parts {
            verify_part(&refs, *t, p).expect("part verifies");
        }
        // Any two open it, and agree on the key.
        let a = combine(&[parts[0], parts[2]], 2).expect("combine");
        assert_eq!(a.public_key(), pk);
        assert_eq!(a.open(b"info", b"aad", &sealed).expect("open"), b"choice 1");
        assert_eq!(combine(&[parts[2], parts[1]], 2).expect("combine").secret(), a.secret());
        // One part is not enough, and a wrong aad or a changed byte does not open.
        assert_eq!(combine(&parts[..1], 2).err(), Some(SealingError::NotEnough { have: 1, k: 2 }));
        assert!(a.open(b"info", b"other", &sealed).is_err());
        let mut bad = sealed.clone();
        *bad.last_mut().expect("byte") ^= 1;
        assert!(a.open(b"info", b"aad", &bad).is_err());
    }

    #[test]
    fn a_tampered_part_or_share_is_caught() {
        let keys = trustees(3);
        let pks: Vec<_> = keys.iter().map(|k| k.public_key()).collect();
        let dealings: Vec<Dealing> = (0..3).map(|_| deal(2, &pks, b"t").expect("deal")).collect();
        let refs: Vec<&Dealing> = dealings.iter().collect();
        let mut part = own_part(&refs, 1, &keys[1], b"t").expect("part");
        part[31] ^= 1;
        assert_eq!(verify_part(&refs, 1, &part), Err(SealingError::BadPart(1)));
        // A part presented as another trustee's fails too.
        let good = own_part(&refs, 1, &keys[1], b"t").expect("part");
        assert_eq!(verify_part(&refs, 2, &good), Err(SealingError::BadPart(2)));
        // A dealer who sends trustee 0 a share off its commitments is named.
        let mut forged = dealings.clone();
        forged[2].shares[0] = govchain_crypto::exchange::seal(&pks[0], SHARE_INFO, b"t", &[5u8; 32]).expect("seal");
        let forged_refs: Vec<&Dealing> = forged.iter().collect();
        assert_eq!(own_part(&forged_refs, 0, &keys[0], b"t"), Err(SealingError::BadShare(2)));
    }

    #[test]
    fn dealings_are_checked() {
        let pks: Vec<_> = trustees(2).iter().map(|k| k.public_key()).collect();
        assert!(deal(1, &pks, b"").is_err(), "a threshold of one would let one trustee open alone");
        let mut d = deal(2, &pks, b"").expect("deal");
        check_dealing(&d, 2, 2).expect("well formed");
        d.commitments[1] = vec![9u8; 33]; // 0x09 is no SEC1 tag
        assert!(matches!(check_dealing(&d, 2, 2), Err(SealingError::BadCommitment(1))));
        d.commitments.pop();
        assert!(matches!(check_dealing(&d, 2, 2), Err(SealingError::DealingShape { .. })));
    }
}
