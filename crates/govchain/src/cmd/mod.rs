//! Subcommands.

pub mod bench;
pub mod bench_certs;
pub mod cert;
pub mod governance;
pub mod identity;
pub mod keys;
pub mod network;
pub mod node;
pub mod query;
pub mod records;
pub mod verify;
