use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::bounded::{BoundedString, BoundedVec};
use crate::limits::{MAX_EVENT_ATTRIBUTES, MAX_EVENTS, MAX_SHORT_TEXT, MAX_TEXT};
use crate::{Hash32, Suite, codec};

/// The result of executing one transaction.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Receipt {
    /// Transaction id.
    pub tx_hash: Hash32,
    /// Success or failure.
    pub outcome: Outcome,
    /// Events emitted (none when the transaction failed).
    pub events: BoundedVec<Event, MAX_EVENTS>,
}

impl Receipt {
    /// Leaf hash input for the receipts Merkle list.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Hash of the encoded receipt.
    pub fn hash(&self, suite: Suite) -> Hash32 {
        suite.hash(&self.encode())
    }
}

/// Outcome of a transaction. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "status", rename_all = "snake_case")]
#[repr(u8)]
pub enum Outcome {
    /// Executed; its state changes are applied.
    Success = 0,
    /// Failed during execution; only the nonce advanced.
    Failed {
        /// Stable error code, e.g. `unauthorized`.
        code: BoundedString<MAX_SHORT_TEXT>,
        /// Human-readable message.
        message: BoundedString<MAX_TEXT>,
    } = 1,
}

/// A module event: `module.kind` with string attributes.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Event {
    /// Emitting module.
    pub module: BoundedString<MAX_SHORT_TEXT>,
    /// Event kind, e.g. `published`.
    pub kind: BoundedString<MAX_SHORT_TEXT>,
    /// Attributes, in the order the module emitted them.
    pub attributes: BoundedVec<(BoundedString<MAX_SHORT_TEXT>, BoundedString<MAX_TEXT>), MAX_EVENT_ATTRIBUTES>,
}

impl Event {
    /// Builds an event; over-long texts are truncated at a character boundary, excess
    /// attributes dropped (modules emit short, known attributes).
    pub fn new(module: &str, kind: &str, attributes: &[(&str, String)]) -> Event {
        fn clip<const N: usize>(s: &str) -> BoundedString<N> {
            let mut end = s.len().min(N);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            BoundedString::new(&s[..end]).unwrap_or_default()
        }
        let attrs = attributes.iter().take(MAX_EVENT_ATTRIBUTES).map(|(k, v)| (clip(k), clip(v))).collect();
        Event { module: clip(module), kind: clip(kind), attributes: BoundedVec::new(attrs).unwrap_or_default() }
    }

    /// Looks up an attribute.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v.as_str())
    }
}
