//! Round trips (property tests) and rejection of non-canonical encodings.

use govchain_crypto::{Algorithm, SecretKey};
use govchain_types::bounded::{BoundedString, BoundedVec};
use govchain_types::{Call, DecodeError, Payload, SignedTransaction, Transaction, codec};
use proptest::prelude::*;

fn tx(
    seed: u8,
    alg: Algorithm,
    nonce: u64,
    expires: u64,
    module: &str,
    method: &str,
    args: Vec<u8>,
) -> SignedTransaction {
    let key = SecretKey::from_seed(alg, [seed; 32]);
    let t = Transaction {
        chain_id: BoundedString::new("prop-chain").expect("short"),
        signer: key.public_key(),
        nonce,
        expires_at_height: expires,
        payload: Payload::Call(Call::new(module, method, args).expect("bounded")),
    };
    let signature = key.sign(&t.sign_bytes());
    SignedTransaction { tx: t, signature }
}

fn arb_tx() -> impl Strategy<Value = SignedTransaction> {
    (
        any::<u8>(),
        prop_oneof![Just(Algorithm::Ed25519), Just(Algorithm::Sm2)],
        any::<u64>(),
        any::<u64>(),
        "[a-z]{1,32}",
        "[a-z_]{1,64}",
        proptest::collection::vec(any::<u8>(), 0..512),
    )
        .prop_map(|(s, a, n, e, m, me, args)| tx(s, a, n, e, &m, &me, args))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]

    #[test]
    fn signed_transactions_round_trip(t in arb_tx()) {
        let bytes = t.encode();
        let back = SignedTransaction::decode(&bytes).expect("decodes");
        prop_assert_eq!(&back, &t);
        prop_assert_eq!(back.encode(), bytes, "re-encoding is byte-identical");
        prop_assert!(back.tx.signer.verify(&back.tx.sign_bytes(), &back.signature).is_ok());
    }

    #[test]
    fn trailing_bytes_are_rejected(t in arb_tx(), extra in proptest::collection::vec(any::<u8>(), 1..8)) {
        let mut bytes = t.encode();
        bytes.extend(extra);
        prop_assert!(SignedTransaction::decode(&bytes).is_err());
    }

    #[test]
    fn every_truncation_is_rejected(t in arb_tx()) {
        let bytes = t.encode();
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            prop_assert!(SignedTransaction::decode(&bytes[..cut]).is_err(), "cut at {}", cut);
        }
    }
}

#[test]
fn huge_length_prefix_is_rejected_without_allocation() {
    // A BoundedVec<u8, 10> length prefix of 4 billion.
    let mut bytes = u32::MAX.to_le_bytes().to_vec();
    bytes.extend([0u8; 4]);
    let err = codec::decode::<BoundedVec<u8, 10>>(&bytes, 1024).expect_err("too long");
    assert!(matches!(err, DecodeError::LengthExceeded { max: 10, .. }), "{err:?}");
}

#[test]
fn oversized_input_is_rejected_before_parsing() {
    let bytes = vec![0u8; 70 * 1024];
    assert!(matches!(SignedTransaction::decode(&bytes), Err(DecodeError::TooLarge { .. })));
}

#[test]
fn unknown_algorithm_tag_has_its_own_error() {
    let mut bytes = tx(1, Algorithm::Ed25519, 0, 10, "records", "publish", vec![]).encode();
    // chain_id: u32 len + 10 bytes; then the signer's algorithm tag.
    bytes[4 + 10] = 9;
    assert_eq!(SignedTransaction::decode(&bytes), Err(DecodeError::UnknownAlgorithm(9)));
}

#[test]
fn non_canonical_option_and_enum_tags_are_rejected() {
    // Option tag 2 is not canonical (only 0 or 1).
    assert!(codec::decode::<Option<u8>>(&[2, 0], 16).is_err());
    // Payload tag 1 does not exist.
    let mut bytes = tx(1, Algorithm::Ed25519, 0, 10, "records", "publish", vec![]).encode();
    let payload_at = 4 + 10 + 33 + 8 + 8;
    assert_eq!(bytes[payload_at], 0);
    bytes[payload_at] = 1;
    assert!(SignedTransaction::decode(&bytes).is_err());
}

#[test]
fn invalid_utf8_in_strings_is_rejected() {
    let mut bytes = tx(1, Algorithm::Ed25519, 0, 10, "records", "publish", vec![]).encode();
    bytes[4] = 0xff;
    assert!(matches!(SignedTransaction::decode(&bytes), Err(DecodeError::Malformed(_))));
}
