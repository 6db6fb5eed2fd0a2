//! Subcommands.

pub mod bench;
pub mod bench_certs;
pub mod bench_data;
pub mod bench_evm;
pub mod bench_node;
pub mod bench_sync;
pub mod bench_vote;
pub mod bench_vote_api;
pub mod bench_workflow;
pub mod db;
pub mod keys;
pub mod network;
pub mod node;
pub mod query;
pub mod snapshot;
pub mod verify;
