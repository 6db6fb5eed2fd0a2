//! Size limits applied when decoding input from outside. Chain parameters may be tighter; these
//! are the hard caps of the encoding itself.

/// Longest chain id.
pub const MAX_CHAIN_ID: usize = 64;
/// Longest module name in a call.
pub const MAX_MODULE_NAME: usize = 32;
/// Longest method name in a call.
pub const MAX_METHOD_NAME: usize = 64;
/// Largest call argument blob.
pub const MAX_CALL_ARGS: usize = 60 * 1024;
/// Largest encoded signed transaction.
pub const MAX_TX_BYTES: usize = 64 * 1024;
/// Most transactions in one block (the chain parameter is usually lower).
pub const MAX_BLOCK_TXS: usize = 50_000;
/// Largest encoded block.
pub const MAX_BLOCK_BYTES: usize = 64 * 1024 * 1024;
/// Most validators in a set.
pub const MAX_VALIDATORS: usize = 256;
/// Most events in one receipt.
pub const MAX_EVENTS: usize = 64;
/// Most attributes in one event.
pub const MAX_EVENT_ATTRIBUTES: usize = 32;
/// Longest short text (names, event keys, error codes).
pub const MAX_SHORT_TEXT: usize = 256;
/// Longest event attribute value or error message.
pub const MAX_TEXT: usize = 4096;
