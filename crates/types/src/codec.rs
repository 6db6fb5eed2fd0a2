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
