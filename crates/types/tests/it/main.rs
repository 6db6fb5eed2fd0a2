//! Integration tests of the canonical encoding.

mod codec;
mod golden;
