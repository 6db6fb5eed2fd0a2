//! The canonical encoding: borsh with a size cap checked before parsing.

use std::io;

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_crypto::CryptoError;

use crate::bounded::LengthExceeded;

/// Why a byte string did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input is larger than allowed; it was not parsed.
    #[error("input of {got} bytes exceeds the limit of {max}")]
    TooLarge {
        /// The limit.
        max: usize,
        /// The input size.
        got: usize,
    },
    /// A length prefix inside the input exceeds its bound.
    #[error("a length prefix of {got} exceeds the limit of {max}")]
    LengthExceeded {
        /// The bound.
        max: usize,
        /// The prefix value.
        got: usize,
    },
    /// The input ended before the value was complete.
    #[error("input is truncated")]
    Truncated,
    /// An algorithm tag is unknown.
    #[error("unknown algorithm tag {0}")]
    UnknownAlgorithm(u8),
    /// Anything else: bad enum tag, invalid UTF-8, non-canonical bool, trailing bytes.
    #[error("malformed encoding: {0}")]
    Malformed(String),
}

/// Encodes a value canonically.
pub fn encode<T: BorshSerialize + ?Sized>(value: &T) -> Vec<u8> {
    // Writing into a Vec cannot fail.
    borsh::to_vec(value).unwrap_or_default()
}

/// Encodes a list exactly as `encode(&items.to_vec())` would (a `u32` count, then the items) and
/// returns each item's (offset, length) in the encoding, so one item can later be read alone.
pub fn encode_list<T: BorshSerialize>(items: &[T]) -> (Vec<u8>, Vec<(u32, u32)>) {
    let mut out = (items.len() as u32).to_le_bytes().to_vec();
    let mut spans = Vec::with_capacity(items.len());
    for item in items {
        let start = out.len();
        // Writing into a Vec cannot fail.
        let _ = item.serialize(&mut out);
        spans.push((start as u32, (out.len() - start) as u32));
    }
    (out, spans)
}

/// Decodes a value, refusing inputs longer than `max` bytes before parsing, and refusing
/// trailing bytes.
pub fn decode<T: BorshDeserialize>(bytes: &[u8], max: usize) -> Result<T, DecodeError> {
    if bytes.len() > max {
        return Err(DecodeError::TooLarge { max, got: bytes.len() });
    }
    borsh::from_slice(bytes).map_err(classify)
}

fn classify(e: io::Error) -> DecodeError {
    if let Some(inner) = e.get_ref() {
        if let Some(l) = inner.downcast_ref::<LengthExceeded>() {
            return DecodeError::LengthExceeded { max: l.max, got: l.got };
        }
        if let Some(CryptoError::UnknownAlgorithm(t)) = inner.downcast_ref::<CryptoError>() {
            return DecodeError::UnknownAlgorithm(*t);
        }
    }
    let msg = e.to_string();
    if e.kind() == io::ErrorKind::UnexpectedEof || msg.contains("Unexpected length of input") {
        return DecodeError::Truncated;
    }
    DecodeError::Malformed(msg)
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn a_list_with_spans_is_the_plain_encoding() {
        let items: Vec<Vec<u8>> = vec![vec![1, 2, 3], vec![], vec![9; 300]];
        let (bytes, spans) = encode_list(&items);
        assert_eq!(bytes, encode(&items));
        for (item, (off, len)) in items.iter().zip(spans) {
            let one: Vec<u8> = decode(&bytes[off as usize..(off + len) as usize], usize::MAX).expect("item");
            assert_eq!(&one, item);
        }
    }
}
